// The builtin server checked with real clients (dig from bind9-dnsutils, kdig from knot-dnsutils):
// sections, flags, TTLs, NXDOMAIN vs NODATA, CNAME, REFUSED, TC over UDP and full over TCP, EDNS,
// BADVERS, ECS geo answers (also after a COOKIE option), and updates answered without restart.
import { Packet } from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../unit/builtin/packets.ts';
import { askUdp, dig, type Fixture, has, startFixture } from './fixture.ts';

const hasDig = has('dig');
const hasKdig = has('kdig');
if (!hasDig) console.warn('skipping dig tests: dig (bind9-dnsutils) is not installed');
if (!hasKdig) console.warn('skipping kdig tests: kdig (knot-dnsutils) is not installed');

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => {
  await fx?.close();
});

describe.skipIf(!hasDig)('authoritative answers (dig)', () => {
  it('answers with AA, the records and their TTL, an OPT with our payload size, no RA', async () => {
    const r = await dig('dig', fx.port, ['+norec', 'app.example.com', 'A']);
    expect(r.status).toBe('NOERROR');
    expect(r.flags).toContain('aa');
    expect(r.flags).not.toContain('ra');
    expect(r.flags).not.toContain('rd');
    expect(r.answer).toEqual([
      ['app.example.com.', '30', 'IN', 'A', '192.0.2.1'],
      ['app.example.com.', '30', 'IN', 'A', '192.0.2.2'],
    ]);
    expect(r.raw).toMatch(/EDNS: version: 0, flags:; udp: 1232/);
  });

  it('matches names case-insensitively and echoes the question as asked', async () => {
    const r = await dig('dig', fx.port, ['ApP.ExAmPlE.CoM', 'A']);
    expect(r.status).toBe('NOERROR');
    expect(r.answer.map((l) => l[4])).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(r.raw).toMatch(/;ApP\.ExAmPlE\.CoM\.\s+IN\s+A/);
  });

  it('NXDOMAIN and NODATA both carry the SOA, with its minimum as the TTL', async () => {
    const nx = await dig('dig', fx.port, ['nothere.example.com', 'A']);
    expect(nx.status).toBe('NXDOMAIN');
    expect(nx.flags).toContain('aa');
    expect(nx.answer).toEqual([]);
    expect(nx.authority).toEqual([
      [
        'example.com.',
        '60',
        'IN',
        'SOA',
        'ns1.example.com.',
        'hostmaster.example.com.',
        '1',
        '3600',
        '600',
        '604800',
        '60',
      ],
    ]);
    const nodata = await dig('dig', fx.port, ['app.example.com', 'AAAA']);
    expect(nodata.status).toBe('NOERROR');
    expect(nodata.answer).toEqual([]);
    expect(nodata.authority[0]?.[3]).toBe('SOA');
    // An empty non-terminal exists (RFC 8020): NODATA, not NXDOMAIN.
    const ent = await dig('dig', fx.port, ['deep.example.com', 'A']);
    expect(ent.status).toBe('NOERROR');
    expect(ent.authority[0]?.[3]).toBe('SOA');
  });

  it('serves the apex SOA and NS from the provider nameservers; the serial is the store serial', async () => {
    const soa = await dig('dig', fx.port, ['example.com', 'SOA']);
    expect(soa.answer).toEqual([
      [
        'example.com.',
        '300',
        'IN',
        'SOA',
        'ns1.example.com.',
        'hostmaster.example.com.',
        '1',
        '3600',
        '600',
        '604800',
        '60',
      ],
    ]);
    const ns = await dig('dig', fx.port, ['example.com', 'NS']);
    expect(ns.answer.map((l) => l[4])).toEqual(['ns1.example.com.', 'ns2.example.net.']);
  });

  it('answers CNAMEs, chases them inside the zone, and stops at names outside it', async () => {
    const r = await dig('dig', fx.port, ['alias.example.com', 'A']);
    expect(r.answer).toEqual([
      ['alias.example.com.', '45', 'IN', 'CNAME', 'www.example.com.'],
      ['www.example.com.', '30', 'IN', 'A', '192.0.2.10'],
    ]);
    const out = await dig('dig', fx.port, ['out.example.com', 'A']);
    expect(out.status).toBe('NOERROR');
    expect(out.answer).toEqual([['out.example.com.', '45', 'IN', 'CNAME', 'target.example.net.']]);
    const dangling = await dig('dig', fx.port, ['dangling.example.com', 'A']);
    expect(dangling.status).toBe('NXDOMAIN');
    expect(dangling.answer[0]?.[3]).toBe('CNAME');
    const asked = await dig('dig', fx.port, ['alias.example.com', 'CNAME']);
    expect(asked.answer).toEqual([['alias.example.com.', '45', 'IN', 'CNAME', 'www.example.com.']]);
  });

  it('serves the ownership marker TXT like any TXT record', async () => {
    const r = await dig('dig', fx.port, ['_geofailover.app.example.com', 'TXT']);
    expect(r.answer).toEqual([['_geofailover.app.example.com.', '300', 'IN', 'TXT', '"owner=me"']]);
  });

  it('REFUSED outside the served zones, without AA', async () => {
    const r = await dig('dig', fx.port, ['www.example.org', 'A']);
    expect(r.status).toBe('REFUSED');
    expect(r.flags).not.toContain('aa');
    const parent = await dig('dig', fx.port, ['com', 'NS']);
    expect(parent.status).toBe('REFUSED');
  });

  it('sets TC over UDP when the answer does not fit, and gives it in full over TCP', async () => {
    const udp = await dig('dig', fx.port, ['+ignore', 'big.example.com', 'TXT']);
    expect(udp.flags).toContain('tc');
    expect(udp.answer).toEqual([]);
    const small = await dig('dig', fx.port, ['+ignore', '+noedns', 'big.example.com', 'TXT']);
    expect(small.flags).toContain('tc');
    const tcp = await dig('dig', fx.port, ['+tcp', 'big.example.com', 'TXT']);
    expect(tcp.flags).not.toContain('tc');
    expect(tcp.answer).toHaveLength(40);
    expect(tcp.answer[0]?.slice(0, 4)).toEqual(['big.example.com.', '10', 'IN', 'TXT']);
    // dig retries over TCP by itself after TC.
    const retried = await dig('dig', fx.port, ['big.example.com', 'TXT']);
    expect(retried.answer).toHaveLength(40);
  });

  it('answers without an OPT record when the query had none', async () => {
    const r = await dig('dig', fx.port, ['+noedns', 'app.example.com']);
    expect(r.raw).not.toMatch(/OPT PSEUDOSECTION/);
    expect(r.answer).toHaveLength(2);
  });

  it('BADVERS for EDNS version 1, with an OPT of version 0', async () => {
    const r = await dig('dig', fx.port, ['+edns=1', '+noednsnegotiation', 'app.example.com']);
    expect(r.status).toBe('BADVERS');
    expect(r.raw).toMatch(/EDNS: version: 0/);
    expect(r.answer).toEqual([]);
  });

  it('geo by client subnet: most specific match wins, scope never covers a nested other answer', async () => {
    const cases: [string, string, string][] = [
      ['81.1.2.0/24', '198.51.100.1', '/12'], // DE → continent EU; /12 keeps out FR's 81.20.0.0/16
      ['81.20.3.0/24', '198.51.100.2', '/16'], // FR country beats EU continent
      ['100.65.0.0/16', '198.51.100.3', '/16'], // US-CA; /16 keeps out the US-only 100.64.0.0/16
      ['100.64.9.0/24', '198.51.100.4', '/16'], // the longer /16 says US only: the country record
      ['203.0.113.0/24', '192.0.2.10', '/1'], // unknown → default, for all of 128.0.0.0/1 (no network there)
      ['2001:db8:e0::/56', '198.51.100.1', '/48'],
    ];
    for (const [subnet, want, scope] of cases) {
      const r = await dig('dig', fx.port, [`+subnet=${subnet}`, 'www.example.com', 'A']);
      expect(
        r.answer.map((l) => l[4]),
        subnet,
      ).toEqual([want]);
      const ecs = r.opt.find((l) => l.startsWith('CLIENT-SUBNET'));
      expect(ecs, subnet).toBe(`CLIENT-SUBNET: ${subnet}${scope}`);
    }
  });

  it('scope 0 for answers that do not depend on location', async () => {
    const r = await dig('dig', fx.port, ['+subnet=81.1.2.0/24', 'app.example.com', 'A']);
    expect(r.opt).toContain('CLIENT-SUBNET: 81.1.2.0/24/0');
  });

  it('without ECS the source address decides (127.0.0.1 is unknown: the default)', async () => {
    const r = await dig('dig', fx.port, ['www.example.com', 'A']);
    expect(r.answer.map((l) => l[4])).toEqual(['192.0.2.10']);
    expect(r.opt.some((l) => l.startsWith('CLIENT-SUBNET'))).toBe(false);
  });

  it('a change applied to the store is answered within 10 ms, without restart', async () => {
    const before = {
      name: 'app.example.com.',
      type: 'A' as const,
      ttl: 30,
      values: ['192.0.2.1', '192.0.2.2'],
    };
    const after = { ...before, values: ['192.0.2.99'] };
    await fx.provider.apply('example.com', [
      { kind: 'update', before, after, reason: { code: 'region-down' } },
    ]);
    // The server swaps its data synchronously inside apply(); its worker processes get it over IPC
    // right after (workers.test.ts bounds that at 100 ms), and synced() says when all have.
    const applied = performance.now();
    expect(await fx.server.synced()).toBe(true);
    const reply = Packet.parse(await askUdp(fx.port, query('app.example.com')));
    const ms = performance.now() - applied;
    console.log(`update → new answer over UDP in ${ms.toFixed(2)} ms (in-process store)`);
    expect(reply.answers.map((a) => (a as { address?: string }).address)).toEqual(['192.0.2.99']);
    expect(ms).toBeLessThan(1_000); // generous: only catches a hang; the figure is printed above
    const r = await dig('dig', fx.port, ['app.example.com', 'A']);
    expect(r.answer.map((l) => l[4])).toEqual(['192.0.2.99']);
    const soa = await dig('dig', fx.port, ['example.com', 'SOA']);
    expect(soa.answer[0]?.[6]).toBe('2');
    await fx.provider.apply('example.com', [
      { kind: 'update', before: after, after: before, reason: { code: 'region-up' } },
    ]);
  });
});

