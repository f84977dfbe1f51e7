// The client host's view: a shell loop inside the client namespace runs the real `dig` against the
// controller's DNS server every ~100 ms and prints each answer with the wall-clock time it arrived.
// Samples are parsed here; a timeout is recorded as such, never as an (empty) answer.
import { type ChildProcess, spawn } from 'node:child_process';
import { ns } from './netns.ts';

export interface Sample {
  /** Wall clock (ms) right after dig returned. */
  at: number;
  server: string;
  name: string;
  /** DNS status (NOERROR, NXDOMAIN, SERVFAIL…), or 'TIMEOUT' when no server answered. */
  status: string;
  /** Sorted A values ([] for an empty answer). */
  values: string[];
}

/** Parse one dig run (several queries, `+noall +answer +comments +question`) into per-query results. */
export function parseDig(out: string, names: readonly string[]): { status: string; values: string[] }[] {
  const results: { status: string; values: string[] }[] = [];
  let cur: { status: string; values: string[] } | undefined;
  for (const raw of out.split('\n')) {
    const line = raw.trim();
    if (line.startsWith(';; Got answer:')) {
      cur = { status: 'UNKNOWN', values: [] };
      results.push(cur);
      continue;
    }
    if (line.includes('no servers could be reached')) {
      results.push({ status: 'TIMEOUT', values: [] });
      cur = undefined;
      continue;
    }
    const st = /status: ([A-Z]+)/.exec(line);
    if (st && cur) {
      cur.status = st[1]!;
      continue;
    }
    if (line === '' || line.startsWith(';')) continue;
    const f = line.split(/\s+/);
    if (cur && f.length >= 5 && f[3] === 'A') cur.values.push(f[4]!);
  }
  while (results.length < names.length) results.push({ status: 'TIMEOUT', values: [] });
  for (const r of results) r.values.sort();
  return results.slice(0, names.length);
}

export class DigSampler {
  private proc: ChildProcess | undefined;
  private buf = '';
  readonly samples: Sample[] = [];

  constructor(
    readonly clientHost: string,
    readonly servers: readonly string[],
    readonly names: readonly string[],
    readonly everyMs = 100,
  ) {}

  start(): void {
    const digs = this.servers
      .map(
        (s) =>
          `echo "@@ ${s}"; dig @${s} +noall +answer +comments +question +time=1 +tries=1 ${this.names
            .map((n) => `${n} A`)
            .join(' ')} 2>&1; echo "@@T $EPOCHREALTIME"`,
      )
      .join('; ');
    const script = `while :; do ${digs}; sleep ${this.everyMs / 1000}; done`;
    this.proc = spawn('ip', ['netns', 'exec', ns(this.clientHost), 'bash', '-c', script], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    this.proc.stdout!.on('data', (d: Buffer) => this.feed(d.toString()));
  }

  private feed(s: string): void {
    this.buf += s;
    for (;;) {
      const end = this.buf.indexOf('\n@@T ');
      if (end < 0) return;
      const eol = this.buf.indexOf('\n', end + 1);
      if (eol < 0) return;
      const block = this.buf.slice(0, end);
      const at = Math.round(Number(this.buf.slice(end + 5, eol).trim()) * 1000);
      this.buf = this.buf.slice(eol + 1);
      const head = /^@@ (\S+)\n/.exec(block);
      if (!head) continue;
      const server = head[1]!;
      const parsed = parseDig(block.slice(head[0].length), this.names);
      parsed.forEach((r, i) => {
        this.samples.push({ at, server, name: this.names[i]!, status: r.status, values: r.values });
      });
    }
  }

  /** The newest sample for a name (from one server, or any). */
  latest(name: string, server?: string): Sample | undefined {
    for (let i = this.samples.length - 1; i >= 0; i--) {
      const s = this.samples[i]!;
      if (s.name === name && (server === undefined || s.server === server)) return s;
    }
    return undefined;
  }

  /** Samples of `name` (optionally one server) at or after `from` (and before `to`). */
  between(name: string, from: number, to = Number.POSITIVE_INFINITY, server?: string): Sample[] {
    return this.samples.filter(
      (s) => s.name === name && s.at >= from && s.at < to && (server === undefined || s.server === server),
    );
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }
}

const key = (s: Sample) => `${s.status}:${s.values.join(',')}`;

/** How many times the answer changed in a run of samples (timeouts are skipped, not answers). */
export function answerChanges(samples: readonly Sample[]): number {
  let n = 0;
  let prev: string | undefined;
  for (const s of samples) {
    if (s.status === 'TIMEOUT') continue;
    const k = key(s);
    if (prev !== undefined && k !== prev) n++;
    prev = k;
  }
  return n;
}

/** The distinct answers in order of appearance (timeouts skipped). */
export function answerSequence(samples: readonly Sample[]): string[] {
  const out: string[] = [];
  for (const s of samples) {
    if (s.status === 'TIMEOUT') continue;
    const k = s.status === 'NOERROR' ? s.values.join(',') || '(empty)' : s.status;
    if (out[out.length - 1] !== k) out.push(k);
  }
  return out;
}
