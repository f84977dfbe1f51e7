// Child processes of the demo (the probe agents): `geofailover <args>` run through child-entry.ts (which
// ends the child if the demo dies), output sent to a log file, and stopped together — SIGTERM, then
// SIGKILL after a grace period — so a stopped demo leaves no process behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { childModule } from '../runtime/child-module.ts';

/** Runs `geofailover <args>` and exits when its parent is gone (see child-entry.ts). */
const CHILD_ENTRY = childModule(import.meta.url, './child-entry');

export interface ChildSpec {
  name: string;
  /** Arguments after `geofailover`. */
  args: string[];
  /** Added to the parent's environment. */
  env?: Record<string, string>;
  /** stdout and stderr are appended here; without it they are dropped. */
  logFile?: string;
}

export interface ChildExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ChildGroup {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;

  /** Called when a child exits on its own (not during stopAll). */
  constructor(private readonly onUnexpectedExit?: (e: ChildExit) => void) {}

  spawn(spec: ChildSpec): ChildProcess {
    const fd = spec.logFile ? openSync(spec.logFile, 'a') : 'ignore';
    const child = spawn(process.execPath, [CHILD_ENTRY.modulePath, ...CHILD_ENTRY.args, ...spec.args], {
      env: { ...process.env, ...spec.env, GEOFAILOVER_DEMO_PID: String(process.pid) },
      stdio: ['ignore', fd, fd],
    });
    if (typeof fd === 'number') closeSync(fd);
    this.children.set(spec.name, child);
    child.on('exit', (code, signal) => {
      this.children.delete(spec.name);
      if (!this.stopping) this.onUnexpectedExit?.({ name: spec.name, code, signal });
    });
    return child;
  }

  get pids(): number[] {
    return [...this.children.values()].flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
  }

  /** SIGTERM every child, SIGKILL those still running after `graceMs`; resolves when all have exited. */
  async stopAll(graceMs = 5000): Promise<void> {
    this.stopping = true;
    const live = [...this.children.values()].filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(
      live.map(
        (c) =>
          new Promise<void>((resolve) => {
            const kill = setTimeout(() => c.kill('SIGKILL'), graceMs);
            c.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
  }
}
