// Test helpers: a real `prometheus` scraping a tiny /metrics target the test controls (scrape every
// 1 s), a real Alertmanager whose webhook receiver points at the controller (group_wait 0s), each on
// free loopback ports with a temp dir; and waiting for a condition. Tests skip with a printed reason
// when a binary is missing.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as httpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function binary(...names: string[]): string | undefined {
  for (const n of names) {
    try {
      const found = execFileSync('sh', ['-c', `command -v ${n}`], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      /* not this one */
    }
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(`condition not met within ${ms} ms; last: ${JSON.stringify(v).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A /metrics target whose gauge value the test sets; `down()` makes it refuse scrapes. */
export class MetricsTarget {
  value = 0;
  serving = true;
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(value = 0): Promise<MetricsTarget> {
    let self: MetricsTarget | undefined;
    const server = httpServer((req, res) => {
      if (!self?.serving || req.url !== '/metrics') {
        res.writeHead(self?.serving ? 404 : 503).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(
        `# HELP app_error_ratio 5xx share\n# TYPE app_error_ratio gauge\napp_error_ratio{region="eu-west"} ${self.value}\n`,
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new MetricsTarget(server, (server.address() as { port: number }).port);
    self.value = value;
    return self;
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }
}

class Daemon {
  protected proc?: ChildProcess;
  protected log = '';
  constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  protected async launch(bin: string, args: string[], ready: string): Promise<void> {
    const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    proc.stdout!.on('data', (c) => (this.log += c));
    proc.stderr!.on('data', (c) => (this.log += c));
    const end = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`${bin} exited ${proc.exitCode}: ${this.log.slice(-2000)}`);
      try {
        const res = await fetch(`${this.url}${ready}`);
        if (res.ok) return;
      } catch {
        /* not yet */
      }
      if (Date.now() > end) throw new Error(`${bin} not ready after 30 s: ${this.log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  output(): string {
    return this.log;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      const t = setTimeout(() => p.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class Prometheus extends Daemon {
  static async start(bin: string, target: number): Promise<Prometheus> {
    const dir = mkdtempSync(join(tmpdir(), 'gf-prom-'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: app',
        `    static_configs: [{ targets: ["127.0.0.1:${target}"] }]`,
        '',
      ].join('\n'),
    );
    const p = new Prometheus(dir, await freePort());
    await p.launch(
      bin,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${p.port}`,
        '--log.level=warn',
      ],
      '/-/ready',
    );
    return p;
  }

  async query(q: string): Promise<unknown> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(q)}`);
    return res.json();
  }
}

export class Alertmanager extends Daemon {
  /** Alertmanager sending every alert to `webhook` with the bearer token in `tokenFile`. */
  static async start(bin: string, webhook: string, token: string): Promise<Alertmanager> {
    const dir = mkdtempSync(join(tmpdir(), 'gf-am-'));
    writeFileSync(join(dir, 'token'), token, { mode: 0o600 });
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      [
        'route:',
        '  receiver: geofailover',
        '  group_by: [alertname, region]',
        '  group_wait: 0s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: geofailover',
        '    webhook_configs:',
        `      - url: ${JSON.stringify(webhook)}`,
        '        send_resolved: true',
        '        http_config:',
        `          authorization: { type: Bearer, credentials_file: ${JSON.stringify(join(dir, 'token'))} }`,
        '',
      ].join('\n'),
    );
    const a = new Alertmanager(dir, await freePort());
    await a.launch(
      bin,
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${a.port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      '/-/ready',
    );
    return a;
  }

  /** Fires (or, with endsAt in the past, resolves) an alert through the v2 API. */
  async post(
    labels: Record<string, string>,
    opts: { endsAt?: string; summary?: string } = {},
  ): Promise<void> {
    const res = await fetch(`${this.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          labels,
          annotations: { summary: opts.summary ?? 'injected by the test' },
          ...(opts.endsAt ? { endsAt: opts.endsAt } : {}),
        },
      ]),
    });
    if (!res.ok) throw new Error(`alertmanager refused the alert: ${res.status} ${await res.text()}`);
  }
}
