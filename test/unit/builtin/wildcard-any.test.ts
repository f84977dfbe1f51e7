// RFC 4592 wildcard expansion (NODATA for other types, no expansion past
// an existing name or empty non-terminal, CNAME wildcards chased) and ANY answered minimally
// (RFC 8482), with only the CNAME at a CNAME name (RFC 1034 §4.3.2 step 3a).
import { describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../../providers/builtin/dns-server/geo.ts';
import { type RR, resolve } from '../../../providers/builtin/dns-server/resolve.ts';
import { buildZoneIndex, ServedZones } from '../../../providers/builtin/dns-server/zones.ts';
import type { RecordSet, RecordType } from '../../../src/model/index.ts';

const rec = (name: string, type: RecordType, values: string[]): RecordSet => ({
  name,
  type,
  ttl: 30,
  values,
});
const zones = new ServedZones([
  buildZoneIndex(
    'example.com.',
    [
      rec('*.w.example.com.', 'A', ['192.0.2.9']),
      rec('*.w.example.com.', 'TXT', ['wild']),
      rec('host.w.example.com.', 'AAAA', ['2001:db8::1']),
      rec('a.ent.w.example.com.', 'A', ['192.0.2.10']), // makes ent.w an empty non-terminal
      rec('*.c.example.com.', 'CNAME', ['target.example.com.']),
      rec('target.example.com.', 'A', ['192.0.2.20']),
      rec('target.example.com.', 'TXT', ['t']),
      rec('alias.example.com.', 'CNAME', ['target.example.com.']),
      rec('_geofailover.*.w.example.com.', 'TXT', ['owner=me']),
    ],
    1,
    { nameservers: ['ns1.example.com'] },
  ),
]);
const none = () => UNKNOWN;
const one = (name: string, type: number) => {
  const r = resolve(zones, name, type, none);
  expect(r.variants).toHaveLength(1);
  return r.variants[0]!;
};
const text = (rrs: RR[]) =>
  rrs.map((r) => `${r.name} ${r.type} ${JSON.stringify(Object.values(r.rdata)[0])}`);

describe('wildcards (RFC 4592)', () => {
  it('synthesises the answer with the name asked as its owner, one or more labels deep', () => {
    expect(text(one('foo.w.example.com.', 1).answer)).toEqual(['foo.w.example.com. 1 "192.0.2.9"']);
    expect(text(one('a.b.w.example.com.', 1).answer)).toEqual(['a.b.w.example.com. 1 "192.0.2.9"']);
    expect(text(one('foo.w.example.com.', 16).answer)).toEqual(['foo.w.example.com. 16 ["wild"]']);
  });

  it('answers NODATA with the SOA for a type the wildcard lacks', () => {
    const v = one('foo.w.example.com.', 28);
    expect([v.rcode, v.answer.length, v.authority[0]!.type]).toEqual([0, 0, 6]);
  });

  it('does not expand past an existing name or an empty non-terminal', () => {
    // host.w exists (AAAA only): its A is NODATA, not the wildcard's A
    const host = one('host.w.example.com.', 1);
    expect([host.rcode, host.answer.length]).toEqual([0, 0]);
    // ent.w is an empty non-terminal: NODATA itself, and names below it are NXDOMAIN
    expect(one('ent.w.example.com.', 1).answer).toEqual([]);
    expect(one('ent.w.example.com.', 1).rcode).toBe(0);
    expect(one('x.ent.w.example.com.', 1).rcode).toBe(3);
    // the parent of the wildcard is no wildcard match, and other branches are untouched
    expect(one('w.example.com.', 1).answer).toEqual([]);
    expect(one('nope.example.com.', 1).rcode).toBe(3);
  });

  it('a query for the `*` name itself matches it literally', () => {
    expect(text(one('*.w.example.com.', 1).answer)).toEqual(['*.w.example.com. 1 "192.0.2.9"']);
  });

  it('a wildcard CNAME is synthesised and chased inside the zone', () => {
    expect(text(one('x.c.example.com.', 1).answer)).toEqual([
      'x.c.example.com. 5 "target.example.com."',
      'target.example.com. 1 "192.0.2.20"',
    ]);
  });
});

describe('ANY (RFC 8482, RFC 1034 §4.3.2)', () => {
  it('at a CNAME name answers only the CNAME, chasing nothing', () => {
    expect(text(one('alias.example.com.', 255).answer)).toEqual([
      'alias.example.com. 5 "target.example.com."',
    ]);
    expect(text(one('x.c.example.com.', 255).answer)).toEqual(['x.c.example.com. 5 "target.example.com."']);
  });

  it('answers one RRset: the lowest type code present', () => {
    expect(text(one('target.example.com.', 255).answer)).toEqual(['target.example.com. 1 "192.0.2.20"']);
    expect(text(one('host.w.example.com.', 255).answer)).toEqual(['host.w.example.com. 28 "2001:db8::1"']);
    expect(one('example.com.', 255).answer.map((r) => r.type)).toEqual([2]);
  });

  it('is NODATA at an empty non-terminal', () => {
    const v = one('ent.w.example.com.', 255);
    expect([v.rcode, v.answer.length, v.authority[0]!.type]).toEqual([0, 0, 6]);
  });
});
