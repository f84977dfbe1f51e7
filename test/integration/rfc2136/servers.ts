// Real RFC 2136 servers for the adapter tests: knotd and BIND named, each started in a temp dir on a
// free loopback port with a TSIG key that may update and transfer `example.com` and any extra zones
// asked for (and only transfer `refused.test`, a zone without an update ACL). Skips are decided by
// the callers (hasBinary).
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const KEY_NAME = 'gf-key';
export const ZONE = 'example.com.';
export const REFUSED_ZONE = 'refused.test.';

export function hasBinary(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** The zones both servers start with: SOA, NS, a foreign name (`other`) and a foreign record at a name config may want (`legacy`). */
function zoneFile(origin: string): string {
  return [
    `$ORIGIN ${origin}`,
    '$TTL 300',
    `@ IN SOA ns1.${origin} hostmaster.${origin} 1 3600 900 604800 300`,
    `@ IN NS ns1.${origin}`,
    'ns1 IN A 127.0.0.1',
    'other IN A 192.0.2.99',
    'other IN TXT "hand made"',
    'mail IN MX 10 other',
    'legacy IN A 192.0.2.50',
    '',
  ].join('\n');
}

export interface RunningServer {
  kind: 'knot' | 'bind';
  port: number;
  address: string;
  secret: string;
  /** The TSIG algorithm of its key: Knot's is hmac-sha512, BIND's hmac-sha256, so both are exercised. */
  algorithm: 'hmac-sha256' | 'hmac-sha512';
  dir: string;
  /** The tail of the server's own log. */
  log(): string;
  stop(): Promise<void>;
}

async function waitServing(port: number, tsig: string, ms: number, proc: ChildProcess, log: () => string) {
  const until = Date.now() + ms;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}: ${log()}`);
    try {
      const { stdout } = await run('kdig', [
        '-y',
        tsig,
        '@127.0.0.1',
        '-p',
        String(port),
        '+tcp',
        '+time=1',
        '+retry=0',
        ZONE,
        'SOA',
      ]);
      if (/status: NOERROR/.test(stdout) && /\bSOA\b/.test(stdout)) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`server on port ${port} not serving after ${ms} ms: ${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function launch(bin: string, args: string[]): { proc: ChildProcess; log: () => string } {
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-4000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  return { proc, log: () => out };
}

function stopper(proc: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

/** Extra zones (absolute names), each a copy of example.com's contents under its own origin. */
function writeExtraZones(dir: string, zones: readonly string[]): void {
  for (const z of zones) writeFileSync(join(dir, `${z}zone`), zoneFile(z));
}

export async function startKnot(extraZones: readonly string[] = []): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gf-knot-'));
  mkdirSync(join(dir, 'db'));
  const port = await freePort();
  const secret = randomBytes(64).toString('base64');
  writeFileSync(join(dir, 'example.com.zone'), zoneFile(ZONE));
  writeFileSync(join(dir, 'refused.test.zone'), zoneFile(REFUSED_ZONE));
  writeExtraZones(dir, extraZones);
  writeFileSync(
    join(dir, 'knot.conf'),
    `server:
    rundir: "${dir}"
    listen: 127.0.0.1@${port}
log:
  - target: stderr
    any: info
database:
    storage: "${dir}/db"
key:
  - id: ${KEY_NAME}
    algorithm: hmac-sha512
    secret: ${secret}
acl:
  - id: gf-update
    key: ${KEY_NAME}
    action: [update, transfer]
  - id: gf-transfer
    key: ${KEY_NAME}
    action: transfer
template:
  - id: default
    storage: "${dir}"
zone:
  - domain: ${ZONE}
    file: example.com.zone
    acl: gf-update
  - domain: ${REFUSED_ZONE}
    file: refused.test.zone
    acl: gf-transfer
${extraZones.map((z) => `  - domain: ${z}\n    file: ${z}zone\n    acl: gf-update\n`).join('')}`,
  );
  const { proc, log } = launch('knotd', ['-c', join(dir, 'knot.conf')]);
  const stop = stopper(proc, dir);
  try {
    await waitServing(port, `hmac-sha512:${KEY_NAME}:${secret}`, 20_000, proc, log);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    kind: 'knot',
    port,
    address: `127.0.0.1:${port}`,
    secret,
    algorithm: 'hmac-sha512',
    dir,
    log,
    stop,
  };
}

export async function startBind(extraZones: readonly string[] = []): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gf-bind-'));
  const port = await freePort();
  const secret = randomBytes(32).toString('base64');
  writeFileSync(join(dir, 'example.com.zone'), zoneFile(ZONE));
  writeFileSync(join(dir, 'refused.test.zone'), zoneFile(REFUSED_ZONE));
  writeExtraZones(dir, extraZones);
  writeFileSync(
    join(dir, 'named.conf'),
    `options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  session-keyfile "${dir}/session.key";
  managed-keys-directory "${dir}";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  allow-transfer { none; };
  notify no;
};
controls { };
key "${KEY_NAME}" { algorithm hmac-sha256; secret "${secret}"; };
zone "example.com" {
  type primary;
  file "${dir}/example.com.zone";
  allow-update { key ${KEY_NAME}; };
  allow-transfer { key ${KEY_NAME}; };
};
zone "refused.test" {
  type primary;
  file "${dir}/refused.test.zone";
  allow-transfer { key ${KEY_NAME}; };
};
${extraZones
  .map(
    (z) => `zone "${z}" {
  type primary;
  file "${dir}/${z}zone";
  allow-update { key ${KEY_NAME}; };
  allow-transfer { key ${KEY_NAME}; };
};
`,
  )
  .join('')}`,
  );
  const { proc, log } = launch('named', ['-g', '-c', join(dir, 'named.conf')]);
  const stop = stopper(proc, dir);
  try {
    await waitServing(port, `hmac-sha256:${KEY_NAME}:${secret}`, 20_000, proc, log);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    kind: 'bind',
    port,
    address: `127.0.0.1:${port}`,
    secret,
    algorithm: 'hmac-sha256',
    dir,
    log,
    stop,
  };
}

/** A change made by someone else, with nsupdate (BIND's client) signed with the same key. */
export async function foreignUpdate(server: RunningServer, lines: string[], zone = ZONE): Promise<void> {
  const script = [`server 127.0.0.1 ${server.port}`, `zone ${zone}`, ...lines, 'send', ''].join('\n');
  const child = execFile('nsupdate', ['-v', '-y', `${server.algorithm}:${KEY_NAME}:${server.secret}`]);
  const done = new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d) => {
      err += String(d);
    });
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`nsupdate failed (${code}): ${err}`)),
    );
  });
  child.stdin?.end(script);
  await done;
}

/** The zone as kdig transfers it (independent of our AXFR code): `name type value` lines. */
export async function kdigAxfr(server: RunningServer, zone = ZONE): Promise<string[]> {
  const { stdout } = await run('kdig', [
    '-y',
    `${server.algorithm}:${KEY_NAME}:${server.secret}`,
    '@127.0.0.1',
    '-p',
    String(server.port),
    'AXFR',
    zone,
    '+noall',
    '+answer',
  ]);
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith(';'))
    .map((l) => l.split(/\s+/))
    .map(([name, , , type, ...rest]) => `${name} ${type} ${rest.join(' ')}`);
}
