// Worker processes of the builtin DNS server, to use every core (Node before 22.12 has no SO_REUSEPORT for
// dgram): the server process binds the sockets, serves them itself as worker 0, and hands them to
// N-1 forked children (child.send(msg, handle)), so the kernel spreads queries over all of them.
// Each child holds its own engine; every zone change is sent to all of them at once, and each
// acknowledges the version it serves. A child that dies is restarted with the same sockets.
import { type ChildProcess, fork } from 'node:child_process';
import type { Socket as UdpSocket } from 'node:dgram';
import type { Server } from 'node:net';
import type { Logger } from '../../../src/log/index.ts';
import { GeofailoverError } from '../../../src/model/index.ts';
import { childModule } from '../../../src/runtime/child-module.ts';
import type { DnsStats } from './answer-engine.ts';
import type { GeoSettings } from './geo-open.ts';
import type { FromWorker, ToWorker, WorkerTsigKey, ZonesData } from './worker-protocol.ts';

const WORKER = childModule(import.meta.url, './worker');
const START_TIMEOUT_MS = 30_000;
const RESTART_DELAY_MS = 1000;

export interface PoolOptions {
  /** Child processes to start (the server process itself is one more worker). */
  children: number;
  geo: GeoSettings;
  udpPayloadSize: number;
  udp: readonly UdpSocket[];
  tcp: readonly Server[];
  zones: ZonesData;
  /** Sent to every child over its IPC channel (a pipe to this process only). */
  tsigKeys: WorkerTsigKey[];
  logger?: Logger | undefined;
}

/** A worker process failed to start (its reason is in the message). */
export class WorkerStartError extends GeofailoverError {
  constructor(message: string) {
    super(message, {
      remedy:
        "see the worker's error above; set the builtin provider's `workers: 1` to serve from this process only",
    });
  }
}

interface Child {
  process: ChildProcess;
  stats: DnsStats | undefined;
  version: number;
  /** Waiters for a fresh stats reply. */
  statsWaiters: ((s: DnsStats | undefined) => void)[];
}

export class WorkerPool {
  private readonly children: Child[] = [];
  private zones: ZonesData;
  private closing = false;
  private lastError = '';
  private readonly versionWaiters: { version: number; resolve: () => void }[] = [];

  private constructor(private readonly options: PoolOptions) {
    this.zones = options.zones;
  }

  static async start(options: PoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    try {
      await Promise.all(Array.from({ length: options.children }, (_, i) => pool.spawn(i)));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.children.length;
  }

  /** Send new zone data to every worker (they swap it in as one step each). */
  setZones(zones: ZonesData): void {
    this.zones = zones;
    for (const c of this.children) this.post(c, { t: 'zones', zones });
  }

  /** Resolves when every worker serves `version` or newer (bounded by `timeoutMs`). */
  synced(version = this.zones.version, timeoutMs = 5000): Promise<boolean> {
    if (this.children.every((c) => c.version >= version)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.versionWaiters.push({
        version,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      });
    });
  }

  /** Process ids of the children (for operators and tests). */
  pids(): number[] {
    return this.children.flatMap((c) => (c.process.pid === undefined ? [] : [c.process.pid]));
  }

  /** The last counters each child reported (pushed while they change). */
  stats(): DnsStats[] {
    return this.children.flatMap((c) => (c.stats ? [c.stats] : []));
  }

