// ECS scope (RFC 7871 §7.2.1): the scope we answer with must never be wider than a
// nested network that gets another answer, since a resolver reuses the answer for the whole scope.
// Checked on the examples, through the engine, and as a property over random nested tables.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DnsEngine, GeoLocator } from '../../../providers/builtin/dns-server/index.ts';
import { buildZoneIndex, ServedZones } from '../../../providers/builtin/dns-server/zones.ts';
import { ecsOption, query } from './packets.ts';

const v4 = (ip: string) => Buffer.from(ip.split('.').map(Number));

describe('ECS scope', () => {
  const geo = new GeoLocator([
    { cidr: '81.0.0.0/8', continent: 'EU' },
    { cidr: '81.1.0.0/16', continent: 'AS' },
  ]);
  const scopeOf = (ip: string) => geo.scope(1, v4(ip), geo.locate(1, v4(ip)));

  it('a match with a nested network of another answer narrows to exclude it', () => {
    // 81.0.0.0/8 holds 81.1.0.0/16 (AS): the EU answer holds for 81.0.0.0/16, not /8.
    expect(geo.locate(1, v4('81.0.0.0')).location?.continent).toBe('EU');
    expect(scopeOf('81.0.0.0')).toBe(16);
    expect(scopeOf('81.128.0.0')).toBe(9);
    expect(scopeOf('81.1.2.3')).toBe(16); // inside the nested network: its own prefix
  });

  it('an unmatched client gets the widest network holding no table network', () => {
    // 80.0.0.0/6 holds 81.0.0.0/8: the default answer holds for 80.0.0.0/8 only.
    expect(geo.locate(1, v4('80.0.0.0')).location).toBeUndefined();
    expect(scopeOf('80.0.0.0')).toBe(8);
    expect(scopeOf('203.0.113.0')).toBe(1); // 128.0.0.0/1 holds no table network at all
  });

  it('a nested network with the same location does not narrow the scope', () => {
    const same = new GeoLocator([
      { cidr: '10.0.0.0/8', country: 'DE' },
      { cidr: '10.9.0.0/16', country: 'DE' },
    ]);
    expect(same.scope(1, v4('10.1.0.0'), same.locate(1, v4('10.1.0.0')))).toBe(8);
  });

  it('IPv6 and IPv4-mapped IPv6 scopes are in bits of the IPv6 address', () => {
    const g = new GeoLocator([
      { cidr: '2001:db8::/32', country: 'JP' },
      { cidr: '2001:db8:8000::/33', country: 'FR' },
      { cidr: '81.0.0.0/8', country: 'DE' },
    ]);
    const a = Buffer.from('20010db8', 'hex');
    expect(g.scope(2, a, g.locate(2, a))).toBe(33);
    const mapped = Buffer.from('00000000000000000000ffff51000000', 'hex');
    expect(g.scope(2, mapped, g.locate(2, mapped))).toBe(104);
  });

  it('the engine answers with the narrowed scope (the example that found it)', () => {
    const e = new DnsEngine({ geo, udpPayloadSize: 1232 });
    e.setZones(
      new ServedZones([
        buildZoneIndex(
          'example.com.',
          [
            {
              name: 'www.example.com.',
              type: 'A',
              ttl: 30,
              values: ['192.0.2.1'],
              setId: 'eu',
              geo: { continent: 'EU' },
            },
            {
              name: 'www.example.com.',
              type: 'A',
              ttl: 30,
              values: ['192.0.2.2'],
              setId: 'as',
              geo: { continent: 'AS' },
            },
            {
              name: 'www.example.com.',
              type: 'A',
              ttl: 30,
              values: ['192.0.2.9'],
              setId: 'd',
              geo: 'default',
            },
          ],
          1,
          { nameservers: [] },
        ),
      ]),
    );
    const ask = (ip: string, source: number) => {
      const out = e.handle(
        query('www.example.com', { edns: { options: [ecsOption(ip, source)] } }),
        'udp',
        '127.0.0.1',
      )!;
      // The ECS option is the last thing in the response: scope is its 4th octet of the body.
      const optionStart = out.length - (4 + 4 + Math.ceil(source / 8));
      return { scope: out[optionStart + 7], address: out.subarray(out.length - Math.ceil(source / 8)) };
    };
    expect(ask('81.0.0.0', 24).scope).toBe(16);
    expect(ask('80.0.0.0', 6).scope).toBe(8);
    expect(ask('81.1.0.0', 16).scope).toBe(16);
  });
});

