// The dnsperf harness of bench/dns.ts: one run against a server, with the server's CPU (summed over
// its process tree) and dnsperf's own, and the median of several runs figure by figure.

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from './dns-servers.ts';

export interface Run {
  qps: number;
  sent: number;
  completed: number;
  lost: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  /** Server CPU over the run, in % of one core. */
  serverCpuPct: number;
  /** Answers per second of server CPU: the efficiency figure when dnsperf, not the server, is the limit. */
  qpsPerCpuCore: number;
  /** dnsperf's own CPU over the run, in % of one core (it shares the machine with the server). */
  generatorCpuPct: number;
}

export const HZ = 100; // USER_HZ on Linux

export function cpuTicks(pid: number): number {
  // /proc/<pid>/stat fields 14 and 15: utime and stime in clock ticks (after the ")" of the name),
  // summed over the process and its descendants (our DNS workers are child processes).
  let ticks = 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks = Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // exited
  }
  for (const child of childrenOf(pid)) ticks += cpuTicks(child);
  return ticks;
}

export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/**
 * dnsperf's output and its CPU time: it runs under a shell that, once dnsperf has been waited for,
 * prints its own /proc stat, whose cutime and cstime (fields 16 and 17) are dnsperf's CPU.
 */
export function dnsperf(
  port: number,
  file: string,
  extra: string[],
): Promise<{ out: string; cpuSeconds: number }> {
  const args = [
    '-s',
    '127.0.0.1',
    '-p',
    String(port),
    '-B',
    '-d',
    file,
    '-c',
    '4',
    '-q',
    '200',
    '-t',
    '2',
    ...extra,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(
      'sh',
      ['-c', 'dnsperf "$@"; rc=$?; echo; echo "@@stat $(cat /proc/$$/stat)"; exit $rc', 'sh', ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`dnsperf exited ${code}:\n${out}`));
      const stat = /@@stat (.*)/.exec(out)?.[1] ?? '';
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      resolve({ out, cpuSeconds: (Number(fields[13]) + Number(fields[14])) / HZ });
    });
  });
}

export async function measure(server: Server, file: string, extra: string[], seconds: number): Promise<Run> {
  const t0 = cpuTicks(server.pid);
  const w0 = performance.now();
  const { out, cpuSeconds } = await dnsperf(server.port, file, ['-l', String(seconds), ...extra]);
  const wall = (performance.now() - w0) / 1000;
  const cpu = (cpuTicks(server.pid) - t0) / HZ;
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
  return {
    qps: Math.round(num(/Queries per second:\s+([\d.]+)/)),
    sent: num(/Queries sent:\s+(\d+)/),
    completed: num(/Queries completed:\s+(\d+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    avgLatencyMs: Number((num(/Average Latency \(s\):\s+([\d.]+)/) * 1000).toFixed(3)),
    maxLatencyMs: Number((num(/Average Latency \(s\):.*max ([\d.]+)\)/) * 1000).toFixed(3)),
    serverCpuPct: Math.round((cpu / wall) * 100),
    qpsPerCpuCore: cpu > 0 ? Math.round(num(/Queries completed:\s+(\d+)/) / cpu) : 0,
    generatorCpuPct: Math.round((cpuSeconds / wall) * 100),
  };
}

/** Each figure's median over the rounds (figure by figure: one noisy round moves none of them). */
export function medianRun(runs: Run[]): Run {
  const med = (k: keyof Run) => {
    const xs = runs.map((r) => r[k]).sort((a, b) => a - b);
    const mid = xs.length >> 1;
    return xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  };
  const keys = Object.keys(runs[0]!) as (keyof Run)[];
  return Object.fromEntries(keys.map((k) => [k, med(k)])) as unknown as Run;
}
