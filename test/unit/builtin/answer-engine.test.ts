// The query engine in-process (no sockets): every rcode path, EDNS and ECS handling, truncation,
// the weighted split over 20,000 queries, and zone updates taking effect on the next query.
import { Packet } from 'dns2';
import { describe, expect, it } from 'vitest';
import { DnsEngine, GeoLocator } from '../../../providers/builtin/dns-server/index.ts';
import { buildZoneIndex, ServedZones } from '../../../providers/builtin/dns-server/zones.ts';
import type { RecordSet } from '../../../src/model/index.ts';
import { cookieOption, ecsOption, header, nameWire, opt, option, query } from './packets.ts';

const A = (name: string, values: string[], extra: Partial<RecordSet> = {}): RecordSet => ({
  name,
  type: 'A',
  ttl: 30,
  values,
  ...extra,
});
const RECORDS: RecordSet[] = [
  A('app.example.com.', ['192.0.2.1']),
  A('api.example.com.', ['192.0.2.20'], { setId: 'us', weight: 70 }),
  A('api.example.com.', ['192.0.2.30'], { setId: 'eu', weight: 30 }),
  A('api.example.com.', ['192.0.2.40'], { setId: 'ap', weight: 0 }),
  A('zero.example.com.', ['192.0.2.1'], { setId: 'a', weight: 0 }),
  A('zero.example.com.', ['192.0.2.2'], { setId: 'b', weight: 0 }),
  A('www.example.com.', ['198.51.100.1'], { setId: 'eu', geo: { continent: 'EU' } }),
  A('www.example.com.', ['192.0.2.10'], { setId: 'default', geo: 'default' }),
  {
    name: 'wcname.example.com.',
    type: 'CNAME',
    ttl: 30,
    values: ['api.example.com.'],
    setId: 'x',
    weight: 1,
  },
  {
    name: 'big.example.com.',
    type: 'TXT',
    ttl: 10,
    values: Array.from({ length: 40 }, (_, i) => `${i}${'y'.repeat(99)}`),
  },
];

function engine(records = RECORDS, random?: () => number): DnsEngine {
  const e = new DnsEngine({
    geo: new GeoLocator([
      { cidr: '81.0.0.0/8', country: 'DE' },
      { cidr: '10.0.0.0/8', continent: 'EU' },
    ]),
    udpPayloadSize: 1232,
    ...(random ? { random } : {}),
  });
  e.setZones(new ServedZones([buildZoneIndex('example.com.', records, 7, { nameservers: [] })]));
  return e;
}

type Parsed = ReturnType<typeof Packet.parse> & {
  header: { rcode: number; aa: number; tc: number; id: number; qr: number };
};
const parse = (b: Buffer | undefined) => {
  expect(b).toBeDefined();
  const p = Packet.parse(b!) as Parsed;
  expect(p.errors).toEqual([]);
  return p;
};
const optOf = (p: Parsed) =>
  p.additionals.find((r) => r.type === 41) as unknown as
    | {
        class: number;
        version: number;
        rdata: { ednsCode: number; scopePrefixLength?: number; ip?: string }[];
      }
    | undefined;
const addrs = (p: Parsed) => p.answers.map((r) => (r as { address?: string }).address);

