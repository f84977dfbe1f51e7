// What secondaries get (geo → default, weighted → every live value), transfer message packing,
// and allowTransfer matching.
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { allowed, parseAcl } from '../../../providers/builtin/dns-server/xfr-acl.ts';
import { flattenRecords } from '../../../providers/builtin/dns-server/xfr-flatten.ts';
import {
  encodeRR,
  incrementalTransfer,
  packMessages,
} from '../../../providers/builtin/dns-server/xfr-messages.ts';
import type { RecordSet } from '../../../src/model/index.ts';

const A = (name: string, values: string[], extra: Partial<RecordSet> = {}): RecordSet => ({
  name,
  type: 'A',
  ttl: 30,
  values,
  ...extra,
});

describe('flattenRecords', () => {
  it('turns a geo group into its default answer and a weighted group into its live values', () => {
    const flat = flattenRecords([
      A('geo.example.com.', ['192.0.2.1'], { setId: 'eu', geo: { continent: 'EU' } }),
      A('geo.example.com.', ['192.0.2.2'], { setId: 'default', geo: 'default' }),
      A('w.example.com.', ['192.0.2.3'], { setId: 'us', weight: 70, ttl: 60 }),
      A('w.example.com.', ['192.0.2.4'], { setId: 'eu', weight: 30 }),
      A('w.example.com.', ['192.0.2.5'], { setId: 'ap', weight: 0 }),
      A('down.example.com.', ['192.0.2.6'], { setId: 'us', weight: 0 }),
      A('down.example.com.', ['192.0.2.7'], { setId: 'eu', weight: 0 }),
      { name: 'c.example.com.', type: 'CNAME', ttl: 30, values: ['a.example.net.'], setId: 'x', weight: 10 },
      { name: 'c.example.com.', type: 'CNAME', ttl: 30, values: ['b.example.net.'], setId: 'y', weight: 90 },
      A('plain.example.com.', ['192.0.2.8']),
    ]);
    expect(flat).toEqual([
      { name: 'c.example.com.', type: 'CNAME', ttl: 30, values: ['b.example.net.'] },
      { name: 'down.example.com.', type: 'A', ttl: 30, values: ['192.0.2.6', '192.0.2.7'] },
      { name: 'geo.example.com.', type: 'A', ttl: 30, values: ['192.0.2.2'] },
      { name: 'plain.example.com.', type: 'A', ttl: 30, values: ['192.0.2.8'] },
      { name: 'w.example.com.', type: 'A', ttl: 30, values: ['192.0.2.3', '192.0.2.4'] },
    ]);
  });
});

describe('transfer messages', () => {
  const head = { id: 9, question: Buffer.from([0, 0, 252, 0, 1]), rd: false };
  const rrs = Array.from({ length: 500 }, (_, i) =>
    encodeRR({ name: `n${i}.example.com`, type: 'TXT', ttl: 1, data: ['z'.repeat(100)] }),
  );

  it('packs records into messages under the limit, the question in the first only, nothing lost', () => {
    const msgs = packMessages(head, rrs, 4096);
    expect(msgs.length).toBeGreaterThan(10);
    let total = 0;
    msgs.forEach((m, i) => {
      expect(m.length).toBeLessThanOrEqual(4096);
      expect(m.readUInt16BE(0)).toBe(9);
      expect(m.readUInt16BE(2) & 0x8400).toBe(0x8400); // QR, AA
      expect(m.readUInt16BE(4)).toBe(i === 0 ? 1 : 0);
      total += m.readUInt16BE(6);
      const p = dnsPacket.decode(m);
      expect(p.answers!.length).toBe(m.readUInt16BE(6));
    });
    expect(total).toBe(500);
  });

  it('an IXFR diff lists only what changed between SOA old and SOA new', () => {
    const soa = (s: number) =>
      encodeRR({
        name: 'example.com',
        type: 'SOA',
        ttl: 1,
        data: { mname: 'ns.', rname: 'h.', serial: s } as never,
      });
    const out = incrementalTransfer(soa(2), soa(1), [rrs[0]!, rrs[1]!], [rrs[1]!, rrs[2]!]);
    expect(out).toEqual([soa(2), soa(1), rrs[0], soa(2), rrs[2], soa(2)]);
  });
});

describe('allowTransfer', () => {
  const acl = parseAcl([
    { address: '192.0.2.0/24' },
    { key: 'Xfr-Key' },
    { address: '2001:db8::/32', key: 'both' },
    { address: '10.1.2.3' },
  ]);

  it('matches addresses, networks, keys, and both together', () => {
    expect(allowed(acl, '192.0.2.77', undefined)).toBe(true);
    expect(allowed(acl, '::ffff:192.0.2.77', undefined)).toBe(true);
    expect(allowed(acl, '192.0.3.1', undefined)).toBe(false);
    expect(allowed(acl, '203.0.113.1', 'xfr-key.')).toBe(true);
    expect(allowed(acl, '2001:db8::5', undefined)).toBe(false);
    expect(allowed(acl, '2001:db8::5', 'both.')).toBe(true);
    expect(allowed(acl, '2001:db9::5', 'both.')).toBe(false);
    expect(allowed(acl, '10.1.2.3', undefined)).toBe(true);
    expect(allowed(acl, '10.1.2.4', undefined)).toBe(false);
    expect(allowed([], '127.0.0.1', 'xfr-key.')).toBe(false);
  });
});
