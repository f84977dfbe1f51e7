// Running things inside one of the install's namespaces: a one-shot command (the CLI, dig, a helper
// script) with its exit code and output, and the wrapper that gives a process the install's hosts
// file. `ip netns exec` already runs each command in a mount namespace of its own that receives but
// never sends mounts, so binding a file over /etc/hosts there changes nothing outside that command.
import { spawn } from 'node:child_process';
import { ROOT } from '../procs.ts';

/** `argv` run with `hostsFile` bound over /etc/hosts (the pid stays the command's: sh execs it). */
export function withHosts(hostsFile: string, argv: readonly string[]): string[] {
  return ['sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', hostsFile, ...argv];
}

export interface Ran {
  code: number | null;
  out: string;
}

export function runIn(
  namespace: string,
  argv: readonly string[],
  opts: { env?: Record<string, string>; timeoutMs?: number; input?: string } = {},
): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn('ip', ['netns', 'exec', namespace, ...argv], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let out = '';
    const collect = (d: Buffer) => {
      out += d.toString();
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.stdin?.end(opts.input);
    const timer = setTimeout(() => {
      out += `\n(killed after ${opts.timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, out });
    });
  });
}