describe('DnsEngine', () => {
  it('answers a plain query with AA, the id, and the question echoed', () => {
    const p = parse(engine().handle(query('App.Example.com', { id: 777 }), 'udp', '127.0.0.1'));
    expect(p.header.id).toBe(777);
    expect(p.header.qr).toBe(1);
    expect(p.header.aa).toBe(1);
    expect(p.questions[0]!.name).toBe('App.Example.com');
    expect(addrs(p)).toEqual(['192.0.2.1']);
    expect(optOf(p)).toBeUndefined();
  });

  it('serves from the cache with only the id changed, and new zones on the next query', () => {
    const e = engine();
    const a = engine().handle(query('app.example.com', { id: 1 }), 'udp', '')!;
    e.handle(query('app.example.com', { id: 1 }), 'udp', '');
    const b = e.handle(query('app.example.com', { id: 2 }), 'udp', '')!;
    expect(b.subarray(2)).toEqual(a.subarray(2));
    expect(e.stats().cacheHits).toBe(1);
    e.setZones(
      new ServedZones([
        buildZoneIndex('example.com.', [A('app.example.com.', ['192.0.2.77'])], 8, { nameservers: [] }),
      ]),
    );
    expect(addrs(parse(e.handle(query('app.example.com'), 'udp', '')))).toEqual(['192.0.2.77']);
  });

  it('answers a repeated UDP query from its bytes: the id patched, the counters counted', () => {
    const e = engine();
    const fr = (id: number, ip = '81.2.3.0') =>
      query('www.example.com', { id, edns: { options: [ecsOption(ip, 24)] } });
    const first = e.handle(fr(1), 'udp', '192.0.2.99')!;
    const again = e.handle(fr(2), 'udp', '192.0.2.99')!;
    expect(again.readUInt16BE(0)).toBe(2);
    expect(again.subarray(2)).toEqual(first.subarray(2));
    // the client subnet is part of the query's bytes: another subnet is located on its own
    expect(addrs(parse(e.handle(fr(3, '192.0.2.0'), 'udp', '81.9.9.9')))).toEqual(['192.0.2.10']);
    // so is the case of the name, which is echoed as asked
    expect(parse(e.handle(query('APP.example.com', { id: 4 }), 'udp', '')).questions[0]!.name).toBe(
      'APP.example.com',
    );
    const nx = () => e.handle(query('nope.example.com', { id: 5 }), 'udp', '');
    nx();
    nx();
    const s = e.stats();
    expect(s.nxdomain).toBe(2);
    expect(s.answered).toBe(s.received);
    // TCP answers are built every time (their size limit differs)
    const viaTcp = e.handle(fr(6), 'tcp', '192.0.2.99')!;
    expect(viaTcp.subarray(2)).toEqual(first.subarray(2));
    expect(e.stats().cacheHits).toBe(s.cacheHits + 1); // the answer cache, not the response cache
  });

  it('ECS after a COOKIE option gets the geo answer, the option echoed with its scope', () => {
    const q = query('www.example.com', { edns: { options: [cookieOption(), ecsOption('81.2.3.0', 24)] } });
    const p = parse(engine().handle(q, 'udp', '127.0.0.1'));
    expect(addrs(p)).toEqual(['198.51.100.1']);
    const o = optOf(p)!;
    expect(o.class).toBe(1232);
    expect(o.rdata).toEqual([expect.objectContaining({ ednsCode: 8, scopePrefixLength: 8, ip: '81.2.3.0' })]);
  });

  it('source address decides without ECS; ECS /0 falls back to it too', () => {
    const e = engine();
    expect(addrs(parse(e.handle(query('www.example.com'), 'udp', '10.1.2.3')))).toEqual(['198.51.100.1']);
    expect(addrs(parse(e.handle(query('www.example.com'), 'udp', '::ffff:10.1.2.3')))).toEqual([
      '198.51.100.1',
    ]);
    expect(addrs(parse(e.handle(query('www.example.com'), 'udp', '192.0.2.1')))).toEqual(['192.0.2.10']);
    const zero = query('www.example.com', { edns: { options: [ecsOption('0.0.0.0', 0)] } });
    expect(addrs(parse(e.handle(zero, 'udp', '10.9.9.9')))).toEqual(['198.51.100.1']);
  });

  it('weighted: 20,000 queries split within 2 points of the weights; weight 0 never answers', () => {
    const e = engine();
    const counts = new Map<string, number>();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const a = addrs(parse(e.handle(query('api.example.com', { id: i & 0xffff }), 'udp', '')))[0]!;
      counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    expect(Math.abs((counts.get('192.0.2.20') ?? 0) / n - 0.7)).toBeLessThan(0.02);
    expect(Math.abs((counts.get('192.0.2.30') ?? 0) / n - 0.3)).toBeLessThan(0.02);
    expect(counts.get('192.0.2.40')).toBeUndefined();
    expect(e.stats().cacheHits).toBe(n - 1);
  });

  it('weighted: all weights 0 split equally; a weighted CNAME chases into the weighted target', () => {
    const e = engine();
    const seen = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const a = addrs(parse(e.handle(query('zero.example.com'), 'udp', '')))[0]!;
      seen.set(a, (seen.get(a) ?? 0) + 1);
    }
    expect(Math.abs(seen.get('192.0.2.1')! / 4000 - 0.5)).toBeLessThan(0.05);
    const p = parse(e.handle(query('wcname.example.com'), 'udp', ''));
    expect(p.answers[0]!.type).toBe(5);
    expect(['192.0.2.20', '192.0.2.30']).toContain((p.answers[1] as { address: string }).address);
  });

  it('truncates over UDP to 512 without EDNS and to min(client, ours) with it; TCP gets it all', () => {
    const e = engine();
    const plain = parse(e.handle(query('big.example.com', { type: 16 }), 'udp', ''));
    expect(plain.header.tc).toBe(1);
    expect(plain.answers).toHaveLength(0);
    const edns = e.handle(query('big.example.com', { type: 16, edns: { payload: 4096 } }), 'udp', '')!;
    expect(parse(edns).header.tc).toBe(1);
    expect(optOf(parse(edns))!.class).toBe(1232);
    const tcp = parse(e.handle(query('big.example.com', { type: 16 }), 'tcp', ''));
    expect(tcp.header.tc).toBe(0);
    expect(tcp.answers).toHaveLength(40);
    expect(e.stats().truncated).toBe(2);
  });

  it('FORMERR: two questions, two OPTs, OPT not at root, bad ECS; counted as malformed', () => {
    const e = engine();
    const two = Buffer.concat([
      header([2, 0, 0, 0]),
      nameWire('a.example.com'),
      Buffer.from([0, 1, 0, 1]),
      nameWire('b.example.com'),
      Buffer.from([0, 1, 0, 1]),
    ]);
    const twoOpt = Buffer.concat([
      header([1, 0, 0, 2]),
      nameWire('a.example.com'),
      Buffer.from([0, 1, 0, 1]),
      opt(),
      opt(),
    ]);
    const badOwner = Buffer.concat([
      header([1, 0, 0, 1]),
      nameWire('a.example.com'),
      Buffer.from([0, 1, 0, 1]),
      nameWire('x'),
      opt().subarray(1),
    ]);
    const badEcs = query('www.example.com', {
      edns: { options: [option(8, Buffer.from([0, 1, 40, 0, 1, 2, 3, 4, 5]))] },
    });
    const scope = query('www.example.com', {
      edns: { options: [option(8, Buffer.from([0, 1, 24, 8, 81, 2, 3]))] },
    });
    const noQuestion = header([0, 0, 0, 0]);
    for (const [label, pkt] of Object.entries({ two, twoOpt, badOwner, badEcs, scope, noQuestion })) {
      const p = parse(e.handle(pkt, 'udp', ''));
      expect(p.header.rcode, label).toBe(1);
    }
    expect(e.stats().formerr).toBe(6);
    expect(e.stats().malformed).toBe(6);
  });

  it('BADVERS (extended rcode 16) for EDNS version 1, NOTIMP for other opcodes, REFUSED for CH and AXFR', () => {
    const e = engine();
    const bad = e.handle(query('app.example.com', { edns: { version: 1 } }), 'udp', '')!;
    const p = parse(bad);
    expect(p.header.rcode).toBe(16);
    expect((optOf(p) as unknown as { version: number }).version).toBe(0);
    const notify = query('example.com');
    notify.writeUInt16BE(0x2000, 2); // opcode 4 (NOTIFY)
    expect(parse(e.handle(notify, 'udp', '')).header.rcode).toBe(4);
    expect(parse(e.handle(query('app.example.com', { qclass: 3 }), 'udp', '')).header.rcode).toBe(5);
    expect(parse(e.handle(query('example.com', { type: 252 }), 'tcp', '')).header.rcode).toBe(5);
  });

  it('drops responses and runt packets; survives 0xFFFF counts in every section', () => {
    const e = engine();
    expect(e.handle(Buffer.from([1, 2, 3]), 'udp', '')).toBeUndefined();
    expect(e.handle(header([1, 0, 0, 0], 1, 0x8000), 'udp', '')).toBeUndefined();
    const t0 = performance.now();
    const p = parse(e.handle(header([0xffff, 0xffff, 0xffff, 0xffff]), 'udp', ''));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(p.header.rcode).toBe(1);
    expect(e.stats().dropped).toBe(2);
    expect(addrs(parse(e.handle(query('app.example.com'), 'udp', '')))).toEqual(['192.0.2.1']);
  });

  it('a query the fast scanner declines (trailing bytes) is decoded by dns2 and answered', () => {
    const junk = Buffer.concat([query('app.example.com'), Buffer.from([1, 2, 3])]);
    expect(addrs(parse(engine().handle(junk, 'udp', '')))).toEqual(['192.0.2.1']);
  });
});

describe('DnsEngine under mutated input', () => {
  it('every answer to 20,000 mutated queries is a well-formed response with the query id', () => {
    const e = engine();
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const bases = [
      query('www.example.com', { edns: { options: [cookieOption(), ecsOption('81.2.3.0', 24)] } }),
      query('api.example.com'),
      query('big.example.com', { type: 16, edns: {} }),
      query('nx.example.com', { type: 255 }),
    ];
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      const b = Buffer.from(bases[i % bases.length]!);
      const flips = 1 + Math.floor(rnd() * 4);
      for (let f = 0; f < flips; f++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      const out = e.handle(b, i % 2 ? 'udp' : 'tcp', '192.0.2.1');
      if (!out) continue;
      answered++;
      const p = Packet.parse(out);
      expect(p.errors).toEqual([]);
      expect(p.header.id).toBe(b.readUInt16BE(0));
      expect(p.header.qr).toBe(1);
      if (i % 2) expect(out.length).toBeLessThanOrEqual(1232);
    }
    expect(answered).toBeGreaterThan(15_000);
    expect(e.stats().servfail).toBe(0);
  });
});
