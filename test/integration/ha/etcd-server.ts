// Test helper: a real single-member etcd on free loopback ports with a temp data dir, and the ways
// to hurt it (freeze with SIGSTOP, kill, restart on the same ports and data). Used by the HA tests
// and bench/ha.ts. With `tls`, it serves https:// only and requires client certificates.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function etcdBinary(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** PEM files: etcd's server certificate and key, the CA of client certificates, and a client pair. */
export interface EtcdTlsFiles {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

export class EtcdServer {
  private proc?: ChildProcess;
  private log = '';

  private constructor(
    readonly bin: string,
    readonly dataDir: string,
    readonly clientPort: number,
    readonly peerPort: number,
    readonly tls?: EtcdTlsFiles,
  ) {}

  static async start(bin = etcdBinary(), opts: { tls?: EtcdTlsFiles } = {}): Promise<EtcdServer> {
    if (!bin) throw new Error('etcd binary not found');
    const dir = mkdtempSync(join(tmpdir(), 'gf-etcd-'));
    const s = new EtcdServer(bin, dir, await freePort(), await freePort(), opts.tls);
    await s.launch();
    return s;
  }

  /** With TLS by name (the certificate lists localhost): a TLS client may not send an IP as server name. */
  get endpoint(): string {
    return this.tls ? `https://localhost:${this.clientPort}` : this.listenUrl;
  }

  private get listenUrl(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.clientPort}`;
  }

  /** etcd's /health (TLS with the client certificate when it requires one). */
  private async healthy(): Promise<boolean> {
    if (!this.tls) {
      const res = await fetch(`${this.endpoint}/health`, { signal: AbortSignal.timeout(1000) });
      return ((await res.json()) as { health?: string }).health === 'true';
    }
    const t = this.tls;
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.listenUrl}/health`,
        {
          ca: readFileSync(t.ca),
          cert: readFileSync(t.clientCert),
          key: readFileSync(t.clientKey),
          timeout: 1000,
        },
        (res) => {
          let body = '';
          res.on('data', (d) => {
            body += d;
          });
          res.on('end', () => resolve(body.includes('"health":"true"')));
        },
      );
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end();
    });
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Start (or restart after kill) on the same ports and data dir; resolves once etcd is healthy. */
  async launch(): Promise<void> {
    const peer = `http://127.0.0.1:${this.peerPort}`;
    this.log = '';
    const proc = spawn(
      this.bin,
      [
        '--name',
        'ha-test',
        '--data-dir',
        this.dataDir,
        '--listen-client-urls',
        this.listenUrl,
        '--advertise-client-urls',
        this.endpoint,
        '--listen-peer-urls',
        peer,
        '--initial-advertise-peer-urls',
        peer,
        '--initial-cluster',
        `ha-test=${peer}`,
        // Fast elections for tests (the etcd defaults are 100 ms / 1000 ms).
        '--heartbeat-interval',
        '50',
        '--election-timeout',
        '500',
        '--logger',
        'zap',
        '--log-level',
        'error',
        ...(this.tls
          ? [
              '--cert-file',
              this.tls.serverCert,
              '--key-file',
              this.tls.serverKey,
              '--trusted-ca-file',
              this.tls.ca,
              '--client-cert-auth',
            ]
          : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout?.on('data', (b: Buffer) => {
      this.log = (this.log + b.toString()).slice(-4000);
    });
    proc.stderr?.on('data', (b: Buffer) => {
      this.log = (this.log + b.toString()).slice(-4000);
    });
    this.proc = proc;
    const end = Date.now() + 20_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`etcd exited ${proc.exitCode}: ${this.log}`);
      try {
        if (await this.healthy()) return;
      } catch {
        // not up yet
      }
      if (Date.now() > end) throw new Error(`etcd not healthy within 20 s: ${this.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  freeze(): void {
    this.proc?.kill('SIGSTOP');
  }

  thaw(): void {
    this.proc?.kill('SIGCONT');
  }

  /** SIGKILL and wait for the exit. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGCONT');
    p.kill('SIGKILL');
    await exited;
  }

  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
