// The PowerDNS adapter's pure parts: TXT encoding both ways, RRsets read into RecordSets, the
// records() selection, and what validate says about weighted and geo records on PowerDNS.
import { describe, expect, it } from 'vitest';
import { decodeTxt, encodeTxt, fromRRset, selectRecords } from '../../../providers/powerdns/index.ts';
import { parseConfig } from '../../../src/config/index.ts';

describe('powerdns mapping', () => {
  it('encodes TXT as quoted 255-character strings and decodes it back', () => {
    const long = 'x'.repeat(300);
    expect(encodeTxt('owner=a')).toBe('"owner=a"');
    expect(encodeTxt('say "hi" \\')).toBe('"say \\"hi\\" \\\\"');
    expect(encodeTxt(long)).toBe(`"${'x'.repeat(255)}" "${'x'.repeat(45)}"`);
    for (const v of ['owner=a', 'say "hi" \\', long, '']) expect(decodeTxt(encodeTxt(v))).toBe(v);
  });

  it('reads an RRset without its disabled records, and skips types it never manages', () => {
    expect(
      fromRRset({
        name: 'App.Example.com.',
        type: 'A',
        ttl: 60,
        records: [
          { content: '192.0.2.11', disabled: false },
          { content: '192.0.2.10' },
          { content: '192.0.2.99', disabled: true },
        ],
      }),
    ).toEqual({ name: 'app.example.com.', type: 'A', ttl: 60, values: ['192.0.2.10', '192.0.2.11'] });
    expect(
      fromRRset({
        name: 'a.example.com.',
        type: 'A',
        ttl: 60,
        records: [{ content: '192.0.2.1', disabled: true }],
      }),
    ).toBeUndefined();
    expect(
      fromRRset({ name: 'a.example.com.', type: 'MX', ttl: 60, records: [{ content: '10 mx.' }] }),
    ).toBeUndefined();
  });

  it('selects markers, names our marker covers and the query names, nothing else', () => {
    const r = (name: string, type: 'A' | 'TXT', v: string) => ({ name, type, ttl: 60, values: [v] });
    const all = [
      r('_geofailover.a.example.com.', 'TXT', 'owner=me'),
      r('a.example.com.', 'A', '192.0.2.1'),
      r('_geofailover.b.example.com.', 'TXT', 'owner=other'),
      r('b.example.com.', 'A', '192.0.2.2'),
      r('c.example.com.', 'A', '192.0.2.3'),
      r('d.example.com.', 'A', '192.0.2.4'),
    ];
    expect(selectRecords(all, 'me', ['C.example.com']).map((x) => x.name)).toEqual([
      '_geofailover.a.example.com.',
      'a.example.com.',
      '_geofailover.b.example.com.',
      'c.example.com.',
    ]);
  });
});

describe('powerdns validate checks', () => {
  const config = (policy: string) => `owner: t
regions:
  - id: a
    endpoints: [{ id: a1, address: 192.0.2.1, check: { kind: tcp, port: 80 } }]
providers:
  p: { kind: powerdns, url: "http://127.0.0.1:8081", apiKeyEnv: PDNS_KEY }
zones:
  - name: example.com
    provider: p
    records:
      - { name: w.example.com, type: A, ttl: 60, policy: ${policy} }
`;

  it('refuses geo, naming where geo works', () => {
    expect(() =>
      parseConfig(config('{ kind: geo, rules: [{ match: default, regions: [a] }] }'), 'x.yaml'),
    ).toThrow(
      /x\.yaml:\d+: zones\[0\]\.records\[0\]\.policy\.kind: a geo policy cannot be expressed by plain PowerDNS records.*builtin server, Route 53 or Cloudflare/,
    );
  });

  it('accepts weighted (validate warns that weights are not published)', () => {
    expect(parseConfig(config('{ kind: weighted, weights: { a: 1 } }'), 'x.yaml').zones).toHaveLength(1);
  });

  it('needs exactly one of apiKeyEnv and apiKeyFile', () => {
    const both = config('{ kind: failover, order: [a] }').replace(
      'apiKeyEnv: PDNS_KEY',
      'apiKeyEnv: K, apiKeyFile: /k',
    );
    expect(() => parseConfig(both, 'x.yaml')).toThrow(/exactly one of apiKeyEnv or apiKeyFile/);
  });
});
