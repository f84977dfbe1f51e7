// The transfer service on raw messages (no sockets): BADTIME answered signed with our clock, a
// malformed transfer request answered FORMERR (also for a TSIG that is not the last record), an IXFR
// without the client's SOA, ordinary queries (signed or not) left to the engine, and the cap on
// transfers in flight.
import { EventEmitter } from 'node:events';
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { parseAcl } from '../../../providers/builtin/dns-server/xfr-acl.ts';
import { TransferService } from '../../../providers/builtin/dns-server/xfr-service.ts';
import type { StoreSnapshot } from '../../../providers/builtin/store.ts';
import { readTsig, sign, TSIG_ERROR, tsigKey } from '../../../providers/tsig/index.ts';

const KEY = tsigKey('xfr-key', 'hmac-sha256', Buffer.alloc(32, 7).toString('base64'));
const NOW = 1_800_000_000;
const SNAP: StoreSnapshot = {
  serial: 3,
  generation: 1,
  zones: {
    'example.com.': Array.from({ length: 300 }, (_, i) => ({
      name: `h${i}.example.com.`,
      type: 'TXT' as const,
      ttl: 60,
      values: ['v'.repeat(100)],
    })),
  },
};

function service(maxTransfers = 32) {
  const s = new TransferService({
    providerId: 'local',
    apexes: ['example.com.'],
    nameservers: [],
    acl: parseAcl([{ key: 'xfr-key' }, { address: '192.0.2.1' }]),
    keys: new Map([[KEY.name, KEY]]),
    udpPayloadSize: 1232,
    now: () => NOW,
    maxTransfers,
    messageLimit: 4096,
  });
  s.update(SNAP);
  return s;
}

const axfr = () =>
  Buffer.from(
    dnsPacket.encode({ type: 'query', id: 77, questions: [{ name: 'example.com', type: 'AXFR' }] }),
  );
const rcode = (m: Buffer) => m.readUInt16BE(2) & 0xf;

describe('TransferService', () => {
  it('answers a request signed too long ago NOTAUTH/BADTIME, signed, with our time as Other Data', () => {
    const req = sign(axfr(), KEY, { now: NOW - 1000 });
    const [out] = service().answer(req.message, 'tcp', '203.0.113.5')!;
    expect(rcode(out!)).toBe(9);
    const t = readTsig(out!)!;
    expect(t.error).toBe(TSIG_ERROR.BADTIME);
    expect(t.otherData.readUInt32BE(2)).toBe(NOW);
    expect(t.mac.length).toBe(32);
  });

  it('answers FORMERR to a transfer request that cannot be decoded, and to an IXFR without a SOA', () => {
    const broken = axfr();
    broken.writeUInt16BE(1, 6); // claims an answer record that is not there
    const [out] = service().answer(broken, 'tcp', '192.0.2.1')!;
    expect(rcode(out!)).toBe(1);
    const ixfr = Buffer.from(
      dnsPacket.encode({ type: 'query', id: 5, questions: [{ name: 'example.com', type: 'IXFR' }] }),
    );
    expect(rcode(service().answer(ixfr, 'tcp', '192.0.2.1')![0]!)).toBe(1);
  });

  it('leaves ordinary queries to the engine, signed or not', () => {
    const q = Buffer.from(
      dnsPacket.encode({ type: 'query', id: 9, questions: [{ name: 'example.com', type: 'SOA' }] }),
    );
    const s = service();
    expect(s.answer(q, 'udp', '192.0.2.1')).toBeUndefined();
    expect(s.answer(sign(q, KEY, { now: NOW }).message, 'udp', '198.51.100.1')).toBeUndefined();
  });

  it('answers FORMERR to a transfer request whose TSIG is not the last record, even from an allowed address', () => {
    const signed = sign(axfr(), KEY, { now: NOW }).message;
    const opt = Buffer.from([0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0]);
    const misplaced = Buffer.concat([signed, opt]);
    misplaced.writeUInt16BE(signed.readUInt16BE(10) + 1, 10);
    const out = service().answer(misplaced, 'tcp', '192.0.2.1')!;
    expect(out).toHaveLength(1);
    expect(rcode(out[0]!)).toBe(1);
  });

  it('caps transfers in flight: a client that does not read holds a slot until it drains or closes', () => {
    const s = service(1);
    const stuck = Object.assign(new EventEmitter(), {
      writableLength: 1,
      destroyed: false,
      write: () => false,
    });
    expect(s.serveTcp(axfr(), '192.0.2.1', stuck)).toBe(true);
    const got: Buffer[] = [];
    const reader = Object.assign(new EventEmitter(), {
      writableLength: 0,
      destroyed: false,
      write: (b: Buffer) => got.push(b) > 0,
    });
    s.serveTcp(axfr(), '192.0.2.1', reader);
    expect(got).toHaveLength(1);
    expect(rcode(got[0]!.subarray(2))).toBe(2); // SERVFAIL: busy, the secondary retries
    stuck.emit('close');
    got.length = 0;
    s.serveTcp(axfr(), '192.0.2.1', reader);
    expect(got.length).toBeGreaterThan(5); // 300 × ~130 octets in messages of 4 KiB
    expect(rcode(got[0]!.subarray(2))).toBe(0);
  });
});

describe('TransferService on hostile input', () => {
  it('never throws: random bytes and mutated signed transfer requests get an answer or are left to the engine', async () => {
    const fc = (await import('fast-check')).default;
    const s = service();
    const seeds = [
      sign(axfr(), KEY, { now: NOW }).message,
      sign(
        Buffer.from(
          dnsPacket.encode({
            type: 'query',
            id: 3,
            questions: [{ name: 'example.com', type: 'IXFR' }],
            authorities: [
              {
                name: 'example.com',
                type: 'SOA',
                ttl: 0,
                data: { mname: 'a.', rname: 'b.', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 },
              },
            ],
          }),
        ),
        KEY,
        { now: NOW },
      ).message,
    ];
    const mutated = fc
      .tuple(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
      )
      .map(([seed, edits, cut]) => {
        const b = Buffer.from(seed);
        for (const [at, v] of edits) b[at % b.length] = v;
        return b.subarray(0, Math.max(0, b.length - (cut % 40)));
      });
    fc.assert(
      fc.property(
        fc.oneof(
          mutated,
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
        ),
        (m) => {
          for (const t of ['udp', 'tcp'] as const) s.answer(m, t, '192.0.2.1');
        },
      ),
      { numRuns: 3000 },
    );
  });
});
