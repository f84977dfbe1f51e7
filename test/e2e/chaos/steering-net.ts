// The latency scenario's network and processes, kept apart from the main chaos suite's: its own
// namespace prefix (so neither suite's teardown touches the other's hosts), a bridge in its own core
// namespace, per-path round-trip delays from each prober host to each region host (tc netem where the
// kernel has sch_netem, else the delay proxy steering-proxy.mjs behind an nftables redirect), and a
// client that digs the controller's DNS server with one EDNS client subnet per client geography.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PREFIX = 'gfosteer-';
const CORE = `${PREFIX}core`;
export const ROOT = resolve(import.meta.dirname, '../../..');
export const BIN = resolve(ROOT, 'bin/geofailover.js');

export interface Host {
  name: string;
  address: string;
}

export const nsOf = (host: string) => `${PREFIX}${host}`;
const ip = (args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
const quiet = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' });

export function teardown(): void {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  const names = (r.stdout ?? '')
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.startsWith(PREFIX));
  for (const n of names) {
    const pids = spawnSync('ip', ['netns', 'pids', n], { encoding: 'utf8' }).stdout ?? '';
    for (const pid of pids
      .split('\n')
      .map(Number)
      .filter((p) => p > 0))
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
  }
  for (const n of names) quiet('ip', ['netns', 'del', n]);
}

