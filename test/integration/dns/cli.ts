// Runs `geofailover dns-server` as a child process for the DNS integration tests and reads the
// address it prints.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const BIN = join(process.cwd(), 'bin/geofailover.js');

export function runCli(args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.on('exit', (code) => resolve({ code, stderr, stdout }));
  });
}

export function startServerProcess(configFile: string): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'dns-server', '--config', configFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, GEOFAILOVER_LOG_LEVEL: 'info' },
    });
    let err = '';
    const timer = setTimeout(() => reject(new Error(`dns-server did not start:\n${err}`)), 30_000);
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({
          child,
          port: Number(m[1]),
          stderr: () => err,
          stop: (signal = 'SIGTERM') =>
            new Promise((res) => {
              if (child.exitCode !== null) return res(child.exitCode);
              child.once('exit', (code) => res(code));
              child.kill(signal);
            }),
        });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dns-server exited with ${code}:\n${err}`));
    });
  });
}
