// UDP and TCP transports on one address and port. Each received message goes through the engine's
// handle() (which never throws) and its response, if any, is sent exactly once. The bound sockets
// can be handed to worker processes (workers.ts), which serve them with serveUdp/serveTcpServer.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { frameTcp, TcpDeframer } from '../../dnswire/index.ts';

export interface ListenAddress {
  host: string;
  port: number;
}

export interface BoundTransport {
  host: string;
  port: number;
  family: 'IPv4' | 'IPv6';
  /** The bound sockets, to share with worker processes. */
  udp: UdpSocket;
  tcp: Server;
  close(): Promise<void>;
}

/** Answers messages: the engine, or anything that answers like it. */
export interface Answerer {
  handle(buf: Buffer, transport: 'udp' | 'tcp', peer: string): Buffer | undefined;
}

/**
 * Consulted before the engine when set: zone transfers and signed messages (the hidden-primary
 * service). answerUdp returns undefined for what it leaves to the engine; serveTcp returns true
 * when it took the message (and writes its own framed responses).
 */
export interface Transfers {
  answerUdp(msg: Buffer, peer: string): Buffer | undefined;
  serveTcp(msg: Buffer, peer: string, socket: Socket): boolean;
}

/** RFC 7766 §6.2.3: close idle connections; Knot's tcp-idle-timeout default is 10 s as well. */
const TCP_IDLE_MS = 10_000;
/** Open connections per process; at the limit the least recently active one is closed (Knot, BIND). */
export const TCP_MAX_CONNECTIONS = 512;
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
  engine: Answerer,
  xfr?: Transfers,
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
        udp,
        tcp: tcp.server,
        close: async () => {
          await Promise.all([closeUdp(udp), tcp.close()]);
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

function bindUdp(addr: ListenAddress, ipv6: boolean, engine: Answerer, xfr?: Transfers): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: ipv6 ? 'udp6' : 'udp4', ipv6Only: ipv6, lookup: literalLookup });
    const onError = (err: Error) => reject(Object.assign(err, { transport: 'udp' }));
    socket.once('error', onError);
    serveUdp(socket, engine, xfr);
    socket.bind(addr.port, addr.host, () => {
      socket.off('error', onError);
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

/** Answer every datagram on a (bound or shared) UDP socket. */
export function serveUdp(socket: UdpSocket, engine: Answerer, xfr?: Transfers): void {
  socket.on('message', (msg, rinfo) => {
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
  // Socket errors (ICMP unreachable on some platforms) must not crash the process.
  socket.on('error', noop);
}

export function closeUdp(socket: UdpSocket): Promise<void> {
  return new Promise<void>((r) => {
    try {
      socket.close(() => r());
    } catch {
      r(); // already closed
    }
  });
}

function bindTcp(
  addr: ListenAddress,
  ipv6: boolean,
  engine: Answerer,
  xfr?: Transfers,
): Promise<{ server: Server; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer({ pauseOnConnect: false, noDelay: true });
    const served = serveTcpServer(server, engine, xfr);
    server.once('error', reject);
    server.listen({ port: addr.port, host: addr.host, ipv6Only: ipv6, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', noop);
      resolve({ server, close: served.close });
    });
  });
}

/**
 * Serve the connections a (listening or shared) TCP server accepts. There is no hard connection
 * cap that refuses newcomers (idle clients would lock everyone out): at the limit the least recently
 * active connection is closed to make room, and idle ones time out (RFC 7766 §6.2.3).
 */
export function serveTcpServer(
  server: Server,
  engine: Answerer,
  xfr?: Transfers,
  max = TCP_MAX_CONNECTIONS,
): { close(): Promise<void>; readonly open: number } {
  // Insertion order is activity order: a connection is moved to the end whenever it sends a query.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    while (sockets.size >= max) {
      const oldest = sockets.values().next().value as Socket;
      sockets.delete(oldest);
      oldest.destroy();
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveTcp(
      socket,
      engine,
      () => {
        if (sockets.delete(socket)) sockets.add(socket);
      },
      xfr,
    );
  });
  return {
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        sockets.clear();
        if (!server.listening) return r();
        server.close(() => r());
      }),
    get open() {
      return sockets.size;
    },
  };
}

/** RFC 1035 §4.2.2 framing (2-octet length), pipelined queries answered in order (RFC 7766). */
function serveTcp(socket: Socket, engine: Answerer, active: () => void, xfr?: Transfers): void {
  const deframer = new TcpDeframer();
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
    active();
    for (const msg of deframer.push(chunk)) {
      if (xfr?.serveTcp(msg, peer, socket)) continue; // AXFR/IXFR and TSIG-signed: xfr-service.ts
      const out = engine.handle(msg, 'tcp', peer);
      if (!out) continue;
      if (!socket.write(frameTcp(out)) && socket.writableLength > TCP_MAX_BUFFERED) socket.pause();
    }
  };
}

function noop(): void {}

/**
 * For a bound socket handed over by the parent: child_process rebuilds it with `new dgram.Socket(type)`,
 * so it has Node's default lookup, which answers even an IP literal through process.nextTick: one deferred
 * callback per answer sent, 10-20% of a worker's CPU. Node offers no public way to set the lookup
 * of a received socket, so set the one its handle uses (the bound function dgram.send calls with
 * (address, callback)). If Node's internals ever differ, the socket keeps its default lookup: slower,
 * still correct.
 */
export function useLiteralLookup(socket: UdpSocket): void {
  const state = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const handle =
    state && (socket as unknown as Record<symbol, { handle?: { lookup?: unknown } }>)[state]?.handle;
  if (!handle || typeof handle.lookup !== 'function') return;
  handle.lookup = (address: string, callback: Parameters<typeof literalLookup>[2]) =>
    literalLookup(address, undefined, callback);
}

/**
 * We only ever send to the address a datagram came from, an IP literal: answer the socket's lookup
 * at once instead of through dns.lookup's deferred callback (measured: 10-20% less CPU per answer).
 * Worker children get their sockets from the parent with Node's default lookup, which is correct too.
 */
function literalLookup(
  address: string,
  _options: unknown,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  callback(null, address, address.includes(':') ? 6 : 4);
}
