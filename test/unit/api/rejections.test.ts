// Refused reports per prober: the metric label stays within the configured ids, the log names the
// prober once at the first refusal and then at most once a minute with the count since, a recovery is
// logged once, unknown names are bounded, and the view says whether the refusal is current.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  CURRENT_FOR_MS,
  ProberRejections,
  shouldLogRejection,
  UNKNOWN_NAMES_LIMIT,
} from '../../../src/api/index.ts';
import { createLogger } from '../../../src/log/index.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: createLogger('t', { level: 'debug', destination: sink }), lines };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ProberRejections', () => {
  it('labels configured probers by id and everything else as unknown', () => {
    const r = new ProberRejections(['p1', 'p2']);
    expect(r.rejected('bad-signature', 'p1', 'x')).toBe('p1');
    expect(r.rejected('unknown-prober', undefined, 'x', { claimed: 'evil' })).toBe('unknown');
    expect(r.rejected('unsigned', undefined, 'x')).toBe('unknown');
    expect(r.label('p3')).toBe('unknown');
    // A prober that happens to be called "unknown" keeps its own record.
    const odd = new ProberRejections(['unknown']);
    odd.rejected('unsigned', undefined, 'x');
    expect(odd.view('unknown')).toBeUndefined();
    odd.rejected('bad-signature', 'unknown', 'x');
    expect(odd.view('unknown')).toMatchObject({ count: 1, reason: 'bad-signature' });
  });

  it('logs the first refusal at once, then one line a minute with the count since, then the recovery', async () => {
    let now = 1_000_000;
    const { logger, lines } = capture();
    const r = new ProberRejections(['p1', 'p2'], logger, { now: () => now });
    r.rejected('stale-timestamp', 'p1', 'signature time is 125 s behind', { offsetSeconds: -125 });
    for (let i = 0; i < 20; i++) {
      now += 2000;
      r.rejected('stale-timestamp', 'p1', 'd', { offsetSeconds: -125 });
    }
    // Another prober has its own limit.
    r.rejected('bad-signature', 'p2', 'signature does not match');
    await tick();
    expect(lines.map((l) => l.prober)).toEqual(['p1', 'p2']);
    expect(lines[0]!.msg).toBe(
      "prober p1: 1 report rejected (1 since start): stale timestamp (clock 125 s behind); fix the agent's clock (NTP: chrony or systemd-timesyncd)",
    );
    expect(lines[0]).toMatchObject({ level: 40, reason: 'stale-timestamp', offsetSeconds: -125 });
    expect(lines[1]!.msg).toContain('prober p2: 1 report rejected (1 since start): bad signature');
    now += 20_001; // 60 s after the first line
    r.rejected('stale-timestamp', 'p1', 'd', { offsetSeconds: -125 });
    await tick();
    expect(lines).toHaveLength(3);
    expect(lines[2]!.msg).toMatch(/^prober p1: 21 reports rejected in the last 60 s \(22 since start\)/);

    r.accepted('p1');
    r.accepted('p1');
    await tick();
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatchObject({ level: 30, prober: 'p1', after: 22 });
    expect(lines[3]!.msg).toBe(
      'reports from prober p1 accepted again after 22 rejections (stale timestamp (clock 125 s behind))',
    );
  });

  it('a prober that alternates between accepted and refused still logs at most once a minute', async () => {
    let now = 0;
    const { logger, lines } = capture();
    const r = new ProberRejections(['p1'], logger, { now: () => now });
    for (let i = 0; i < 50; i++) {
      now += 1000;
      r.rejected('replay', 'p1', 'seq not above');
      r.accepted('p1');
    }
    await tick();
    // 50 s: the first refusal and its recovery only.
    expect(lines.map((l) => l.level)).toEqual([40, 30]);
    expect(shouldLogRejection(undefined, 5, 60_000)).toBe(true);
    expect(shouldLogRejection(0, 59_999, 60_000)).toBe(false);
  });

  it('shows the last reason, count, offset and whether it is current; unknown names are bounded', () => {
    let now = Date.parse('2026-12-08T10:00:00Z');
    const r = new ProberRejections(['p1', 'p2'], undefined, { now: () => now });
    expect(r.view('p1')).toBeUndefined();
    r.rejected('bad-signature', 'p1', 'signature does not match');
    r.rejected('stale-timestamp', 'p1', 'behind', { offsetSeconds: -40 });
    expect(r.view('p1')).toMatchObject({
      count: 2,
      reason: 'stale-timestamp',
      what: 'stale timestamp (clock 40 s behind)',
      offsetSeconds: -40,
      current: true,
      streak: 2,
      since: '2026-12-08T10:00:00.000Z',
      lastAt: '2026-12-08T10:00:00.000Z',
    });
    r.accepted('p1');
    expect(r.view('p1')).toMatchObject({ count: 2, current: false });
    expect(r.view('p1')!.streak).toBeUndefined();
    r.rejected('client-cert-required', 'p2', 'a client certificate is required');
    now += CURRENT_FOR_MS;
    expect(r.view('p2')).toMatchObject({ what: 'client certificate required', current: false, streak: 1 });

    for (let i = 0; i < UNKNOWN_NAMES_LIMIT + 5; i++)
      r.rejected('unknown-prober', undefined, 'not configured', { claimed: `stranger-${i}\u0007` });
    const unknown = r.unknown();
    expect(unknown).toHaveLength(UNKNOWN_NAMES_LIMIT);
    expect(unknown[0]!.name).toBe(`stranger-${UNKNOWN_NAMES_LIMIT + 4}?`);
    expect(r.view('unknown')).toBeUndefined();
  });
});