export function build(hosts: readonly Host[]): void {
  ip(['netns', 'add', CORE]);
  ip(['-n', CORE, 'link', 'add', 'br0', 'type', 'bridge']);
  ip(['-n', CORE, 'link', 'set', 'br0', 'up']);
  for (const h of hosts) {
    const n = nsOf(h.name);
    ip(['netns', 'add', n]);
    ip(['-n', n, 'link', 'set', 'lo', 'up']);
    ip(['-n', CORE, 'link', 'add', `v-${h.name}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', n]);
    ip(['-n', CORE, 'link', 'set', `v-${h.name}`, 'master', 'br0', 'up']);
    ip(['-n', n, 'addr', 'add', `${h.address}/24`, 'dev', 'eth0']);
    ip(['-n', n, 'link', 'set', 'eth0', 'up']);
  }
}

/** Is sch_netem there? Containers and some kernels lack it; the delay proxy stands in then. */
export function hasNetem(host: string): boolean {
  const ok =
    quiet('tc', ['-n', nsOf(host), 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms']).status ===
    0;
  if (ok) quiet('tc', ['-n', nsOf(host), 'qdisc', 'del', 'dev', 'lo', 'root']);
  return ok;
}

export interface PathDelay {
  rttMs: number;
  jitterMs: number;
}

/**
 * Added round-trip times from one prober host to each region host. With netem: a prio qdisc on the
 * prober's eth0 with one band per region (u32 filter on the destination) and a netem delay in it
 * (egress only, so the whole added time sits on the way out). Without: the delay proxy.
 */
export class Delays {
  private proxy?: NsProcess;
  private readonly control: string;
  private current = new Map<string, PathDelay>();

  constructor(
    readonly prober: Host,
    readonly regions: readonly Host[],
    readonly mechanism: 'netem' | 'proxy',
    dir: string,
    private readonly logDir: string,
  ) {
    this.control = join(dir, `delays-${prober.name}.json`);
  }

  private port(i: number): number {
    return 7100 + i;
  }

  async start(initial: Record<string, PathDelay>): Promise<void> {
    const n = nsOf(this.prober.name);
    if (this.mechanism === 'netem') {
      execFileSync('tc', [
        '-n',
        n,
        'qdisc',
        'add',
        'dev',
        'eth0',
        'root',
        'handle',
        '1:',
        'prio',
        'bands',
        String(this.regions.length + 3),
      ]);
      this.regions.forEach((r, i) => {
        const band = `1:${i + 4}`;
        execFileSync('tc', [
          '-n',
          n,
          'qdisc',
          'add',
          'dev',
          'eth0',
          'parent',
          band,
          'handle',
          `${i + 10}:`,
          'netem',
          'delay',
          '0ms',
        ]);
        execFileSync('tc', [
          '-n',
          n,
          'filter',
          'add',
          'dev',
          'eth0',
          'parent',
          '1:',
          'protocol',
          'ip',
          'prio',
          '1',
          'u32',
          'match',
          'ip',
          'dst',
          `${r.address}/32`,
          'flowid',
          band,
        ]);
      });
      this.set(initial);
      return;
    }
    // The proxy's own upstream connections leave from a second address the redirect does not catch.
    const last = Number(this.prober.address.split('.').pop());
    const src = `${this.prober.address.split('.').slice(0, 3).join('.')}.${last + 100}`;
    ip(['-n', n, 'addr', 'add', `${src}/24`, 'dev', 'eth0']);
    const rules = this.regions.map(
      (r, i) => `    ip daddr ${r.address} tcp dport 80 ip saddr != ${src} redirect to :${this.port(i)}`,
    );
    execFileSync('ip', ['netns', 'exec', n, 'nft', '-f', '-'], {
      input: [
        'table ip gfosteer_delay {',
        '  chain out {',
        '    type nat hook output priority -100;',
        ...rules,
        '  }',
        '}',
        '',
      ].join('\n'),
    });
    this.set(initial);
    this.proxy = new NsProcess(
      `proxy-${this.prober.name}`,
      this.prober.name,
      [
        process.execPath,
        resolve(import.meta.dirname, 'steering-proxy.mjs'),
        this.control,
        src,
        ...this.regions.map((r, i) => `${this.port(i)}=${r.address}:80`),
      ],
      {},
      join(this.logDir, `proxy-${this.prober.name}.log`),
    );
    await this.proxy.waitFor(new RegExp(`${this.port(this.regions.length - 1)} -> .* ready`), 20_000);
  }

  /** Set some paths' delays (by region host name); the others keep theirs. */
  set(delays: Record<string, PathDelay>): void {
    for (const [k, v] of Object.entries(delays)) this.current.set(k, v);
    if (this.mechanism === 'netem') {
      const n = nsOf(this.prober.name);
      this.regions.forEach((r, i) => {
        const d = this.current.get(r.name) ?? { rttMs: 0, jitterMs: 0 };
        const args = [
          '-n',
          n,
          'qdisc',
          'change',
          'dev',
          'eth0',
          'parent',
          `1:${i + 4}`,
          'handle',
          `${i + 10}:`,
          'netem',
          'delay',
          `${d.rttMs}ms`,
        ];
        if (d.jitterMs > 0) args.push(`${d.jitterMs}ms`);
        execFileSync('tc', args);
      });
      return;
    }
    const doc = Object.fromEntries(
      this.regions.map((r, i) => [
        String(this.port(i)),
        this.current.get(r.name) ?? { rttMs: 0, jitterMs: 0 },
      ]),
    );
    writeFileSync(`${this.control}.tmp`, JSON.stringify(doc));
    execFileSync('mv', [`${this.control}.tmp`, this.control]);
  }

  async stop(): Promise<void> {
    await this.proxy?.stop();
  }
}

/** A process inside a host's namespace (`ip netns exec` execs, so the pid is the process itself). */
export class NsProcess {
  readonly child: ChildProcess;
  private out = '';
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    host: string,
    argv: string[],
    env: Record<string, string>,
    logFile: string,
  ) {
    this.child = spawn('ip', ['netns', 'exec', nsOf(host), ...argv], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (d: Buffer) => {
      appendFileSync(logFile, d);
      this.out = (this.out + d.toString()).slice(-64 * 1024);
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise((r) => this.child.once('exit', () => r()));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitFor(re: RegExp, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!re.test(this.out)) {
      if (!this.running) throw new Error(`${this.name} exited:\n${this.out.slice(-3000)}`);
      if (Date.now() > end)
        throw new Error(`${this.name}: no ${re} in ${timeoutMs} ms:\n${this.out.slice(-3000)}`);
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(t);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface GeoSample {
  at: number;
  geography: string;
  /** The A values, sorted and joined; '' for none, 'TIMEOUT' when dig got no answer. */
  answer: string;
}

/**
 * A dig loop on the client host: every ~150 ms one query per client geography, each with its EDNS
 * client subnet (the controller's geoip table maps the subnets to countries and continents).
 */
export class GeoSampler {
  private proc?: ChildProcess;
  private buf = '';
  readonly samples: GeoSample[] = [];

  constructor(
    readonly client: string,
    readonly server: string,
    readonly name: string,
    readonly subnets: Readonly<Record<string, string>>,
  ) {}

  start(): void {
    const digs = Object.entries(this.subnets)
      .map(
        ([geo, subnet]) =>
          `a=$(dig @${this.server} +short +time=1 +tries=1 ${subnet ? `+subnet=${subnet}` : ''} ${this.name} A 2>/dev/null | grep -v '^;' | sort | paste -sd, -); echo "$EPOCHREALTIME ${geo} \${a:-TIMEOUT}"`,
      )
      .join('; ');
    this.proc = spawn(
      'ip',
      ['netns', 'exec', nsOf(this.client), 'bash', '-c', `while :; do ${digs}; sleep 0.15; done`],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    this.proc.stdout!.on('data', (d: Buffer) => {
      this.buf += d.toString();
      let nl = this.buf.indexOf('\n');
      while (nl >= 0) {
        const [t, geography, answer] = this.buf.slice(0, nl).trim().split(' ');
        this.buf = this.buf.slice(nl + 1);
        if (t && geography && answer !== undefined)
          this.samples.push({ at: Math.round(Number(t) * 1000), geography, answer });
        nl = this.buf.indexOf('\n');
      }
    });
  }

  latest(geography: string): GeoSample | undefined {
    for (let i = this.samples.length - 1; i >= 0; i--)
      if (this.samples[i]!.geography === geography) return this.samples[i];
    return undefined;
  }

  /** The answers of a geography since `from`, timeouts left out, each run of equal answers once. */
  sequence(geography: string, from: number, to = Number.POSITIVE_INFINITY): string[] {
    const out: string[] = [];
    for (const s of this.samples)
      if (
        s.geography === geography &&
        s.at >= from &&
        s.at < to &&
        s.answer !== 'TIMEOUT' &&
        out.at(-1) !== s.answer
      )
        out.push(s.answer);
    return out;
  }

  /** The first sample of a geography at or after `from` whose answer is `answer`. */
  firstAt(geography: string, from: number, answer: string): GeoSample | undefined {
    return this.samples.find((s) => s.geography === geography && s.at >= from && s.answer === answer);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }
}
