// What the RFC 2136 adapter does when the server misbehaves, with tiny TCP servers started here on
// loopback (what no real server can be made to do on demand): an AXFR that stops mid-stream, a server
// that never answers, a malformed UPDATE response, an unsigned or wrongly signed response. Each gives
// one clear error naming the server and zone; an UPDATE answer that cannot be read or trusted says
// its outcome is unknown (these servers wrote nothing: the plan stays the same).
import { afterEach, describe, expect, it } from 'vitest';
import { readTsig, sign } from '../../../providers/tsig/index.ts';
import { ProviderError } from '../../../src/model/index.ts';
import {
  closeFakes,
  fake,
  goodAxfr,
  KEY,
  NS,
  OTHER,
  response,
  SECRET,
  SOA,
  updateResponse,
} from './fake-server.ts';
import { makeConfig, plan, provider, RECORDS } from './helpers.ts';
import { KEY_NAME } from './servers.ts';

afterEach(closeFakes);

function config(server: string, over: Record<string, unknown> = {}) {
  return makeConfig(server, [RECORDS.failover], {
    timeouts: { connect: '1s', response: '300ms', transfer: '2s' },
    ...over,
  });
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe('rfc2136 adapter against misbehaving servers', () => {
  it('an AXFR that stops mid-stream: one clear error, nothing planned', async () => {
    const server = await fake((req, send, sock) => {
      const t = readTsig(req)!;
      // The first message is fine and signed; the closing SOA never comes.
      send(sign(response(req, [SOA, NS]), KEY, { requestMac: t.mac }).message);
      sock.end();
    });
    const c = config(server);
    const err = await failure(plan(c, provider(c, SECRET)));
    expect(err.message).toMatch(/zone example\.com\., server 127\.0\.0\.1:\d+: zone transfer \(AXFR\)/);
    expect(err.message).toMatch(/stopped mid-stream after 2 records in 1 message/);
    expect(err.message).toContain('nothing was written');
    expect(err.context.remedy).toBeDefined();
  });

  it('a server that never answers: a timeout naming the server and zone', async () => {
    const server = await fake(() => {
      // read and say nothing
    });
    const c = config(server);
    const err = await failure(plan(c, provider(c, SECRET)));
    expect(err.message).toMatch(
      /server 127\.0\.0\.1:\d+: zone transfer \(AXFR\) failed: no response within 300 ms/,
    );
    expect(err.context.remedy).toMatch(/reachable over TCP|timeouts/);
    expect(err.retryable).toBe(true);
  });

  it('an AXFR answer with a bad MAC is not trusted', async () => {
    const server = await fake((req, send) => {
      const t = readTsig(req)!;
      send(sign(response(req, [SOA, NS, SOA]), OTHER, { requestMac: t.mac }).message);
    });
    const c = config(server);
    const err = await failure(plan(c, provider(c, SECRET)));
    expect(err.message).toMatch(
      /failed TSIG verification \(the response MAC does not verify.*\); it was not trusted/,
    );
  });

  it('an unsigned AXFR answer is not trusted', async () => {
    const server = await fake((req, send) => send(response(req, [SOA, NS, SOA])));
    const c = config(server);
    const err = await failure(plan(c, provider(c, SECRET)));
    expect(err.message).toMatch(/carries no TSIG signature/);
  });

  describe.each([
    [
      'a malformed UPDATE response (5 bytes)',
      (_req: Buffer) => Buffer.from([1, 2, 3, 4, 5]),
      /malformed response/,
    ],
    [
      'an UPDATE response with another id',
      (req: Buffer) => {
        const r = updateResponse(req);
        r.writeUInt16BE((req.readUInt16BE(0) + 1) & 0xffff, 0);
        return r;
      },
      /malformed response \(response id \d+ does not match/,
    ],
    [
      'an unsigned NOERROR to an UPDATE',
      (req: Buffer) => updateResponse(req),
      /carries no TSIG signature.*not trusted/,
    ],
    [
      'an unsigned NXRRSET to an UPDATE (a spoofed conflict)',
      (req: Buffer) => {
        const r = updateResponse(req);
        r.writeUInt16BE(0x8000 | (5 << 11) | 8, 2);
        return r;
      },
      /answered NXRRSET without a TSIG signature, so the answer cannot be trusted/,
    ],
    [
      'a NOERROR to an UPDATE signed with another key',
      (req: Buffer) => {
        return sign(updateResponse(req), OTHER, { requestMac: readTsig(req)!.mac }).message;
      },
      /MAC does not verify.*not trusted/,
    ],
  ])('%s', (_name, answer, expected) => {
    it('gives one clear error; the next plan is the same (nothing written)', async () => {
      const transfer = await fake(goodAxfr);
      const updates: Buffer[] = [];
      const server = await fake((req, send) => {
        updates.push(req);
        send(answer(req));
      });
      const c = config(server, { transfer });
      const p = provider(c, SECRET);
      const first = await plan(c, p);
      expect(first.changes.length).toBe(2);
      const err = await failure(p.apply(first.zone, first.changes));
      expect(err.message).toMatch(expected);
      expect(err.message).toMatch(/zone example\.com\., server 127\.0\.0\.1:\d+: UPDATE/);
      // An answer that cannot be read or trusted says nothing about what the server did.
      expect(err.message).toContain('the UPDATE was sent and its outcome is unknown');
      expect(err.message).not.toContain('nothing was written');
      expect(updates).toHaveLength(1);
      // The UPDATE we sent was a real RFC 2136 message: opcode 5, zone section, prerequisites, signed.
      const sent = updates[0]!;
      expect((sent.readUInt16BE(2) >> 11) & 0xf).toBe(5);
      expect(sent.readUInt16BE(4)).toBe(1);
      expect(sent.readUInt16BE(6)).toBeGreaterThan(0);
      expect(readTsig(sent)?.keyName).toBe(`${KEY_NAME}.`);
      expect((await plan(c, p)).checksum).toBe(first.checksum);
    });
  });
});
