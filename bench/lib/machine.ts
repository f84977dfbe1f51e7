// What machine a figure was measured on: cores, CPU model, memory, Node version, kernel, load, date.
// Printed beside every result, because a number without its machine cannot be compared.
import { cpus, loadavg, release, totalmem } from 'node:os';

export interface MachineInfo {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  /** 1-minute load average when measured (the machine may be shared). */
  load1: number;
  date: string;
}

export function machineInfo(now = new Date()): MachineInfo {
  const list = cpus();
  return {
    cores: list.length,
    cpu: (list[0]?.model ?? 'unknown').replace(/\s+/g, ' ').trim(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: release(),
    load1: Math.round(loadavg()[0]! * 100) / 100,
    date: now.toISOString(),
  };
}

export function machineLine(m: MachineInfo): string {
  return `${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, Linux ${m.kernel}, load ${m.load1}, ${m.date}`;
}
