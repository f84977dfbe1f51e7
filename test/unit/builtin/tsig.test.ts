// TSIG in the query engine (no sockets), RFC 8945: the gate's verdicts; an unknown key answered
// NOTAUTH/BADKEY unsigned even with no keys at all; a bad MAC BADSIG; clock skew BADTIME, signed; a
// misplaced TSIG FORMERR; a verified query answered and signed, TC when the signature would not fit;
// and a replayed signed query checked again each time, never answered from the response cache.
import { describe, expect, it } from 'vitest';
import { DnsEngine, GeoLocator } from '../../../providers/builtin/dns-server/index.ts';
import { checkTsig } from '../../../providers/builtin/dns-server/tsig-gate.ts';
import { buildZoneIndex, ServedZones } from '../../../providers/builtin/dns-server/zones.ts';
import { readTsig, TSIG_ERROR, type TsigKey, tsigKey, verify } from '../../../providers/tsig/index.ts';
import type { RecordSet } from '../../../src/model/index.ts';
import {
  STRANGER,
  signedQuery,
  tsigBeforeOpt,
  tsigInAnswer,
  twoTsigs,
  verdict,
} from '../../helpers/tsig-packets.ts';
import { query } from './packets.ts';

const NOW = 1_800_000_000;
const KEY = tsigKey('sec-key', 'hmac-sha256', Buffer.alloc(32, 5).toString('base64'));
const KEYS = new Map([[KEY.name, KEY]]);
const RECORDS: RecordSet[] = [
  { name: 'app.example.com.', type: 'A', ttl: 30, values: ['192.0.2.1'] },
  {
    name: 'big.example.com.',
    type: 'TXT',
    ttl: 10,
    // About 480 octets of answer: fits 512 unsigned, not with a TSIG record of 80 octets more.
    values: Array.from({ length: 3 }, (_, i) => `${i}${'z'.repeat(134)}`),
  },
];

function engine(keys?: ReadonlyMap<string, TsigKey>, clock = { now: NOW }): DnsEngine {
  const e = new DnsEngine({
    geo: new GeoLocator([]),
    udpPayloadSize: 1232,
    ...(keys ? { tsigKeys: keys } : {}),
    now: () => clock.now,
  });
  e.setZones(new ServedZones([buildZoneIndex('example.com.', RECORDS, 7, { nameservers: [] })]));
  return e;
}

describe('the TSIG gate', () => {
  it('tells unsigned, misplaced, refused and verified messages apart', () => {
    expect(checkTsig(query('app.example.com', { edns: {} }), KEYS, NOW).kind).toBe('unsigned');
    for (const m of [
      tsigBeforeOpt('app.example.com', KEY),
      tsigInAnswer('app.example.com', KEY),
      twoTsigs('app.example.com', KEY),
    ])
      expect(checkTsig(m, KEYS, NOW).kind).toBe('formerr');
    const stranger = checkTsig(signedQuery('app.example.com', STRANGER, { now: NOW }).message, KEYS, NOW);
    expect(stranger).toMatchObject({ kind: 'rejected', failure: { error: TSIG_ERROR.BADKEY } });
    expect(checkTsig(signedQuery('app.example.com', KEY, { now: NOW }).message, KEYS, NOW).kind).toBe(
      'verified',
    );
    // A record claimed by ARCOUNT but cut off: FORMERR, not an unsigned query.
    const cut = signedQuery('app.example.com', KEY, { now: NOW }).message;
    expect(checkTsig(cut.subarray(0, cut.length - 5), KEYS, NOW).kind).toBe('formerr');
  });
});

