// Records mode read side: ownership synthesised from tags, TTLs reported so that re-planning converges.
import { describe, expect, it } from 'vitest';
import type { CfRecord } from '../../../providers/cloudflare/list.ts';
import { buildRecordsView } from '../../../providers/cloudflare/records-view.ts';
import { zoneLookup } from '../../../providers/cloudflare/zone-config.ts';
import { parseConfig } from '../../../src/config/index.ts';

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
let n = 0;
const rec = (name: string, extra: Partial<CfRecord> = {}): CfRecord => ({
  id: `id${++n}`,
  name,
  type: 'A',
  content: '192.0.2.1',
  ttl: 60,
  proxied: false,
  tags: ['geofailover-owner:me'],
  comment: '',
  ...extra,
});
const view = (records: CfRecord[], names: string[] = []) =>
  buildRecordsView(records, 'me', names, lookup).sets;

describe('buildRecordsView', () => {
  it('synthesises our marker for names whose records all carry our tag', () => {
    const sets = view([rec('a.example.com'), rec('a.example.com', { content: '192.0.2.2' })]);
    expect(sets).toEqual([
      { name: '_geofailover.a.example.com.', type: 'TXT', ttl: 300, values: ['owner=me'] },
      { name: 'a.example.com.', type: 'A', ttl: 60, values: ['192.0.2.1', '192.0.2.2'] },
    ]);
  });

  it("names another owner's marker and returns untagged records only at query names", () => {
    const sets = view(
      [
        rec('x.example.com', { tags: ['geofailover-owner:them'] }),
        rec('a.example.com', { tags: [] }),
        rec('b.example.com', { tags: [] }),
      ],
      ['a.example.com'],
    );
    expect(sets.map((s) => `${s.name} ${s.type} ${s.values.join(',')}`)).toEqual([
      '_geofailover.x.example.com. TXT owner=them',
      'a.example.com. A 192.0.2.1',
    ]);
  });

  it('a name with one untagged record among ours has no marker (refused unless adopting)', () => {
    const sets = view(
      [rec('a.example.com'), rec('a.example.com', { content: '192.0.2.2', tags: [] })],
      ['a.example.com'],
    );
    expect(sets.some((s) => s.type === 'TXT')).toBe(false);
  });

  it('reports a proxied record (stored as Auto) with the config ttl, and a proxied mismatch as ttl 0', () => {
    expect(view([rec('p.example.com', { proxied: true, ttl: 1 })])[1]!.ttl).toBe(300);
    expect(view([rec('p.example.com', { proxied: false, ttl: 300 })])[1]!.ttl).toBe(0);
    expect(view([rec('a.example.com', { proxied: true, ttl: 1 })])[1]!.ttl).toBe(0);
  });

  it('ignores TXT and other types (never read as markers)', () => {
    const sets = view([rec('_geofailover.a.example.com', { type: 'TXT', content: 'owner=me' })]);
    expect(sets).toEqual([]);
  });
});
