// A real BIND 9 secondary for the hidden-primary tests: named started in the foreground with a temp
// config (the README's snippet) that transfers example.com from our server with a TSIG key.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Secondary } from './knot-secondary.ts';

const run = promisify(execFile);

export async function startBindSecondary(options: {
  port: number;
  primaryPort: number;
  keyName: string;
  secret: string;
}): Promise<Secondary> {
  const dir = mkdtempSync(join(tmpdir(), 'gf-bind-'));
  const conf = join(dir, 'named.conf');
  writeFileSync(
    conf,
    `options {
  directory "${dir}";
  pid-file "${join(dir, 'named.pid')}";
  session-keyfile "${join(dir, 'session.key')}";
  managed-keys-directory "${dir}";
  listen-on port ${options.port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify no;
};
controls { };
key "${options.keyName}" { algorithm hmac-sha256; secret "${options.secret}"; };
zone "example.com" {
  type secondary;
  primaries port ${options.primaryPort} { 127.0.0.1 key "${options.keyName}"; };
  allow-notify { 127.0.0.1; };
  file "${join(dir, 'example.com.db')}";
};
`,
  );
  let log = '';
  const proc: ChildProcess = spawn('named', ['-g', '-n', '1', '-c', conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d) => (log += d));
  proc.stderr?.on('data', (d) => (log += d));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const dig = async (name: string, type: string) => {
    const { stdout } = await run(
      'kdig',
      ['@127.0.0.1', '-p', String(options.port), '+time=1', '+retry=0', '+short', '+norec', name, type],
      { timeout: 5000 },
    );
    return stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith(';'));
  };
  return {
    port: options.port,
    log: () => log,
    answer: async (name, type) => (await dig(name, type)).sort(),
    serial: async () => {
      try {
        const soa = (await dig('example.com', 'SOA'))[0];
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
