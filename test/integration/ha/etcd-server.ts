// Test helper: a real single-member etcd on free loopback ports with a temp data dir, and the ways
// to hurt it (freeze with SIGSTOP, kill, restart on the same ports and data). Used by the HA tests
// and bench/ha.ts.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

export class EtcdServer {
  private proc?: ChildProcess;
  private log = '';

  private constructor(
    readonly bin: string,
    readonly dataDir: string,
    readonly clientPort: number,
    readonly peerPort: number,
  ) {}

  static async start(bin = etcdBinary()): Promise<EtcdServer> {
    if (!bin) throw new Error('etcd binary not found');
    const dir = mkdtempSync(join(tmpdir(), 'gf-etcd-'));
    const s = new EtcdServer(bin, dir, await freePort(), await freePort());
    await s.launch();
    return s;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.clientPort}`;
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
        this.endpoint,
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
        const res = await fetch(`${this.endpoint}/health`, { signal: AbortSignal.timeout(1000) });
        const body = (await res.json()) as { health?: string };
        if (body.health === 'true') return;
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
