// A real Knot DNS secondary for the hidden-primary tests: knotd started with a temp config that
// transfers example.com from our server with a TSIG key and accepts our NOTIFY; asSecondary serves
// bind-secondary.ts too.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

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

export interface Secondary {
  port: number;
  log(): string;
  /** kdig against the secondary: the answer's record data (last field of each line), sorted. */
  answer(name: string, type: string): Promise<string[]>;
  serial(): Promise<number | undefined>;
  close(): Promise<void>;
}

export async function startKnotSecondary(options: {
  port: number;
  primaryPort: number;
  keyName: string;
  secret: string;
}): Promise<Secondary> {
  const dir = mkdtempSync(join(tmpdir(), 'gf-knot-'));
  const conf = join(dir, 'knot.conf');
  writeFileSync(
    conf,
    `server:
    rundir: "${dir}"
    listen: 127.0.0.1@${options.port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
control:
    listen: "${join(dir, 'knot.sock')}"
log:
  - target: stderr
    any: info
database:
    storage: "${dir}"
key:
  - id: ${options.keyName}
    algorithm: hmac-sha256
    secret: ${options.secret}
remote:
  - id: primary
    address: 127.0.0.1@${options.primaryPort}
    key: ${options.keyName}
acl:
  - id: notify-from-primary
    address: 127.0.0.1
    key: ${options.keyName}
    action: notify
template:
  - id: default
    storage: "${dir}"
    zonefile-sync: -1
    zonefile-load: none
    journal-content: changes
zone:
  - domain: example.com
    master: primary
    acl: notify-from-primary
`,
  );
  return asSecondary(spawn('knotd', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] }), options.port, dir);
}

/**
 * A started secondary server process (knotd, named) as a Secondary: its output collected for log(),
 * kdig queries against its port, and close() stopping it (SIGKILL after 5 s) and removing `dir`.
 */
export function asSecondary(proc: ChildProcess, port: number, dir: string): Secondary {
  let log = '';
  proc.stdout?.on('data', (d) => (log += d));
  proc.stderr?.on('data', (d) => (log += d));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const kdig = async (name: string, type: string) => {
    const { stdout } = await run(
      'kdig',
      ['@127.0.0.1', '-p', String(port), '+time=1', '+retry=0', '+short', '+norec', name, type],
      { timeout: 5000 },
    );
    return stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith(';'));
  };
  return {
    port,
    log: () => log,
    answer: async (name, type) => (await kdig(name, type)).sort(),
    serial: async () => {
      try {
        const soa = (await kdig('example.com', 'SOA'))[0];
        return soa ? Number(soa.split(/\s+/)[2]) : undefined;
      } catch {
        return undefined;
      }
    },
    close: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
