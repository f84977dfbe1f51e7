// The event log's decisions shared through etcd, so every replica shows what the leader did.
// Events of SHARED_TYPES appended on this replica are put under `<prefix>events/<time>-<replica>-<seq>`
// (bounded: the oldest beyond `keep` are deleted); events other replicas put there are appended to the
// local log with `origin: <replica>` (a mirrored event is never shared again). Mirroring is live only:
// events put while a replica was down are in etcd (read them with etcdctl) but not copied on restart.
import type { Etcd3 } from 'etcd3';
import { Range } from 'etcd3';
import type { Logger } from '../log/index.ts';
import type { EventJournal, StoredEvent } from '../model/index.ts';
import { within } from './etcd-client.ts';

export const SHARED_TYPES: readonly string[] = [
  'apply',
  'apply-error',
  'plan-refused',
  'propagation-failed',
  'leader-elected',
  'leadership-lost',
];

export interface SharedEventsOptions {
  client: Etcd3;
  /** `<prefix>events/` */
  prefix: string;
  replica: string;
  events: EventJournal;
  opTimeoutMs: number;
  logger: Logger;
  /** Shared events kept in etcd. */
  keep?: number;
}

export class SharedEvents {
  private readonly keep: number;
  private puts = 0;
  private pending = 0;
  private readonly listener = (e: StoredEvent) => this.share(e);

  constructor(private readonly o: SharedEventsOptions) {
    this.keep = o.keep ?? 500;
  }

  start(): void {
    this.o.events.on('event', this.listener);
  }

  stop(): void {
    this.o.events.off('event', this.listener);
  }

  private share(e: StoredEvent): void {
    if (e.origin !== undefined || !SHARED_TYPES.includes(e.type)) return;
    // While etcd is unreachable, do not pile up calls: the local log keeps the event regardless.
    if (this.pending > 50) return;
    const key = `${this.o.prefix}${String(Date.parse(e.at)).padStart(15, '0')}-${this.o.replica}-${String(e.seq).padStart(12, '0')}`;
    this.pending++;
    void this.o.client
      .put(key)
      .value(JSON.stringify({ ...e, replica: this.o.replica }))
      .options(within(this.o.opTimeoutMs * 4))
      .exec()
      .then(() => {
        if (++this.puts % 50 === 0) return this.trim();
      })
      .catch((err: unknown) => this.o.logger.debug({ err, type: e.type }, 'event not shared through etcd'))
      .finally(() => {
        this.pending--;
      });
  }

  /** Delete all but the newest `keep` shared events (keys sort by time). */
  async trim(): Promise<void> {
    const { client, prefix, opTimeoutMs } = this.o;
    const keys = (await client.getAll().prefix(prefix).options(within(opTimeoutMs)).keys()).sort();
    if (keys.length <= this.keep) return;
    const firstKept = keys[keys.length - this.keep]!;
    await client.delete().range(new Range(prefix, firstKept)).options(within(opTimeoutMs)).exec();
  }

  /** A watch saw `value` put under the events prefix: mirror it unless it is our own. */
  mirror(value: string): void {
    let e: StoredEvent & { replica?: unknown };
    try {
      e = JSON.parse(value) as StoredEvent & { replica?: unknown };
    } catch {
      return;
    }
    if (typeof e.replica !== 'string' || e.replica === this.o.replica || typeof e.type !== 'string') return;
    const { seq, at, type, replica, ...rest } = e;
    this.o.events.append(type, { ...rest, origin: replica, originSeq: seq, originAt: at });
  }
}
