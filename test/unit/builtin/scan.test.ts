// The fast scanner against dns2's full decoder: wherever the scanner accepts a packet it must read
// the same id, flags, question and EDNS fields; on random bytes neither may throw.
import { Packet } from 'dns2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSlow } from '../../../providers/builtin/dns-server/decode-slow.ts';
import { scanQuery } from '../../../providers/builtin/dns-server/scan.ts';
import { cookieOption, ecsOption, query } from './packets.ts';

const label = fc.stringMatching(/^[a-zA-Z0-9-]{1,20}$/);
const name = fc.array(label, { minLength: 1, maxLength: 5 }).map((l) => l.join('.'));
const queryArb = fc.record({
  name,
  id: fc.integer({ min: 0, max: 0xffff }),
  type: fc.constantFrom(1, 5, 16, 28, 255, 6, 2, 99),
  rd: fc.boolean(),
  edns: fc.option(
    fc.record({
      payload: fc.integer({ min: 0, max: 0xffff }),
      version: fc.constantFrom(0, 0, 1),
      cookie: fc.boolean(),
      ecs: fc.option(
        fc.tuple(fc.constantFrom('81.2.3.0', '10.0.0.0', '2001:db8::'), fc.integer({ min: 0, max: 24 })),
      ),
    }),
    { nil: undefined },
  ),
});

describe('scanQuery', () => {
  it('agrees with dns2 on well-formed queries', () => {
    fc.assert(
      fc.property(queryArb, (q) => {
        const options = [];
        if (q.edns?.cookie) options.push(cookieOption());
        if (q.edns?.ecs) {
          const [ip, len] = q.edns.ecs;
          // Whole octets, so no bits lie beyond the prefix. dns2 3.1.1 misreads an IPv6 address with
          // an odd number of octets (it reads 16-bit groups), so IPv6 prefixes here are multiples of 16.
          const src = ip.includes(':') ? len - (len % 16) : len - (len % 8);
          options.push(ecsOption(ip, src));
        }
        const buf = query(q.name, {
          id: q.id,
          type: q.type,
          rd: q.rd,
          ...(q.edns ? { edns: { payload: q.edns.payload, version: q.edns.version, options } } : {}),
        });
        const fast = scanQuery(buf);
        const slow = decodeSlow(buf);
        expect(fast).toBeDefined();
        expect('query' in slow).toBe(true);
        if (!fast || !('query' in slow)) return;
        const s = slow.query;
        expect(fast.id).toBe(s.id);
        expect(fast.rd).toBe(s.rd);
        expect(fast.question?.name).toBe(s.question?.name);
        expect(fast.question?.type).toBe(s.question?.type);
        expect(fast.question?.wire).toEqual(s.question?.wire);
        expect(fast.edns?.payload).toBe(s.edns?.payload);
        expect(fast.edns?.version).toBe(s.edns?.version);
        expect(fast.edns?.ecs).toEqual(s.edns?.ecs);
        expect(fast.formerr).toBe(s.formerr);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on random or mutated bytes', () => {
    const base = query('www.example.com', { edns: { options: [cookieOption(), ecsOption('81.2.3.0', 24)] } });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ minLength: 0, maxLength: 600 }).map((a) => Buffer.from(a)),
          fc
            .array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
            .map((muts) => {
              const b = Buffer.from(base);
              for (const [i, v] of muts) b[i] = v;
              return b;
            }),
        ),
        (buf) => {
          scanQuery(buf);
          decodeSlow(buf);
          try {
            Packet.parse(buf);
          } catch {
            /* dns2 throws only for a missing header, which decodeSlow checks first */
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
