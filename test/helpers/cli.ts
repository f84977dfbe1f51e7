// Test helper: runs the real `geofailover` command (bin/geofailover.js) as a child process with the
// environment a test gives it, and collects its exit code and output once it closes.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(process.cwd(), 'bin/geofailover.js');

export interface CliRun {
  /** Exit code; -1 when it died by a signal. */
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
}

/** Runs `geofailover <args>` with exactly `env` as its environment (stdin closed). */
export function runGeofailover(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const run = { stdout: '', stderr: '', output: '' };
    child.stdout.on('data', (d) => {
      run.stdout += d;
      run.output += d;
    });
    child.stderr.on('data', (d) => {
      run.stderr += d;
      run.output += d;
    });
    child.on('close', (code) => resolve({ code: code ?? -1, ...run }));
  });
}
