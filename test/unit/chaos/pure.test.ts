// The chaos suite's and the benchmark report's pure parts: dig output parsing (a timeout is never an
// empty answer), counting answer changes, timeline spans and SVG, and the result adapters' tolerance of
// missing fields.
import { describe, expect, it } from 'vitest';
import { benchAdapters } from '../../../bench/lib/adapters.ts';
import { renderTimelineSvg, spansFrom } from '../../../bench/lib/timeline-svg.ts';
import { answerChanges, answerSequence, parseDig, type Sample } from '../../e2e/chaos/sampler.ts';

const NAMES = ['app.chaos.test', 'last.chaos.test'];

const got = (status: string, name: string, values: string[]) =>
  [
    ';; Got answer:',
    `;; ->>HEADER<<- opcode: QUERY, status: ${status}, id: 4242`,
    ';; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1',
    '',
    ';; QUESTION SECTION:',
    `;${name}.\t\tIN\tA`,
    '',
    ';; ANSWER SECTION:',
    ...values.map((v) => `${name}.\t5\tIN\tA\t${v}`),
    '',
  ].join('\n');

describe('parseDig', () => {
  it('reads each query of one dig run in order, values sorted', () => {
    const out = `${got('NOERROR', NAMES[0]!, ['198.18.0.22', '198.18.0.21'])}\n${got('NOERROR', NAMES[1]!, ['198.18.0.21'])}`;
    expect(parseDig(out, NAMES)).toEqual([
      { status: 'NOERROR', values: ['198.18.0.21', '198.18.0.22'] },
      { status: 'NOERROR', values: ['198.18.0.21'] },
    ]);
  });

  it('a timeout is TIMEOUT, an empty answer is NOERROR with no values, NXDOMAIN is kept', () => {
    const out = [
      ';; communications error to 198.18.0.10#53: timed out',
      ';; no servers could be reached',
      got('NXDOMAIN', NAMES[1]!, []),
    ].join('\n');
    expect(parseDig(out, NAMES)).toEqual([
      { status: 'TIMEOUT', values: [] },
      { status: 'NXDOMAIN', values: [] },
    ]);
    expect(parseDig(got('NOERROR', NAMES[0]!, []), NAMES.slice(0, 1))).toEqual([
      { status: 'NOERROR', values: [] },
    ]);
  });

  it('missing output for a query counts as a timeout', () => {
    expect(parseDig('', NAMES)).toEqual([
      { status: 'TIMEOUT', values: [] },
      { status: 'TIMEOUT', values: [] },
    ]);
  });
});

describe('answer changes', () => {
  const s = (at: number, status: string, values: string[]): Sample => ({
    at,
    server: '198.18.0.10',
    name: NAMES[0]!,
    status,
    values,
  });
  it('skips timeouts, counts each change of answer', () => {
    const list = [
      s(1, 'NOERROR', ['a']),
      s(2, 'TIMEOUT', []),
      s(3, 'NOERROR', ['a']),
      s(4, 'NOERROR', ['b']),
      s(5, 'NOERROR', ['a']),
    ];
    expect(answerChanges(list)).toBe(2);
    expect(answerSequence(list)).toEqual(['a', 'b', 'a']);
    expect(answerSequence([s(1, 'NOERROR', []), s(2, 'SERVFAIL', [])])).toEqual(['(empty)', 'SERVFAIL']);
  });
});

describe('timeline', () => {
  it('spans cover the window: initial state, then each transition until the next', () => {
    const spans = spansFrom(
      'up',
      [
        { at: -5000, to: 'up' },
        { at: 1000, to: 'down' },
        { at: 1500, to: 'down' },
        { at: 4000, to: 'holding' },
        { at: 9000, to: 'up' },
      ],
      -2000,
      8000,
    );
    expect(spans).toEqual([
      { from: -2000, to: 1000, label: 'up' },
      { from: 1000, to: 4000, label: 'down' },
      { from: 4000, to: 8000, label: 'holding' },
    ]);
  });

  it('renders a standalone SVG with one row per lane and escaped text', () => {
    const svg = renderTimelineSvg({
      title: 'Failover <test> — detail',
      faultAt: 0,
      start: -1000,
      end: 5000,
      marks: [{ at: 0, label: 'fault' }],
      lanes: [
        { group: 'votes', title: 'vote p1', spans: [{ from: -1000, to: 5000, label: 'up' }] },
        { group: 'dns', title: 'dig', spans: [{ from: -1000, to: 5000, label: 'us-east' }] },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Failover &#60;test&#62;');
    expect(svg).toContain('answer: us-east');
    expect(svg).not.toContain('<test>');
  });
});

describe('bench result adapters', () => {
  it('every adapter tolerates an empty or foreign document (no rows, no throw)', () => {
    for (const a of benchAdapters) {
      expect(a.figures({}), a.file).toEqual([]);
      expect(a.figures({ results: [], scenarios: [] }), a.file).toEqual([]);
    }
  });

  it('puts a figure beside its peer with the ratio', () => {
    const plan = benchAdapters.find((a) => a.file === 'plan')!;
    const [row] = plan.figures({
      records: 10000,
      changed: 500,
      planCpuMs: { median: 30 },
      floorCpuMs: { median: 10 },
    });
    expect(row).toMatchObject({ value: '30 ms', peerValue: '10 ms', ratio: '3.00×' });
    const r53 = benchAdapters.find((a) => a.file === 'route53')!;
    expect(
      r53.figures({ records: 2000, failover: { change: 4 }, perRecordPeer: { change: 2000 } })[0]?.ratio,
    ).toBe('1/500');
  });
});
