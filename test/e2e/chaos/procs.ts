// Processes of the chaos suite, each started inside its host's namespace with `ip netns exec` (which
// execs, so the pid we hold is the process itself: SIGSTOP/SIGKILL hit it directly). Output goes to a
// log file per process and the last lines are kept in memory for waiting and for failure messages.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ns } from './netns.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const BIN = resolve(ROOT, 'bin/geofailover.js');

export class NsProcess {
  readonly child: ChildProcess;
  private out = '';
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    readonly host: string,
    argv: string[],
    env: Record<string, string>,
    readonly logFile: string,
    /** The full namespace name, for a suite whose namespaces carry another prefix. */
    namespace = ns(host),
  ) {
    this.child = spawn('ip', ['netns', 'exec', namespace, ...argv], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (d: Buffer) => {
      const s = d.toString();
      appendFileSync(logFile, s);
      this.out = (this.out + s).slice(-64 * 1024);
      for (const w of this.waiters) w();
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise((r) =>
      this.child.once('exit', (code, signal) => {
        for (const w of this.waiters) w();
        r({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.out;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) process.kill(this.pid, sig);
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    const t = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(t);
  }

  async kill(): Promise<void> {
    if (!this.running) return;
    this.signal('SIGKILL');
    await this.exited;
  }

  waitForOutput(re: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
    return new Promise((resolveMatch, reject) => {
      const check = () => {
        const m = re.exec(this.out);
        if (m) {
          cleanup();
          resolveMatch(m);
        } else if (!this.running) {
          cleanup();
          reject(new Error(`${this.name} exited before printing ${re}; output:\n${this.out.slice(-4000)}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name}: timed out waiting for ${re}; output:\n${this.out.slice(-4000)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}

/** `geofailover <args>` inside a host's namespace. */
export function startGeofailover(
  name: string,
  host: string,
  args: string[],
  env: Record<string, string>,
  logDir: string,
): NsProcess {
  return new NsProcess(
    name,
    host,
    [process.execPath, BIN, ...args],
    { GEOFAILOVER_LOG_LEVEL: 'info', NO_COLOR: '1', ...env },
    join(logDir, `${name}.log`),
  );
}

/**
 * One HTTP request from inside a namespace (plain node, no TypeScript loader: starts in ~50 ms).
 * Resolves with status and body; rejects when the request itself fails.
 */
export function nsHttp(
  host: string,
  method: string,
  url: string,
  opts: {
    token?: string;
    body?: unknown;
    raw?: { body: string; contentType: string };
    headers?: Record<string, string>;
    timeoutMs?: number;
  } = {},
): Promise<{ status: number; body: string }> {
  const script = `
const [url, method, token, body, timeout, contentType, extra] = process.argv.slice(1);
const headers = { accept: 'application/json', ...JSON.parse(extra) };
if (token) headers.authorization = 'Bearer ' + token;
if (body) headers['content-type'] = contentType;
fetch(url, { method, headers, body: body || undefined, signal: AbortSignal.timeout(Number(timeout)) })
  .then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })))
  .catch((e) => { process.stderr.write(String(e && e.message)); process.exit(1); });`;
  const timeoutMs = opts.timeoutMs ?? 5000;
  return new Promise((done, fail) => {
    execFile(
      'ip',
      [
        'netns',
        'exec',
        ns(host),
        process.execPath,
        '-e',
        script,
        url,
        method,
        opts.token ?? '',
        opts.raw ? opts.raw.body : opts.body === undefined ? '' : JSON.stringify(opts.body),
        String(timeoutMs),
        opts.raw ? opts.raw.contentType : 'application/json',
        JSON.stringify(opts.headers ?? {}),
      ],
      { timeout: timeoutMs + 5000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) return fail(new Error(`${method} ${url} from ${host} failed: ${stderr || err.message}`));
        done(JSON.parse(stdout) as { status: number; body: string });
      },
    );
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until `ok` accepts its value; throws with the last value after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(v)}`);
    await sleep(everyMs);
  }
}
