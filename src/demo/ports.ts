// Port choice for the demo: use the port asked for when it is free, else fall back to a free one (the
// demo must start on any machine, even one where 5353 is taken by mDNS or 8080 by something else).
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

function tcpFree(host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(undefined));
    srv.listen({ host, port, exclusive: true }, () => {
      const addr = srv.address();
      const got = addr && typeof addr === 'object' ? addr.port : undefined;
      srv.close(() => resolve(got));
    });
  });
}

function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    sock.once('error', () => {
      sock.close();
      resolve(false);
    });
    sock.bind({ address: host, port, exclusive: true }, () => sock.close(() => resolve(true)));
  });
}

export interface PortChoice {
  port: number;
  /** True when the preferred port was taken and another was picked. */
  fellBack: boolean;
}

/** A TCP port on `host`: `preferred` when free, else one the kernel picks. */
export async function pickTcpPort(host: string, preferred: number): Promise<PortChoice> {
  if (preferred > 0 && (await tcpFree(host, preferred)) !== undefined)
    return { port: preferred, fellBack: false };
  const port = await tcpFree(host, 0);
  if (port === undefined) throw new Error(`no free TCP port on ${host}`);
  return { port, fellBack: preferred > 0 };
}

/** A port free for both UDP and TCP on `host` (a DNS server needs both). */
export async function pickDnsPort(host: string, preferred: number): Promise<PortChoice> {
  if (preferred > 0 && (await udpFree(host, preferred)) && (await tcpFree(host, preferred)) !== undefined) {
    return { port: preferred, fellBack: false };
  }
  for (let i = 0; i < 20; i++) {
    const port = await tcpFree(host, 0);
    if (port !== undefined && (await udpFree(host, port))) return { port, fellBack: preferred > 0 };
  }
  throw new Error(`no port free for both UDP and TCP on ${host}`);
}
