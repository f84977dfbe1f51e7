// TSIG on the builtin server (RFC 8945), with real clients (dig -y, kdig -y) and crafted packets: a
// query signed with a key the server does not know gets NOTAUTH with TSIG error BADKEY (unsigned) on
// the ordinary public server too, not an answer; a TSIG record that is not the last record gets
// FORMERR (§5.2), also on a transfer request; a replayed signed query is never answered from the
// response cache; and worker processes answer signed queries exactly as the first process does.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sumStats } from '../../../providers/builtin/dns-server/workers.ts';
import { sign, TSIG_ERROR, tsigKey, verify } from '../../../providers/tsig/index.ts';
import {
  appendAdditional,
  askTcp,
  askUdp,
  STRANGER,
  signedQuery,
  tsigBeforeOpt,
  tsigInAnswer,
  twoTsigs,
  verdict,
} from '../../helpers/tsig-packets.ts';
import { opt, query } from '../../unit/builtin/packets.ts';
import { KEY_NAME, SECRET, startXfrFixture, type XfrFixture } from '../xfr/fixture.ts';
import { type Fixture, has, startFixture } from './fixture.ts';

const run = promisify(execFile);
const hasDig = has('dig');
const hasKdig = has('kdig');
if (!hasDig || !hasKdig) console.warn('skipping the dig/kdig TSIG tests: dig or kdig is not installed');

const NOTAUTH = 9;
const FORMERR = 1;
const BADKEY = { rcode: NOTAUTH, tsigError: TSIG_ERROR.BADKEY, macLength: 0 };
const KNOWN = tsigKey(KEY_NAME, 'hmac-sha256', SECRET);
const STRANGER_ARG = `hmac-sha256:stranger-key:${Buffer.alloc(32, 3).toString('base64')}`;

/** A client's whole output, also when it exits non-zero (as kdig does on a TSIG error). */
async function client(tool: 'dig' | 'kdig', port: number, args: string[]): Promise<string> {
  const base = tool === 'dig' ? ['+time=2', '+tries=1'] : ['+time=2', '+retry=0'];
  try {
    const { stdout, stderr } = await run(tool, ['@127.0.0.1', '-p', String(port), ...base, ...args], {
      timeout: 10_000,
    });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
}

const MISPLACED = {
  'a TSIG before an OPT record': () => tsigBeforeOpt('app.example.com', STRANGER),
  'a TSIG in the answer section': () => tsigInAnswer('app.example.com', STRANGER),
  'two TSIG records': () => twoTsigs('app.example.com', STRANGER),
};

describe('TSIG on the public builtin server (no tsigKeys)', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it.skipIf(!hasDig || !hasKdig)(
    'answers dig -y and kdig -y with an unknown key NOTAUTH/BADKEY, no records',
    async () => {
      const d = await client('dig', fx.port, ['-y', STRANGER_ARG, 'app.example.com', 'A']);
      expect(d).toMatch(/status: NOTAUTH/);
      expect(d).toMatch(/tsig indicates error/);
      expect(d).toMatch(/TSIG\s+hmac-sha256\. \d+ 300 0 \d+ BADKEY/);
      expect(d).not.toMatch(/192\.0\.2\.1/);
      const k = await client('kdig', fx.port, ['-y', STRANGER_ARG, 'app.example.com', 'A']);
      // kdig folds the TSIG error into the status it prints.
      expect(k).toMatch(/status: BADKEY/);
      expect(k).toMatch(/TSIG\s+hmac-sha256\. \d+ 300 0 \d+ BADKEY/); // no MAC: unsigned
      expect(k).not.toMatch(/192\.0\.2\.1/);
    },
  );

  it('answers a crafted query signed with an unknown key NOTAUTH with an unsigned BADKEY TSIG, over UDP and TCP', async () => {
    for (const edns of [true, false]) {
      const q = signedQuery('app.example.com', STRANGER, { edns }).message;
      const udp = await askUdp(fx.port, q);
      expect(verdict(udp)).toEqual(BADKEY);
      expect(udp.readUInt16BE(6)).toBe(0); // no answer records
      expect(verdict(await askTcp(fx.port, q))).toEqual(BADKEY);
    }
  });

  it('answers FORMERR when the TSIG record is not the last record of the message', async () => {
    for (const [what, make] of Object.entries(MISPLACED)) {
      const udp = await askUdp(fx.port, make());
      expect({ what, rcode: verdict(udp).rcode, answers: udp.readUInt16BE(6) }).toEqual({
        what,
        rcode: FORMERR,
        answers: 0,
      });
      expect({ what, rcode: verdict(await askTcp(fx.port, make())).rcode }).toEqual({ what, rcode: FORMERR });
    }
  });

  it('never answers a replayed signed query from the response cache', async () => {
    const plain = query('app.example.com', { id: 7, edns: {} });
    await askUdp(fx.port, plain);
    await askUdp(fx.port, plain); // the ordinary query is now a response-cache hit
    const q = signedQuery('app.example.com', STRANGER, { id: 8 }).message;
    // Counted across every process: with DNS workers a query may land on any of them, and the pool's
    // cached counters lag, so read each one fresh.
    const counted = async () => sumStats(await fx.server.workerStats());
    const hitsBefore = (await counted()).cacheHits;
    for (let i = 0; i < 3; i++) expect(verdict(await askUdp(fx.port, q))).toEqual(BADKEY);
    const after = await counted();
    expect(after.cacheHits).toBe(hitsBefore);
    expect(after.notauth).toBeGreaterThanOrEqual(3);
  });
});

