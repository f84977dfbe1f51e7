// The pure answer logic: variants with probabilities, CNAME chains and loops, ANY, apex records,
// empty non-terminals, most specific zone, REFUSED.
import { describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../../providers/builtin/dns-server/geo.ts';
import { resolve } from '../../../providers/builtin/dns-server/resolve.ts';
import { buildZoneIndex, ServedZones } from '../../../providers/builtin/dns-server/zones.ts';
import type { RecordSet } from '../../../src/model/index.ts';

const cname = (name: string, target: string, extra: Partial<RecordSet> = {}): RecordSet => ({
  name,
  type: 'CNAME',
  ttl: 10,
  values: [target],
  ...extra,
});
const a = (name: string, v: string, extra: Partial<RecordSet> = {}): RecordSet => ({
  name,
  type: 'A',
  ttl: 20,
  values: [v],
  ...extra,
});

const zones = new ServedZones([
  buildZoneIndex(
    'example.com.',
    [
      cname('w.example.com.', 'x.example.com.', { setId: '1', weight: 1 }),
      cname('w.example.com.', 'y.example.com.', { setId: '2', weight: 3 }),
      a('x.example.com.', '192.0.2.1', { setId: 'p', weight: 1 }),
      a('x.example.com.', '192.0.2.2', { setId: 'q', weight: 1 }),
      a('y.example.com.', '192.0.2.3'),
      cname('loop1.example.com.', 'loop2.example.com.'),
      cname('loop2.example.com.', 'loop1.example.com.'),
      a('a.b.c.example.com.', '192.0.2.9'),
    ],
    5,
    { nameservers: ['ns.example.net'] },
  ),
  buildZoneIndex('sub.example.com.', [a('www.sub.example.com.', '198.51.100.1')], 1, { nameservers: [] }),
]);
const none = () => UNKNOWN;

describe('resolve', () => {
  it('enumerates weighted CNAME → weighted A as variants whose probabilities multiply', () => {
    const r = resolve(zones, 'w.example.com.', 1, none);
    const byLast = Object.fromEntries(
      r.variants.map((v) => [(v.answer.at(-1)!.rdata as { address: string }).address, v.p]),
    );
    expect(byLast).toEqual({ '192.0.2.1': 0.125, '192.0.2.2': 0.125, '192.0.2.3': 0.75 });
    expect(r.variants.every((v) => v.answer[0]!.type === 5)).toBe(true);
  });

  it('stops a CNAME loop instead of chasing forever', () => {
    const r = resolve(zones, 'loop1.example.com.', 1, none);
    expect(r.variants).toHaveLength(1);
    expect(r.variants[0]!.answer.map((x) => x.name)).toEqual(['loop1.example.com.', 'loop2.example.com.']);
  });

  it('ANY at the apex gives one RRset (RFC 8482: NS); empty non-terminals are NODATA; NXDOMAIN below them', () => {
    const any = resolve(zones, 'example.com.', 255, none);
    expect(any.variants[0]!.answer.map((x) => x.type)).toEqual([2]);
    const ent = resolve(zones, 'b.c.example.com.', 1, none).variants[0]!;
    expect([ent.rcode, ent.answer.length, ent.authority[0]!.type]).toEqual([0, 0, 6]);
    expect(resolve(zones, 'z.b.c.example.com.', 1, none).variants[0]!.rcode).toBe(3);
  });

  it('picks the most specific served zone, and REFUSES names outside all of them', () => {
    const sub = resolve(zones, 'www.sub.example.com.', 1, none);
    expect((sub.variants[0]!.answer[0]!.rdata as { address: string }).address).toBe('198.51.100.1');
    const soa = resolve(zones, 'nx.sub.example.com.', 1, none).variants[0]!.authority[0]!;
    expect(soa.name).toBe('sub.example.com.');
    expect(soa.ttl).toBe(60);
    const refused = resolve(zones, 'example.org.', 1, none);
    expect([refused.aa, refused.variants[0]!.rcode]).toEqual([false, 5]);
  });

  it('marks an answer geo only when a geo set was consulted', () => {
    let asked = 0;
    const locate = () => {
      asked++;
      return UNKNOWN;
    };
    expect(resolve(zones, 'y.example.com.', 1, locate).geo).toBe(false);
    expect(asked).toBe(0);
  });
});
