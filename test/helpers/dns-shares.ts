// Test helper: measured answer shares of a name on a DNS server over real UDP, from many source ports
// (one socket each), the way many resolvers would see a weighted answer. Classifies each answer by a
// caller's function of its first answer value.
import { createSocket, type Socket } from 'node:dgram';
import { Packet } from 'dns2';
import { query } from '../unit/builtin/packets.ts';

export interface Shares {
  /** Answers counted (queries lost on a busy machine are not). */
  total: number;
  /** Fraction of answers per class. */
  share: (cls: string) => number;
  counts: Map<string, number>;
}

export async function measureShares(
  server: { host: string; port: number },
  name: string,
  n: number,
  classify: (firstValue: string) => string,
  sockets = 16,
): Promise<Shares> {
  const counts = new Map<string, number>();
  let got = 0;
  const socks: Socket[] = [];
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  for (let i = 0; i < sockets; i++) {
    const s = createSocket('udp4');
    s.on('message', (m) => {
      const first = Packet.parse(m).answers[0] as { address?: string; domain?: string } | undefined;
      const cls = classify(first?.address ?? first?.domain ?? 'none');
      counts.set(cls, (counts.get(cls) ?? 0) + 1);
      if (++got >= n) resolveDone();
    });
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    socks.push(s);
  }
  // Small bursts so none is lost on a busy machine.
  for (let i = 0; i < n; i += 40) {
    for (let j = i; j < Math.min(n, i + 40); j++) {
      socks[j % sockets]!.send(query(name, { id: j & 0xffff }), server.port, server.host);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  // Every answer, or (a query lost on a busy machine) half a second without one; 10 s at most.
  const deadline = Date.now() + 10_000;
  let seen = -1;
  while (got < n && Date.now() < deadline && got !== seen) {
    seen = got;
    await Promise.race([done, new Promise((r) => setTimeout(r, 500))]);
  }
  for (const s of socks) s.close();
  return { total: got, counts, share: (cls) => (counts.get(cls) ?? 0) / Math.max(1, got) };
}

/** "127.0.0.1:5353" -> { host, port }. */
export function hostPort(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  return { host: addr.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(addr.slice(i + 1)) };
}
