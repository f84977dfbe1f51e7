// Hostile TSIG input against the real builtin server, public (no tsigKeys) and with DNS worker
// processes: signed with unknown keys and algorithms, TSIG records out of place (before an OPT, in
// the answer or authority section, twice), cut short, with absurd MAC sizes or a compression loop in
// the key name, on other opcodes, replayed. Each holds when it gets NOTAUTH or FORMERR with no
// records, never an answer; then mutated signed queries, after which every worker process is the
// same one as before and still answers an ordinary query correctly.
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign, TSIG_ERROR, tsigKey } from '../../../providers/tsig/index.ts';
import { HostileTally } from '../../helpers/hostile.ts';
import {
  appendAdditional,
  askTcp,
  askUdp,
  rcodeOf,
  STRANGER,
  signedQuery,
  tsigBeforeOpt,
  tsigInAnswer,
  twoTsigs,
  verdict,
} from '../../helpers/tsig-packets.ts';
import { opt, query } from '../../unit/builtin/packets.ts';
import { type Fixture, startFixture } from '../dns/fixture.ts';

const NAME = 'app.example.com';
const NOTAUTH = 9;
const FORMERR = 1;
const tally = new HostileTally('tsig');

let fx: Fixture;
let pids: number[];
beforeAll(async () => {
  fx = await startFixture(undefined, '', { workers: 3 });
  pids = fx.server.workerPids();
}, 60_000);
afterAll(async () => {
  await fx?.close();
  tally.record();
});

/** The signed query with its TSIG record moved to the authority section. */
function tsigInAuthority(): Buffer {
  const m = Buffer.from(signedQuery(NAME, STRANGER, { edns: false }).message);
  m.writeUInt16BE(1, 8);
  m.writeUInt16BE(0, 10);
  return m;
}

/** Offset of the TSIG record's RDATA (after owner name, type, class, TTL, RDLENGTH) in a signed query without EDNS. */
function tsigRdataAt(m: Buffer): number {
  let p = 12;
  while (m[p] !== 0) p += m[p]! + 1;
  p += 5; // root label, type, class of the question
  while (m[p] !== 0) p += m[p]! + 1;
  return p + 1 + 10;
}

function withOpcode(m: Buffer, opcode: number): Buffer {
  const out = Buffer.from(m);
  out[2] = (out[2]! & 0x87) | (opcode << 3);
  return out;
}

const noEdns = () => signedQuery(NAME, STRANGER, { edns: false }).message;
/** The TSIG record of a signed query without EDNS (everything after the question). */
const tsigRecord = () => noEdns().subarray(query(NAME).length);

/** Inputs and what each must get: NOTAUTH (with the TSIG error) or FORMERR, and no records. */
const CASES: Record<string, { make: () => Buffer; rcode: number; tsigError?: number }> = {
  'signed with a key the server does not know': {
    make: () => signedQuery(NAME, STRANGER).message,
    rcode: NOTAUTH,
    tsigError: TSIG_ERROR.BADKEY,
  },
  'signed with an algorithm nobody offers (hmac-md5)': {
    make: () => {
      const m = noEdns();
      // Rename the algorithm in place: hmac-sha256 (11 octets) to hmac-md5xx (not a known one).
      const at = tsigRdataAt(m);
      Buffer.from('hmac-md5xxx').copy(m, at + 1);
      return m;
    },
    rcode: NOTAUTH,
    tsigError: TSIG_ERROR.BADKEY,
  },
  'signed with hmac-sha512 and an unknown key': {
    make: () =>
      signedQuery(NAME, tsigKey('other', 'hmac-sha512', Buffer.alloc(64, 1).toString('base64'))).message,
    rcode: NOTAUTH,
    tsigError: TSIG_ERROR.BADKEY,
  },
  'signed, with the peer error field already set': {
    make: () => sign(query(NAME), STRANGER, { error: TSIG_ERROR.BADSIG }).message,
    rcode: NOTAUTH,
    tsigError: TSIG_ERROR.BADKEY,
  },
  'signed long ago with an unknown key': {
    make: () => signedQuery(NAME, STRANGER, { now: 1 }).message,
    rcode: NOTAUTH,
    tsigError: TSIG_ERROR.BADKEY,
  },
  'a signed NOTIFY': { make: () => withOpcode(noEdns(), 4), rcode: NOTAUTH, tsigError: TSIG_ERROR.BADKEY },
  'a signed UPDATE': { make: () => withOpcode(noEdns(), 5), rcode: NOTAUTH, tsigError: TSIG_ERROR.BADKEY },
  'a TSIG before an OPT record': { make: () => tsigBeforeOpt(NAME, STRANGER), rcode: FORMERR },
  'a TSIG in the answer section': { make: () => tsigInAnswer(NAME, STRANGER), rcode: FORMERR },
  'a TSIG in the authority section': { make: tsigInAuthority, rcode: FORMERR },
  'two TSIG records': { make: () => twoTsigs(NAME, STRANGER), rcode: FORMERR },
  'a TSIG, an OPT and another TSIG': {
    make: () => appendAdditional(appendAdditional(noEdns(), opt()), tsigRecord()),
    rcode: FORMERR,
  },
  'a TSIG cut off in its RDATA': {
    make: () => {
      const m = noEdns();
      return m.subarray(0, m.length - 7);
    },
    rcode: FORMERR,
  },
  'a TSIG whose RDLENGTH is too small for its fields': {
    make: () => {
      const m = noEdns();
      const at = tsigRdataAt(m);
      m.writeUInt16BE(14, at - 2);
      return m.subarray(0, at + 14);
    },
    rcode: FORMERR,
  },
  'a TSIG whose MAC size runs past the record': {
    make: () => {
      const m = noEdns();
      const at = tsigRdataAt(m) + 13 + 8; // algorithm name, time signed, fudge
      m.writeUInt16BE(0xffff, at);
      return m;
    },
    rcode: FORMERR,
  },
  'a TSIG whose key name is a compression loop': {
    make: () => {
      const q = query(NAME);
      const owner = Buffer.from([0xc0, q.length]); // points at itself
      const rest = tsigRecord().subarray(STRANGER.name.length + 1); // after the key name
      const m = Buffer.concat([q, owner, rest]);
      m.writeUInt16BE(1, 10);
      return m;
    },
    rcode: FORMERR,
  },
};