  /** Ask every child for its counters now. */
  async freshStats(): Promise<DnsStats[]> {
    const all = await Promise.all(
      this.children.map(
        (c) =>
          new Promise<DnsStats | undefined>((resolve) => {
            const timer = setTimeout(() => resolve(c.stats), 2000);
            c.statsWaiters.push((s) => {
              clearTimeout(timer);
              resolve(s);
            });
            this.post(c, { t: 'stats' });
          }),
      ),
    );
    return all.filter((s): s is DnsStats => s !== undefined);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            const p = c.process;
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            const timer = setTimeout(() => p.kill('SIGKILL'), 3000);
            p.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            if (!this.post(c, { t: 'close' })) p.kill('SIGTERM');
          }),
      ),
    );
  }

  private post(c: Child, m: ToWorker, handle?: UdpSocket | Server): boolean {
    if (!c.process.connected) return false;
    try {
      // biome-ignore lint/suspicious/noExplicitAny: send() accepts dgram and net handles alike
      c.process.send(m, handle as any);
      return true;
    } catch {
      return false; // the child is exiting; its 'exit' handler restarts it
    }
  }

  private spawn(slot: number): Promise<void> {
    const { logger } = this.options;
    const proc = fork(WORKER.modulePath, WORKER.args, {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env },
    });
    const child: Child = { process: proc, stats: undefined, version: -1, statsWaiters: [] };
    this.children[slot] = child;
    return new Promise<void>((resolve, reject) => {
      let started = false;
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new WorkerStartError(`DNS worker ${slot + 1} did not start within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      proc.on('message', (raw) => {
        const m = raw as FromWorker;
        switch (m.t) {
          case 'engine':
            for (const s of this.options.udp) this.post(child, { t: 'udp' }, s);
            for (const s of this.options.tcp) this.post(child, { t: 'tcp' }, s);
            return;
          case 'ready':
            started = true;
            clearTimeout(timer);
            resolve();
            return;
          case 'zones':
            child.version = m.version;
            this.wake();
            return;
          case 'stats':
            child.stats = m.stats;
            for (const w of child.statsWaiters.splice(0)) w(m.stats);
            return;
          case 'error':
            if (m.message !== this.lastError)
              logger?.error(
                { err: m.message, worker: slot + 1 },
                'dns query failed internally; answered SERVFAIL',
              );
            this.lastError = m.message;
            return;
          case 'failed':
            clearTimeout(timer);
            reject(new WorkerStartError(`DNS worker ${slot + 1} failed to start: ${m.message}`));
            return;
        }
      });
      proc.on('error', (err) => {
        clearTimeout(timer);
        reject(new WorkerStartError(`DNS worker ${slot + 1} could not be started: ${err.message}`));
      });
      proc.on('exit', (code, signal) => {
        for (const w of child.statsWaiters.splice(0)) w(child.stats);
        if (!started) {
          clearTimeout(timer);
          reject(new WorkerStartError(`DNS worker ${slot + 1} exited during start (${signal ?? code})`));
          return;
        }
        if (this.closing) return;
        // The other workers keep serving meanwhile; this one comes back with the same sockets.
        logger?.error({ worker: slot + 1, code, signal }, 'dns worker exited; restarting it');
        setTimeout(() => {
          if (!this.closing)
            this.spawn(slot).catch((err: unknown) =>
              logger?.error({ err: (err as Error).message, worker: slot + 1 }, 'dns worker restart failed'),
            );
        }, RESTART_DELAY_MS).unref();
      });
      const { geo, udpPayloadSize, udp, tcp, tsigKeys } = this.options;
      this.post(child, {
        t: 'init',
        geo,
        udpPayloadSize,
        udp: udp.length,
        tcp: tcp.length,
        zones: this.zones,
        tsigKeys,
      });
      // The sockets follow when the child says its engine is built (see 'engine' above).
    });
  }

  private wake(): void {
    const low = Math.min(...this.children.map((c) => c.version));
    for (let i = this.versionWaiters.length - 1; i >= 0; i--) {
      const w = this.versionWaiters[i]!;
      if (w.version <= low) {
        this.versionWaiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}

/** Add counters field by field. */
export function sumStats(list: readonly DnsStats[]): DnsStats {
  const total: Record<string, number> = {};
  for (const s of list) for (const [k, v] of Object.entries(s)) total[k] = (total[k] ?? 0) + v;
  return total as unknown as DnsStats;
}
