// Test helper: starts a command inside a fresh cgroup held to a CPU quota (bench/lib/cpu-quota.ts),
// the way a container or a unit with CPUQuota starts it: a shell moves itself into the group, then
// execs the command, so the command reads its limits from inside from its first instruction on.
// Then waits for the line that says it listens, or for its exit with what it printed.
import { type ChildProcess, spawn } from 'node:child_process';
import type { CpuQuota } from '../../bench/lib/cpu-quota.ts';

export interface Listening {
  child: ChildProcess;
  /** The first stderr line containing "listening on". */
  line: string;
  stderr: () => string;
}

/** A start that ended before the listening line: its exit code and what it wrote to stderr. */
export interface Exited {
  code: number | null;
  stderr: string;
}

let groups = 0;

/**
 * Runs `argv` (held to `cores` CPUs when `quota` is given, else as it is) with exactly `env`, and
 * resolves at its "listening on" line; rejects with an Exited when it exits first.
 */
export function startListening(
  argv: readonly string[],
  options: { quota?: CpuQuota | undefined; cores?: number; cwd: string; env: NodeJS.ProcessEnv },
): Promise<Listening> {
  const [cmd, args] =
    options.quota && options.cores !== undefined
      ? [
          '/bin/sh',
          [
            '-c',
            'echo $$ > "$0" && exec "$@"',
            options.quota.prepare(`t${groups++}`, options.cores),
            ...argv,
          ],
        ]
      : [argv[0]!, argv.slice(1)];
  const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "listening on" line after 60 s:\n${stderr}`));
    }, 60_000);
    child.stderr!.on('data', (d) => {
      stderr += d;
      const m = /^.*listening on .*$/m.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve({ child, line: m[0], stderr: () => stderr });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject({ code, stderr } satisfies Exited);
    });
  });
}

/** The Exited of a start expected to fail (throws if it started instead). */
export async function startFails(start: Promise<Listening>): Promise<Exited> {
  try {
    const s = await start;
    await stopChild(s.child);
  } catch (err) {
    if (err instanceof Error) throw err;
    return err as Exited;
  }
  throw new Error('it started');
}

/** SIGTERM, and resolves once it exited. */
export function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    c.once('exit', () => resolve());
    c.kill('SIGTERM');
  });
}
