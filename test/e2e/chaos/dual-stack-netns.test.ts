// Dual-stack endpoints with one family's path cut, in network namespaces: a "lab" namespace runs the
// controller (builtin DNS server) and two probe agents, a "srv" namespace one HTTP backend on every
// address of two dual-stack endpoints (198.18.0.0/15 and 2001:db8::/32). A blackhole route to
// us-east's IPv6 address in the lab withdraws its AAAA answer (to eu-west) and leaves the A answer; a
// blackhole to its IPv4 address does the reverse. Needs root and iproute2; skips with the reason
// otherwise. Namespaces carry their own prefix, so leftovers of a crashed run are removed on start.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PREFIX = 'gfodual-';
const LAB = `${PREFIX}lab`;
const SRV = `${PREFIX}srv`;
const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/geofailover.js');

const NET = {
  lab4: '198.18.10.1',
  lab6: '2001:db8:10::1',
  use4: '198.18.10.2',
  use6: '2001:db8:10::2',
  euw4: '198.18.10.3',
  euw6: '2001:db8:10::3',
};
const API_PORT = 8080;
const DNS_PORT = 5353;
const BACKEND_PORT = 8081;
const KEYS = { K1: 'netns-dual-key-one-0123456789', K2: 'netns-dual-key-two-0123456789' };

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}
const ipQuiet = (args: string[]) => spawnSync('ip', args, { stdio: 'ignore' });

/** Why namespaces cannot be built here, or undefined. */
function cannotBuild(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return 'iproute2 (`ip`) is not installed';
  if (spawnSync('dig', ['-v'], { stdio: 'ignore' }).status !== 0) return 'dig is not installed (dnsutils)';
  const probe = `${PREFIX}probe`;
  ipQuiet(['netns', 'del', probe]);
  const add = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (add.status !== 0) return `cannot create a network namespace: ${add.stderr.trim()}`;
  try {
    const veth = spawnSync(
      'ip',
      ['-n', probe, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'b0', 'netns', probe],
      { encoding: 'utf8' },
    );
    if (veth.status !== 0) return `cannot create a veth pair: ${veth.stderr.trim()}`;
    const v6 = spawnSync('ip', ['-n', probe, '-6', 'addr', 'add', '2001:db8:ff::1/64', 'dev', 'a0'], {
      encoding: 'utf8',
    });
    if (v6.status !== 0) return `cannot give an interface an IPv6 address: ${v6.stderr.trim()}`;
  } finally {
    ipQuiet(['netns', 'del', probe]);
  }
  return undefined;
}

/** Kill what runs in our namespaces and delete them (also what a crashed run left). */
function teardown(): void {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  const ours = list
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.startsWith(PREFIX));
  for (const n of ours) {
    const pids = (spawnSync('ip', ['netns', 'pids', n], { encoding: 'utf8' }).stdout ?? '')
      .split('\n')
      .map(Number)
      .filter((p) => Number.isInteger(p) && p > 0);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const n of ours) ipQuiet(['netns', 'del', n]);
}

