// What the RFC 2136 adapter does when the server misbehaves, with tiny TCP servers started here on
// loopback (what no real server can be made to do on demand): an AXFR that stops mid-stream, a server
// that never answers, a malformed UPDATE response, an unsigned or wrongly signed response. Each gives
// one clear error naming the server and zone, and nothing is written (the plan stays the same).
import { createServer, type Server, type Socket } from 'node:net';
import * as dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { findTsig, signResponse, type TsigKey } from '../../../providers/rfc2136/index.ts';
import { ProviderError } from '../../../src/model/index.ts';
import { makeConfig, plan, provider, RECORDS } from './helpers.ts';
import { KEY_NAME } from './servers.ts';

const SECRET = Buffer.alloc(32, 3).toString('base64');
const KEY: TsigKey = { name: KEY_NAME, algorithm: 'hmac-sha256', secret: Buffer.from(SECRET, 'base64') };
const OTHER: TsigKey = { ...KEY, secret: Buffer.alloc(32, 9) };

type Reply = (req: Buffer, send: (msg: Buffer) => void, sock: Socket) => void;

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/** A TCP DNS server on a free loopback port calling `reply` for each framed request. */
async function fake(reply: Reply): Promise<string> {
  const sockets = new Set<Socket>();
  const srv = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const req = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + req.length);
        reply(
          req,
          (msg) => {
            const len = Buffer.alloc(2);
            len.writeUInt16BE(msg.length);
            sock.write(Buffer.concat([len, msg]));
          },
          sock,
        );
      }
    });
  });
  const close = srv.close.bind(srv);
  srv.close = ((cb?: (err?: Error) => void) => {
    for (const s of sockets) s.destroy();
    return close(cb);
  }) as typeof srv.close;
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  servers.push(srv);
  return `127.0.0.1:${(srv.address() as { port: number }).port}`;
}

const SOA = {
  name: 'example.com',
  type: 'SOA',
  ttl: 300,
  data: {
    mname: 'ns1.example.com',
    rname: 'hostmaster.example.com',
    serial: 1,
    refresh: 3600,
    retry: 900,
    expire: 604800,
    minimum: 300,
  },
} as const;
const NS = { name: 'example.com', type: 'NS', ttl: 300, data: 'ns1.example.com' } as const;

function response(req: Buffer, answers: dnsPacket.Answer[]): Buffer {
  const q = dnsPacket.decode(req);
  return dnsPacket.encode({
    type: 'response',
    id: q.id ?? 0,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: q.questions ?? [],
    answers,
  });
}

/** A NOERROR answer to an UPDATE: header and zone section echoed, no other sections, unsigned. */
function updateResponse(req: Buffer): Buffer {
  const zoneEnd = req.indexOf(0, 12) + 5;
  const r = Buffer.from(req.subarray(0, zoneEnd));
  r.writeUInt16BE(0x8000 | (5 << 11), 2);
  r.writeUInt32BE(0x00010000, 4);
  r.writeUInt32BE(0, 8);
  return r;
}

/** A correct, signed AXFR of a zone holding only its SOA and NS. */
const goodAxfr: Reply = (req, send) => {
  const t = findTsig(req)!;
  send(signResponse(response(req, [SOA, NS, SOA]), KEY, t.mac).wire);
};

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
      const t = findTsig(req)!;
      // The first message is fine and signed; the closing SOA never comes.
      send(signResponse(response(req, [SOA, NS]), KEY, t.mac).wire);
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
      const t = findTsig(req)!;
      send(signResponse(response(req, [SOA, NS, SOA]), OTHER, t.mac).wire);
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
        return signResponse(updateResponse(req), OTHER, findTsig(req)!.mac).wire;
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
      expect(err.message).toContain('nothing was written');
      expect(updates).toHaveLength(1);
      // The UPDATE we sent was a real RFC 2136 message: opcode 5, zone section, prerequisites, signed.
      const sent = updates[0]!;
      expect((sent.readUInt16BE(2) >> 11) & 0xf).toBe(5);
      expect(sent.readUInt16BE(4)).toBe(1);
      expect(sent.readUInt16BE(6)).toBeGreaterThan(0);
      expect(findTsig(sent)?.keyName).toBe(KEY_NAME);
      expect((await plan(c, p)).checksum).toBe(first.checksum);
    });
  });
});
