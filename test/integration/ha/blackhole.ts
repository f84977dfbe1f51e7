// Test helper: a TCP proxy in front of etcd that can cut ONE replica off (etcd stays up for the
// others). Cutting pauses every open connection (a black hole: nothing arrives, nothing is refused)
// and resets new ones, which is how a network partition looks to a gRPC client.
import { connect, createServer, type Server, type Socket } from 'node:net';

export class Blackhole {
  private server?: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  private cut = false;
  port = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<this> {
    this.server = createServer((client) => {
      if (this.cut) {
        client.resetAndDestroy();
        return;
      }
      const upstream = connect(this.targetPort, '127.0.0.1');
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const done = () => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
      };
      client.on('error', done).on('close', done);
      upstream.on('error', done).on('close', done);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  partition(): void {
    this.cut = true;
    for (const [a, b] of this.pairs) {
      a.unpipe(b);
      b.unpipe(a);
      a.pause();
      b.pause();
    }
  }

  /** Heal: drop the frozen connections (as a long partition does) and forward new ones again. */
  heal(): void {
    this.cut = false;
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.heal();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