function held(m: Buffer, want: { rcode: number; tsigError?: number }): boolean {
  if (rcodeOf(m) !== want.rcode || m.readUInt16BE(6) !== 0 || m.readUInt16BE(8) !== 0) return false;
  return want.tsigError === undefined || verdict(m).tsigError === want.tsigError;
}

describe('hostile TSIG input', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: ${c.rcode === NOTAUTH ? 'NOTAUTH' : 'FORMERR'}, never an answer, in every worker`, async () => {
      // Fresh source ports for UDP, so the kernel hands the same input to different workers.
      const answers = [
        ...(await Promise.all(Array.from({ length: 12 }, () => askUdp(fx.port, c.make())))),
        await askTcp(fx.port, c.make()),
      ];
      const ok = answers.every((a) => held(a, c));
      tally.add(ok);
      for (const a of answers)
        expect({ name, rcode: rcodeOf(a), an: a.readUInt16BE(6), tsig: verdict(a).tsigError }).toMatchObject({
          name,
          rcode: c.rcode,
          an: 0,
          ...(c.tsigError === undefined ? {} : { tsig: c.tsigError }),
        });
    });
  }

  it('a replayed signed query is refused every time, never a cached answer', async () => {
    const q = signedQuery(NAME, STRANGER, { id: 4242 }).message;
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await askUdp(fx.port, q));
    const ok = answers.every((a) => held(a, { rcode: NOTAUTH, tsigError: TSIG_ERROR.BADKEY }));
    expect(tally.add(ok)).toBe(true);
  });

  it('survives mutated signed queries; every worker is the same process and still answers', async () => {
    const seeds = Object.values(CASES).map((c) => c.make());
    let state = 0x5eed;
    const rnd = () => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const mutated: Buffer[] = [];
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.from(seeds[Math.floor(rnd() * seeds.length)]!);
      for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++)
        b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      mutated.push(b.subarray(0, b.length - Math.floor(rnd() * 20)));
    }
    // Over UDP without waiting for answers (a mutation may make a response, which gets none).
    const sock = createSocket('udp4');
    for (let i = 0; i < mutated.length; i++) {
      sock.send(mutated[i]!, fx.port, '127.0.0.1');
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 200));
    sock.close();
    await Promise.all(mutated.slice(0, 30).map((m) => askTcp(fx.port, m).catch(() => undefined)));
    const alive = fx.server.workerPids();
    const ordinary = await Promise.all(Array.from({ length: 12 }, () => askUdp(fx.port, query(NAME))));
    const ok =
      JSON.stringify(alive) === JSON.stringify(pids) &&
      ordinary.every((a) => rcodeOf(a) === 0 && a.readUInt16BE(6) === 2);
    expect(tally.add(ok)).toBe(true);
  }, 120_000);
});
