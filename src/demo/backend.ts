// A demo HTTP backend: answers /healthz with 200 "ok" and can be switched, in-process, to fail (500),
// be slow (answer after the check timeout) or go down (stop listening, so connections are refused).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export const BACKEND_MODES = ['healthy', 'fail', 'slow', 'down'] as const;
export type BackendMode = (typeof BACKEND_MODES)[number];

export interface DemoBackendOptions {
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port; 0 (the default) picks a free one. */
  port?: number;
  /** Shown in the response body, so a curl tells which backend answered. */
  name?: string;
  /** How long a `slow` answer takes; keep it above the check timeout (default 5 s). */
  slowMs?: number;
  /**
   * Also answer `POST /mode/healthy|fail|slow` (for a backend run on its own, e.g. in docker compose,
   * where nothing in-process can switch it). `down` is not offered: nothing could switch it back.
   */
  control?: boolean;
}

export class DemoBackend {
  readonly host: string;
  readonly name: string;
  private readonly slowMs: number;
  private readonly control: boolean;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private _port: number;
  private _mode: BackendMode = 'healthy';
  private closed = false;
  /** Serialises listen/close so quick mode switches cannot interleave. */
  private chain: Promise<void> = Promise.resolve();

  constructor(options: DemoBackendOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.name = options.name ?? 'backend';
    this.slowMs = options.slowMs ?? 5000;
    this.control = options.control ?? false;
    this._port = options.port ?? 0;
  }

  get port(): number {
    return this._port;
  }

  get mode(): BackendMode {
    return this._mode;
  }

  /** The health check URL (IPv6 hosts in brackets). */
  get url(): string {
    const h = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${h}:${this._port}/healthz`;
  }

  start(): Promise<void> {
    return this.serialise(() => this.listen());
  }

  /** Switch mode; `down` closes the listener (refusing connections), leaving `down` listens again on the same port. */
  setMode(mode: BackendMode): Promise<void> {
    return this.serialise(async () => {
      if (this.closed) throw new Error(`demo backend ${this.name} is closed`);
      const was = this._mode;
      this._mode = mode;
      if (mode === 'down' && was !== 'down') await this.unlisten();
      if (mode !== 'down' && was === 'down') await this.listen();
    });
  }

  close(): Promise<void> {
    return this.serialise(async () => {
      this.closed = true;
      await this.unlisten();
    });
  }

  private serialise(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private listen(): Promise<void> {
    if (this.server) return Promise.resolve();
    const server = createServer((req, res) => this.handle(req.method ?? 'GET', req.url ?? '/', res));
    server.keepAliveTimeout = 1000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this._port, this.host, () => {
        server.off('error', reject);
        const addr = server.address();
        if (addr && typeof addr === 'object') this._port = addr.port;
        this.server = server;
        resolve();
      });
    });
  }

  private unlisten(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (!server) return Promise.resolve();
    // Open keep-alive or slow connections would otherwise keep "down" half-alive.
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private handle(method: string, url: string, res: ServerResponse): void {
    const path = url.split('?')[0] ?? '/';
    const switchTo = /^\/mode\/(healthy|fail|slow)$/.exec(path)?.[1] as BackendMode | undefined;
    if (this.control && method === 'POST' && switchTo) {
      this._mode = switchTo;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${this.name}: ${switchTo}\n`);
      return;
    }
    if (path !== '/healthz' && path !== '/') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const reply = (status: number, body: string) => {
      if (!res.destroyed) res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    };
    switch (this._mode) {
      case 'fail':
        reply(500, `fail ${this.name}\n`);
        return;
      case 'slow': {
        const t = setTimeout(() => {
          this.timers.delete(t);
          reply(200, `ok ${this.name} (slow)\n`);
        }, this.slowMs);
        this.timers.add(t);
        return;
      }
      default:
        reply(200, `ok ${this.name}\n`);
    }
  }
}

/** Starts a backend and resolves once it listens. */
export async function startDemoBackend(options: DemoBackendOptions = {}): Promise<DemoBackend> {
  const b = new DemoBackend(options);
  await b.start();
  return b;
}
