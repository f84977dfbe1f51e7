// Records mode write side: planner changes -> batch operations (pure).
import { describe, expect, it } from 'vitest';
import type { CfRecord } from '../../../providers/cloudflare/list.ts';
import { opCount, packBatches, recordOps } from '../../../providers/cloudflare/records-ops.ts';
import { zoneLookup } from '../../../providers/cloudflare/zone-config.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { type Change, ConflictError, InvalidChangeError, markerRecord } from '../../../src/model/index.ts';

const config = parseConfig(`
owner: me
regions:
  - id: r1
    endpoints: [{ id: e1, address: 192.0.2.1, check: { kind: tcp, port: 80 } }]
providers: { cf: { kind: cloudflare, zoneId: 023e105f4ecef8ad9ca31a8372d0c353, apiTokenEnv: T } }
zones:
  - name: example.com
    provider: cf
    records:
      - { name: a.example.com, type: A, ttl: 60, policy: { kind: failover, order: [r1] } }
      - { name: p.example.com, type: A, ttl: 300, proxied: true, policy: { kind: failover, order: [r1] } }
health: { minProbers: 1 }
`);
const lookup = zoneLookup(config, 'example.com');
const TAG = 'geofailover-owner:me';
let n = 0;
const rec = (name: string, content: string, extra: Partial<CfRecord> = {}): CfRecord => ({
  id: `id${++n}`,
  name,
  type: 'A',
  content,
  ttl: 60,
  proxied: false,
  tags: [TAG],
  comment: 'geofailover owner=me',
  ...extra,
});
const set = (name: string, values: string[], ttl = 60) => ({
  name: `${name}.`,
  type: 'A' as const,
  ttl,
  values,
});
const ops = (changes: Change[], current: CfRecord[]) =>
  recordOps({
    provider: 'cf',
    zone: 'example.com',
    owner: 'me',
    minTtl: 60,
    changes,
    current: new Map(
      [...new Set(current.map((r) => `${r.name}.`))].map((k) => [
        k,
        current.filter((r) => `${r.name}.` === k),
      ]),
    ),
    lookup,
  });
const reason = { code: 'region-down' as const };

describe('recordOps', () => {
  it('re-points records with patches when every value changes (no delete+post)', () => {
    const cur = [rec('a.example.com', '192.0.2.1'), rec('a.example.com', '192.0.2.2')];
    const [o] = ops(
      [
        {
          kind: 'update',
          before: set('a.example.com', ['192.0.2.1', '192.0.2.2']),
          after: set('a.example.com', ['198.51.100.1', '198.51.100.2']),
          reason,
        },
      ],
      cur,
    );
    expect(o!.patches.map((p) => p.content).sort()).toEqual(['198.51.100.1', '198.51.100.2']);
    expect(o!.deletes).toEqual([]);
    expect(o!.posts).toEqual([]);
  });

  it('keeps records whose value stays and posts or deletes the difference', () => {
    const cur = [
      rec('a.example.com', '192.0.2.1'),
      rec('a.example.com', '192.0.2.2'),
      rec('a.example.com', '192.0.2.3'),
    ];
    const [shrink] = ops(
      [
        {
          kind: 'update',
          before: set('a.example.com', ['192.0.2.1', '192.0.2.2', '192.0.2.3']),
          after: set('a.example.com', ['192.0.2.2']),
          reason,
        },
      ],
      cur,
    );
    expect(shrink!.patches).toEqual([]);
    expect(shrink!.deletes.map((d) => d.id).sort()).toEqual([cur[0]!.id, cur[2]!.id].sort());
    const [grow] = ops(
      [
        {
          kind: 'update',
          before: set('a.example.com', ['192.0.2.1', '192.0.2.2', '192.0.2.3']),
          after: set('a.example.com', ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']),
          reason,
        },
      ],
      cur,
    );
    expect(grow!.posts.map((p) => p.content)).toEqual(['192.0.2.4']);
    expect(grow!.posts[0]!.tags).toEqual([TAG]);
  });

  it('turns a marker create into our tag + comment, keeping the user tags', () => {
    const cur = [rec('a.example.com', '192.0.2.1', { tags: ['team:web'], comment: 'by hand' })];
    const [o] = ops(
      [{ kind: 'create', after: markerRecord('a.example.com', 'me'), reason: { code: 'ownership' } }],
      cur,
    );
    expect(o!.patches).toHaveLength(1);
    expect(o!.patches[0]!.tags).toEqual(['team:web', TAG]);
    expect(o!.patches[0]!.comment).toBe('geofailover owner=me');
  });

  it('sends proxied records as Auto (ttl 1)', () => {
    const [o] = ops(
      [{ kind: 'create', after: set('p.example.com', ['192.0.2.1'], 300), reason: { code: 'config' } }],
      [],
    );
    expect(o!.posts[0]).toMatchObject({ ttl: 1, proxied: true });
  });

  it('writes a CNAME target without its trailing dot and compares it normalised', () => {
    const cname = { name: 'a.example.com.', type: 'CNAME' as const, ttl: 60, values: ['b.example.net.'] };
    const [o] = ops([{ kind: 'create', after: cname, reason: { code: 'config' } }], []);
    expect(o!.posts[0]).toMatchObject({ type: 'CNAME', content: 'b.example.net' });
    const cur = [rec('a.example.com', 'b.example.net', { type: 'CNAME' })];
    const same = ops(
      [{ kind: 'update', before: cname, after: { ...cname, values: ['c.example.net.'] }, reason }],
      cur,
    );
    expect(same[0]!.patches).toHaveLength(1);
    expect(same[0]!.patches[0]!.content).toBe('c.example.net');
  });

  it('refuses a DNS-only ttl below minTtl before sending anything', () => {
    expect(() =>
      ops(
        [{ kind: 'create', after: set('a.example.com', ['192.0.2.1'], 30), reason: { code: 'config' } }],
        [],
      ),
    ).toThrow(InvalidChangeError);
  });

  it('refuses an A value that is not IPv4', () => {
    expect(() =>
      ops([{ kind: 'create', after: set('a.example.com', ['2001:db8::1']), reason: { code: 'config' } }], []),
    ).toThrow(/not a valid A value/);
  });

  it('is a conflict when `before` is not what was read', () => {
    const cur = [rec('a.example.com', '192.0.2.9')];
    expect(() =>
      ops(
        [
          {
            kind: 'update',
            before: set('a.example.com', ['192.0.2.1']),
            after: set('a.example.com', ['192.0.2.2']),
            reason,
          },
        ],
        cur,
      ),
    ).toThrow(ConflictError);
  });
});

describe('packBatches', () => {
  const nameOps = (name: string, k: number) => ({
    name,
    deletes: Array.from({ length: k }, (_, i) => ({ id: `${name}${i}` })),
    patches: [],
    posts: [],
  });
  it('fills batches up to the size without splitting a name', () => {
    const batches = packBatches([nameOps('a', 3), nameOps('b', 3), nameOps('c', 3), nameOps('d', 1)], 7, {
      provider: 'cf',
      zone: 'z',
    });
    expect(batches.map((b) => b.map((n) => n.name))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    for (const b of batches) expect(b.reduce((s, n) => s + opCount(n), 0)).toBeLessThanOrEqual(7);
  });
  it('refuses a name that needs more operations than one batch holds', () => {
    expect(() => packBatches([nameOps('big', 9)], 8, { provider: 'cf', zone: 'z' })).toThrow(/batchSize 8/);
  });
});