/** lab eth0 <-> srv eth0, each with its IPv4 and IPv6 addresses (no duplicate address detection wait). */
function build(): void {
  ip(['netns', 'add', LAB]);
  ip(['netns', 'add', SRV]);
  for (const n of [LAB, SRV]) ip(['-n', n, 'link', 'set', 'lo', 'up']);
  ip(['-n', LAB, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', SRV]);
  const addr = (n: string, a: string, bits: number) =>
    ip(['-n', n, 'addr', 'add', `${a}/${bits}`, 'dev', 'eth0', ...(a.includes(':') ? ['nodad'] : [])]);
  addr(LAB, NET.lab4, 24);
  addr(LAB, NET.lab6, 64);
  for (const a of [NET.use4, NET.euw4]) addr(SRV, a, 24);
  for (const a of [NET.use6, NET.euw6]) addr(SRV, a, 64);
  for (const n of [LAB, SRV]) ip(['-n', n, 'link', 'set', 'eth0', 'up']);
}

function config(dir: string): string {
  const endpoint = (id: string, v4: string, v6: string) => `
      - id: ${id}
        addresses: { ipv4: ${v4}, ipv6: "${v6}" }
        check: { kind: http, url: "http://app.example.com:${BACKEND_PORT}/healthz" }`;
  return `
owner: netns-dual
regions:
  - id: us-east
    endpoints:${endpoint('use-a', NET.use4, NET.use6)}
  - id: eu-west
    endpoints:${endpoint('euw-a', NET.euw4, NET.euw6)}
probers:
  - { id: p1, keyEnv: K1 }
  - { id: p2, keyEnv: K2 }
controllers: ["http://127.0.0.1:${API_PORT}"]
health: { interval: 500ms, timeout: 400ms, fall: 2, rise: 2, minProbers: 2, staleAfter: 5s, failbackAfter: 2s }
providers:
  local: { kind: builtin, listen: "127.0.0.1:${DNS_PORT}" }
zones:
  - name: example.com
    provider: local
    records:
      - { name: app.example.com, type: A, ttl: 5, policy: { kind: failover, order: [us-east, eu-west] } }
      - { name: app.example.com, type: AAAA, ttl: 5, policy: { kind: failover, order: [us-east, eu-west] } }
controller:
  listen: "127.0.0.1:${API_PORT}"
  schedule: "0 0 1 1 *"
  stateDir: ${join(dir, 'state')}
verify: { timeout: 5s }
`;
}

const why = cannotBuild();
if (why) console.warn(`skipping the dual-stack namespace test: ${why}`);

describe.skipIf(why !== undefined)(
  'dual-stack endpoints with one family path cut (network namespaces)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-dual-netns-'));
    const logs = join(dir, 'logs');
    const children: ChildProcess[] = [];

    /** A process inside a namespace, its output appended to logs/<name>.log. */
    const start = (name: string, ns: string, argv: string[]) => {
      const child = spawn('ip', ['netns', 'exec', ns, ...argv], {
        cwd: ROOT,
        env: { ...process.env, ...KEYS, GEOFAILOVER_LOG_LEVEL: 'warn', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const log = join(logs, `${name}.log`);
      child.stdout!.on('data', (d) => appendFileSync(log, d));
      child.stderr!.on('data', (d) => appendFileSync(log, d));
      children.push(child);
      return child;
    };

    beforeAll(() => {
      teardown();
      build();
      mkdirSync(logs, { recursive: true });
      const file = join(dir, 'config.yaml');
      writeFileSync(file, config(dir));
      // One backend answering on every address of the srv namespace (both families).
      start('backend', SRV, [
        process.execPath,
        '-e',
        `require('node:http').createServer((q, s) => s.end('ok')).listen(${BACKEND_PORT}, '::')`,
      ]);
      start('controller', LAB, [process.execPath, BIN, 'controller', '--config', file]);
      for (const p of ['p1', 'p2'])
        start(`probe-${p}`, LAB, [process.execPath, BIN, 'probe', '--config', file, '--prober', p]);
    }, 60_000);

    afterAll(() => {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      teardown();
    });

    const ask = (type: 'A' | 'AAAA'): string[] =>
      (
        spawnSync(
          'ip',
          [
            'netns',
            'exec',
            LAB,
            'dig',
            '@127.0.0.1',
            '-p',
            String(DNS_PORT),
            'app.example.com',
            type,
            '+short',
            '+time=1',
            '+tries=1',
          ],
          { encoding: 'utf8' },
        ).stdout ?? ''
      )
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .sort();

    async function until(
      what: string,
      ok: (a: string[], aaaa: string[]) => boolean,
      always?: (a: string[], aaaa: string[]) => void,
      ms = 30_000,
    ): Promise<void> {
      const end = Date.now() + ms;
      for (;;) {
        const a = ask('A');
        const aaaa = ask('AAAA');
        if (ok(a, aaaa)) return;
        always?.(a, aaaa);
        if (Date.now() > end)
          throw new Error(`${what}: not within ${ms} ms; last A ${a}, AAAA ${aaaa}; logs in ${logs}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    const status = () =>
      spawnSync(
        'ip',
        [
          'netns',
          'exec',
          LAB,
          process.execPath,
          BIN,
          'status',
          '--controller',
          `http://127.0.0.1:${API_PORT}`,
        ],
        { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
      ).stdout;

    it('answers A and AAAA from us-east while both paths work', async () => {
      await until(
        'first answers',
        (a, aaaa) => a.join() === NET.use4 && aaaa.join() === NET.use6,
        undefined,
        60_000,
      );
    });

    it('an IPv6 blackhole to us-east moves AAAA to eu-west and leaves A', async () => {
      ip(['-n', LAB, '-6', 'route', 'add', 'blackhole', `${NET.use6}/128`]);
      await until(
        'AAAA failover',
        (_a, aaaa) => aaaa.join() === NET.euw6,
        (a) => expect(a).toEqual([NET.use4]),
      );
      expect(ask('A')).toEqual([NET.use4]);
      const text = status();
      expect(text).toMatch(/us-east\s+UP\s+IPv4 UP · IPv6 DOWN/);
      expect(text).toMatch(/use-a\s+us-east\s+DOWN on IPv6/);
    });

    it('the IPv6 path back: AAAA returns to us-east after the hold-down', async () => {
      ip(['-n', LAB, '-6', 'route', 'del', 'blackhole', `${NET.use6}/128`]);
      await until(
        'AAAA failback',
        (_a, aaaa) => aaaa.join() === NET.use6,
        (a) => expect(a).toEqual([NET.use4]),
      );
    });

    it('the reverse: an IPv4 blackhole moves A to eu-west and leaves AAAA', async () => {
      ip(['-n', LAB, 'route', 'add', 'blackhole', `${NET.use4}/32`]);
      await until(
        'A failover',
        (a) => a.join() === NET.euw4,
        (_a, aaaa) => expect(aaaa).toEqual([NET.use6]),
      );
      expect(ask('AAAA')).toEqual([NET.use6]);
      expect(status()).toMatch(/us-east\s+UP\s+IPv4 DOWN · IPv6 UP/);
    });
  },
);
