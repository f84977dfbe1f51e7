// Crafted TCP DNS servers for the RFC 2136 tests: a loopback listener that hands each framed request
// to the test's own reply function (to misbehave on demand, which no real server can be made to do),
// the zone it pretends to hold, correctly framed and signed answers to start from, and a proxy that
// loses a real server's answers to UPDATEs.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import * as dnsPacket from 'dns-packet';
import { readTsig, sign, type TsigKey } from '../../../providers/tsig/index.ts';
import { KEY_NAME } from './servers.ts';

export const SECRET = Buffer.alloc(32, 3).toString('base64');
export const KEY: TsigKey = {
  name: KEY_NAME,
  algorithm: 'hmac-sha256',
  secret: Buffer.from(SECRET, 'base64'),
};
export const OTHER: TsigKey = { ...KEY, secret: Buffer.alloc(32, 9) };

export type Reply = (req: Buffer, send: (msg: Buffer) => void, sock: Socket) => void;

const servers: Server[] = [];

/** Closes every server fake() started (afterEach), cutting the connections still open. */
export async function closeFakes(): Promise<void> {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
}

/** The 2-octet length prefix and the message, as DNS over TCP sends it. */
export function framed(msg: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length);
  return Buffer.concat([len, msg]);
}

/** A TCP DNS server on a free loopback port calling `reply` for each framed request; HOST:PORT. */
export async function fake(reply: Reply): Promise<string> {
  const sockets = new Set<Socket>();
  const srv = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const req = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + req.length);
        reply(req, (msg) => sock.write(framed(msg)), sock);
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

export const SOA = {
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
export const NS = { name: 'example.com', type: 'NS', ttl: 300, data: 'ns1.example.com' } as const;

export function response(req: Buffer, answers: dnsPacket.Answer[]): Buffer {
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
export function updateResponse(req: Buffer): Buffer {
  const zoneEnd = req.indexOf(0, 12) + 5;
  const r = Buffer.from(req.subarray(0, zoneEnd));
  r.writeUInt16BE(0x8000 | (5 << 11), 2);
  r.writeUInt32BE(0x00010000, 4);
  r.writeUInt32BE(0, 8);
  return r;
}

/** The signed NOERROR a server that applied the UPDATE answers. */
export function signedUpdateResponse(req: Buffer): Buffer {
  return sign(updateResponse(req), KEY, { requestMac: readTsig(req)!.mac }).message;
}

/** A correct, signed AXFR of a zone holding only its SOA and NS. */
export const goodAxfr: Reply = (req, send) => {
  const t = readTsig(req)!;
  send(sign(response(req, [SOA, NS, SOA]), KEY, { requestMac: t.mac }).message);
};

/**
 * A TCP proxy in front of the DNS server on loopback `port` that passes everything through, except
 * that it cuts the client's connection instead of relaying the answer to an UPDATE (opcode 5): the
 * server applies it, the client never hears so.
 */
export async function dropUpdateAnswers(port: number): Promise<{ address: string; server: Server }> {
  const server = createServer((client) => {
    const up = createConnection({ host: '127.0.0.1', port });
    let update = false;
    client.on('data', (d: Buffer) => {
      // The flags follow the 2-octet length prefix and the 2-octet id.
      if (d.length >= 6 && ((d.readUInt16BE(4) >> 11) & 0xf) === 5) update = true;
      up.write(d);
    });
    up.on('data', (d: Buffer) => (update ? client.destroy() : client.write(d)));
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
    client.on('error', () => undefined);
    up.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { address: `127.0.0.1:${(server.address() as { port: number }).port}`, server };
}