describe.skipIf(!hasKdig)('kdig', () => {
  it('+tcp +norec answers the same records and flags', async () => {
    const r = await dig('kdig', fx.port, ['+tcp', '+norec', 'app.example.com', 'A']);
    expect(r.status).toBe('NOERROR');
    expect(r.flags).toEqual(['qr', 'aa']);
    expect(r.answer.map((l) => [l[0], l[1], l[4]])).toEqual([
      ['app.example.com.', '30', '192.0.2.1'],
      ['app.example.com.', '30', '192.0.2.2'],
    ]);
  });

  // kdig sends its COOKIE option first; the hand-built packet in test/unit/builtin pins the order.
  it('ECS with a COOKIE option still gets the geo answer and the scope', async () => {
    const r = await dig('kdig', fx.port, ['+cookie', '+subnet=81.20.3.0/24', 'www.example.com', 'A']);
    expect(r.answer.map((l) => l[4])).toEqual(['198.51.100.2']);
    expect(r.opt).toContain('CLIENT-SUBNET: 81.20.3.0/24/16');
  });

  it('NXDOMAIN over TCP with the SOA', async () => {
    const r = await dig('kdig', fx.port, ['+tcp', 'zzz.example.com', 'A']);
    expect(r.status).toBe('NXDOMAIN');
    expect(r.authority[0]?.slice(0, 4)).toEqual(['example.com.', '60', 'IN', 'SOA']);
  });
});
