// UDP and TCP transports on one address and port. Each received message goes through the engine's
// handle() (which never throws) and its response, if any, is sent exactly once.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import type { DnsEngine } from './engine.ts';
import type { TransferService } from './xfr-service.ts';

export interface ListenAddress {
  host: string;
  port: number;
}

export interface BoundTransport {
  host: string;
  port: number;
  family: 'IPv4' | 'IPv6';
  close(): Promise<void>;
}

const TCP_IDLE_MS = 10_000;
const TCP_MAX_CONNECTIONS = 512;
/** Pause reading a TCP client that does not read its answers. */
const TCP_MAX_BUFFERED = 1 << 20;

export function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new Error(`listen address ${text} is not HOST:PORT`);
  return { host: (m[1] ?? m[2])!, port };
}

/** Bind UDP then TCP on the same port (an ephemeral port 0 is chosen by UDP and reused by TCP). */
export async function bindBoth(
  addr: ListenAddress,
  engine: DnsEngine,
  xfr?: TransferService,
): Promise<BoundTransport> {
  const ipv6 = addr.host.includes(':');
  for (let attempt = 0; ; attempt++) {
    const udp = await bindUdp(addr, ipv6, engine, xfr);
    const port = udp.address().port;
    try {
      const tcp = await bindTcp({ host: addr.host, port }, ipv6, engine, xfr);
      return {
        host: addr.host,
        port,
        family: ipv6 ? 'IPv6' : 'IPv4',
        close: async () => {
          await Promise.all([new Promise<void>((r) => udp.close(() => r())), tcp.close()]);
        },
      };
    } catch (err) {
      await new Promise<void>((r) => udp.close(() => r()));
      // With an ephemeral port the TCP side may be taken by someone else: try another port.
      if (addr.port === 0 && attempt < 5 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw Object.assign(err as Error, { transport: 'tcp' });
    }
  }
}

function bindUdp(
  addr: ListenAddress,
  ipv6: boolean,
  engine: DnsEngine,
  xfr?: TransferService,
): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: ipv6 ? 'udp6' : 'udp4', ipv6Only: ipv6 });
    const onError = (err: Error) => reject(Object.assign(err, { transport: 'udp' }));
    socket.once('error', onError);
    socket.on('message', (msg, rinfo) => {
      // Zone transfers and TSIG-signed messages go to the hidden-primary service (xfr-service.ts).
      const out = xfr?.answerUdp(msg, rinfo.address) ?? engine.handle(msg, 'udp', rinfo.address);
      if (!out) return;
      try {
        // send() throws synchronously on a bad destination (a spoofed source port 0): never crash on it.
        // No callback: asynchronous send errors go to the socket's 'error' listener (a no-op).
        socket.send(out, rinfo.port, rinfo.address);
      } catch {
        /* unanswerable source */
      }
    });
    socket.bind(addr.port, addr.host, () => {
      socket.off('error', onError);
      // After bind, socket errors (ICMP unreachable on some platforms) must not crash the process.
      socket.on('error', noop);
      try {
        socket.setRecvBufferSize(4 << 20);
        socket.setSendBufferSize(4 << 20);
      } catch {
        /* the OS may cap buffer sizes; defaults still work */
      }
      resolve(socket);
    });
  });
}

function bindTcp(
  addr: ListenAddress,
  ipv6: boolean,
  engine: DnsEngine,
  xfr?: TransferService,
): Promise<{ close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<Socket>();
    const server: Server = createServer({ pauseOnConnect: false, noDelay: true }, (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      serveTcp(socket, engine, xfr);
    });
    server.maxConnections = TCP_MAX_CONNECTIONS;
    server.once('error', reject);
    server.listen({ port: addr.port, host: addr.host, ipv6Only: ipv6, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', noop);
      resolve({
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** RFC 1035 §4.2.2 framing (2-octet length), pipelined queries answered in order (RFC 7766). */
function serveTcp(socket: Socket, engine: DnsEngine, xfr?: TransferService): void {
  let pending: Buffer = Buffer.alloc(0);
  const peer = socket.remoteAddress ?? '';
  socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
  socket.on('error', noop);
  socket.on('drain', () => socket.resume());
  socket.on('data', (chunk: Buffer) => {
    try {
      onData(chunk);
    } catch {
      socket.destroy(); // nothing here should throw; if it does, drop this client, keep the server
    }
  });
  const onData = (chunk: Buffer): void => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const len = pending.readUInt16BE(0);
      if (pending.length < 2 + len) break;
      const msg = pending.subarray(2, 2 + len);
      pending = pending.subarray(2 + len);
      if (xfr?.serveTcp(msg, peer, socket)) continue; // AXFR/IXFR and TSIG-signed: xfr-service.ts
      const out = engine.handle(msg, 'tcp', peer);
      if (!out) continue;
      const framed = Buffer.allocUnsafe(2 + out.length);
      framed.writeUInt16BE(out.length, 0);
      out.copy(framed, 2);
      if (!socket.write(framed) && socket.writableLength > TCP_MAX_BUFFERED) socket.pause();
    }
    // Keep only the unread tail, not the whole chunk it came in.
    if (pending.length > 0 && pending.byteOffset > 0) pending = Buffer.from(pending);
  };
}

function noop(): void {}