describe('TSIG in DNS worker processes', () => {
  const WORKERS = 3; // more than the 2 cores here on purpose: the kernel still spreads over all of them
  const QUERIES = 60;

  /** Sends QUERIES queries from fresh source ports; every worker must have counted some. */
  async function spread(port: number, make: (i: number) => Buffer): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (let i = 0; i < QUERIES; i++) out.push(await askUdp(port, make(i)));
    return out;
  }

  it('without tsigKeys, every worker answers an unknown key BADKEY and a misplaced TSIG FORMERR', async () => {
    const fx = await startFixture(undefined, '', { workers: WORKERS });
    try {
      const answers = await spread(
        fx.port,
        (i) => signedQuery('app.example.com', STRANGER, { id: i }).message,
      );
      for (const a of answers) expect(verdict(a)).toEqual(BADKEY);
      const misplaced = await spread(fx.port, () => tsigBeforeOpt('app.example.com', STRANGER));
      for (const a of misplaced) expect(verdict(a).rcode).toBe(FORMERR);
      const per = await fx.server.workerStats();
      expect(per).toHaveLength(WORKERS);
      for (const s of per) expect(s.notauth + s.formerr).toBeGreaterThan(0);
    } finally {
      await fx.close();
    }
  }, 60_000);

  it('with tsigKeys, every worker verifies a signed query and signs its answer, and refuses unknown keys', async () => {
    const fx: XfrFixture = await startXfrFixture({ server: { workers: WORKERS } });
    try {
      expect(fx.server.workers).toBe(WORKERS);
      for (let i = 0; i < QUERIES; i++) {
        const q = signedQuery('app.example.com', KNOWN, { id: i });
        const a = await askUdp(fx.port, q.message);
        expect(verdict(a).rcode).toBe(0);
        expect(a.readUInt16BE(6)).toBe(2);
        expect(verify(a, () => KNOWN, { requestMac: q.mac })).toMatchObject({ ok: true });
      }
      if (hasKdig)
        for (let i = 0; i < 4; i++) {
          const k = await client('kdig', fx.port, [
            '-y',
            `hmac-sha256:${KEY_NAME}:${SECRET}`,
            'app.example.com',
          ]);
          expect(k).toMatch(/status: NOERROR/);
          expect(k).toMatch(/TSIG PSEUDOSECTION/);
          expect(k).not.toMatch(/WARNING/);
        }
      const unknown = await spread(
        fx.port,
        (i) => signedQuery('app.example.com', STRANGER, { id: i }).message,
      );
      for (const a of unknown) expect(verdict(a)).toEqual(BADKEY);
      for (const s of await fx.server.workerStats()) expect(s.notauth).toBeGreaterThan(0);
    } finally {
      await fx.close();
    }
  }, 60_000);
});

describe('TSIG on a hidden primary', () => {
  let fx: XfrFixture;
  beforeAll(async () => {
    fx = await startXfrFixture({ provider: 'allowTransfer: [{ address: 127.0.0.1 }]' });
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('answers a transfer request whose TSIG is not the last record FORMERR, never the zone', async () => {
    const axfr = query('example.com', { type: 252 });
    for (const key of [STRANGER, KNOWN]) {
      const a = await askTcp(fx.port, appendAdditional(sign(axfr, key).message, opt()));
      expect(verdict(a).rcode).toBe(FORMERR);
      expect(a.readUInt16BE(6)).toBe(0);
    }
    // The same request unsigned from an allowed address is transferred: the FORMERR is the TSIG's.
    expect(verdict(await askTcp(fx.port, axfr)).rcode).toBe(0);
  });

  it('answers a signed SOA query with an unknown key BADKEY and a misplaced TSIG FORMERR', async () => {
    expect(verdict(await askUdp(fx.port, signedQuery('example.com', STRANGER, { type: 6 }).message))).toEqual(
      BADKEY,
    );
    for (const make of Object.values(MISPLACED))
      expect(verdict(await askUdp(fx.port, make())).rcode).toBe(FORMERR);
  });
});