// ---- property: random nested tables inside 10.0.0.0/8 with prefixes /8../16 -----------------------
// Every network is /16 or shorter, so the location is constant on each /16: checking every /16 inside
// the scope network proves it holds one answer, and every /16 one bit wider proves it is the widest.

const KEYS = ['DE', 'FR', 'JP', 'US'] as const;
const network = fc.record({
  b: fc.integer({ min: 0, max: 255 }),
  len: fc.integer({ min: 8, max: 16 }),
  country: fc.constantFrom(...KEYS),
});

function block(x: number): Buffer {
  return Buffer.from([10, x, 0, 0]);
}

describe('ECS scope property', () => {
  it('holds one answer across the scope, and is the widest such network', () => {
    fc.assert(
      fc.property(fc.array(network, { maxLength: 12 }), fc.integer({ min: 0, max: 255 }), (nets, client) => {
        const g = new GeoLocator(
          nets.map((n) => {
            const masked = n.len === 8 ? 0 : n.b & (0xff << (16 - n.len)) & 0xff;
            return { cidr: `10.${masked}.0.0/${n.len}`, country: n.country };
          }),
        );
        const keyOf = (x: number) => g.locate(1, block(x)).key;
        const found = g.locate(1, block(client));
        const scope = g.scope(1, block(client), found);
        expect(scope).toBeGreaterThanOrEqual(found.prefix);
        const within = (len: number) => {
          // the /16 blocks 10.x of the network 10.client/len (len >= 8; below 8 leaves 10/8: all of them,
          // and then every other /8 holds no network and answers like an unmatched client)
          if (len <= 8) return Array.from({ length: 256 }, (_, x) => x);
          const span = 1 << (16 - len);
          const start = client & ~(span - 1) & 0xff;
          return Array.from({ length: span }, (_, i) => start + i);
        };
        // Sound: one answer across the scope (outside 10/8 nothing matches: the unmatched key '-').
        const keys = new Set(within(scope).map(keyOf));
        if (scope < 8) keys.add(g.locate(1, Buffer.from([11, 0, 0, 0])).key);
        expect(keys).toEqual(new Set([found.key]));
        // Widest: one bit wider (still at least the matched prefix) would hold another answer.
        if (scope > found.prefix && scope > 0) {
          const wider = new Set(within(scope - 1).map(keyOf));
          if (scope - 1 < 8) wider.add('-');
          expect(wider.size).toBeGreaterThan(1);
        }
      }),
      { numRuns: 500 },
    );
  }, 60_000);
});

describe('ECS scope with a shadowed network', () => {
  it('a network wholly covered by longer ones of another answer does not narrow the scope', () => {
    // 10.128/10 (DE) is split into 10.128/11 and 10.160/11, both JP: no address answers DE, so all of
    // 10/8 answers JP and a client in it may be told scope /8 (it was /9, since a DE network existed).
    const g = new GeoLocator([
      { cidr: '10.160.0.0/11', country: 'JP' },
      { cidr: '10.128.0.0/11', country: 'JP' },
      { cidr: '10.128.0.0/10', country: 'DE' },
      { cidr: '10.0.0.0/8', country: 'JP' },
    ]);
    const found = g.locate(1, block(0));
    expect(g.scope(1, block(0), found)).toBe(8);
  });
});