describe('TSIG in the engine', () => {
  it('answers a signed query NOTAUTH/BADKEY, unsigned, when it has no keys at all', () => {
    const e = engine();
    const out = e.handle(signedQuery('app.example.com', STRANGER, { now: NOW }).message, 'udp', '192.0.2.9')!;
    expect(verdict(out)).toEqual({ rcode: 9, tsigError: TSIG_ERROR.BADKEY, macLength: 0 });
    expect(out.readUInt16BE(6)).toBe(0);
    expect(e.stats().notauth).toBe(1);
  });

  it('answers a changed MAC BADSIG (unsigned) and clock skew BADTIME (signed, our time in Other Data)', () => {
    const e = engine(KEYS);
    const q = signedQuery('app.example.com', KEY, { now: NOW }).message;
    const tampered = Buffer.from(q);
    tampered[tampered.length - 10]! ^= 0xff; // inside the MAC
    expect(verdict(e.handle(tampered, 'udp', '192.0.2.9')!)).toEqual({
      rcode: 9,
      tsigError: TSIG_ERROR.BADSIG,
      macLength: 0,
    });
    const late = signedQuery('app.example.com', KEY, { now: NOW - 1000 });
    const out = e.handle(late.message, 'udp', '192.0.2.9')!;
    const t = readTsig(out)!;
    expect(t.error).toBe(TSIG_ERROR.BADTIME);
    expect(t.mac.length).toBe(32);
    expect(t.otherData.readUInt32BE(2)).toBe(NOW);
  });

  it('answers FORMERR when the TSIG is not the last record, whatever the key', () => {
    for (const key of [KEY, STRANGER]) {
      for (const m of [
        tsigBeforeOpt('app.example.com', key),
        tsigInAnswer('app.example.com', key),
        twoTsigs('app.example.com', key),
      ]) {
        const out = engine(KEYS).handle(m, 'tcp', '192.0.2.9')!;
        expect(verdict(out).rcode).toBe(1);
        expect(out.readUInt16BE(6)).toBe(0);
      }
    }
  });

  it('answers a verified query and signs the answer with the request MAC', () => {
    const q = signedQuery('app.example.com', KEY, { now: NOW });
    const out = engine(KEYS).handle(q.message, 'udp', '192.0.2.9')!;
    expect(verdict(out).rcode).toBe(0);
    expect(out.readUInt16BE(6)).toBe(1);
    expect(verify(out, () => KEY, { requestMac: q.mac, now: NOW })).toMatchObject({ ok: true });
  });

  it('sets TC, signed, when the signature would push an answer past the client UDP size', () => {
    const q = signedQuery('big.example.com', KEY, { now: NOW, type: 16, edns: false });
    const e = engine(KEYS);
    const plain = e.handle(query('big.example.com', { type: 16, id: 0x2468 }), 'udp', '192.0.2.9')!;
    expect(plain[2]! & 0x02).toBe(0); // fits unsigned
    const udp = e.handle(q.message, 'udp', '192.0.2.9')!;
    expect(udp.length).toBeLessThanOrEqual(512);
    expect(udp[2]! & 0x02).toBe(0x02);
    expect(verify(udp, () => KEY, { requestMac: q.mac, now: NOW })).toMatchObject({ ok: true });
    const tcp = e.handle(q.message, 'tcp', '192.0.2.9')!;
    expect(tcp[2]! & 0x02).toBe(0);
    expect(tcp.readUInt16BE(6)).toBe(3);
  });

  it('checks a replayed signed query again: never an answer from the response cache', () => {
    const clock = { now: NOW };
    const e = engine(KEYS, clock);
    const q = signedQuery('app.example.com', KEY, { now: NOW, id: 77 }).message;
    expect(verdict(e.handle(q, 'udp', '192.0.2.9')!).rcode).toBe(0);
    expect(verdict(e.handle(q, 'udp', '192.0.2.9')!).rcode).toBe(0);
    clock.now = NOW + 1000; // the same bytes, now outside the fudge
    expect(verdict(e.handle(q, 'udp', '192.0.2.9')!)).toMatchObject({
      rcode: 9,
      tsigError: TSIG_ERROR.BADTIME,
    });
    const stranger = signedQuery('app.example.com', STRANGER, { now: NOW, id: 78 }).message;
    const once = engine();
    for (let i = 0; i < 3; i++) expect(verdict(once.handle(stranger, 'udp', '192.0.2.9')!).rcode).toBe(9);
    expect(once.stats()).toMatchObject({ notauth: 3, answered: 3 });
  });
});
