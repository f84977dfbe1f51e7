// Operator records shared through etcd under one key prefix, one key per record (overrides/<region>,
// maintenance/<id>): the same contract as drains (shared-drains.ts). etcd is the source of truth;
// every replica re-reads the set when a watch sees a change (and periodically) and hands the live
// records to its runtime, which makes its engine match. A record is written to etcd BEFORE it takes
// effect locally, so an operator's change is on every replica or refused.
import type { Etcd3 } from 'etcd3';
import type { Logger } from '../log/index.ts';
import { CoordinationError } from './errors.ts';
import { within } from './etcd-client.ts';

export interface SharedRecordsOptions<T> {
  client: Etcd3;
  /** `<prefix>overrides/` */
  prefix: string;
  /** What a record is, for messages ("override", "maintenance window"). */
  what: string;
  opTimeoutMs: number;
  endpoints: readonly string[];
  logger: Logger;
  /** A value read from etcd, or undefined when it is not one (ignored, never fatal). */
  parse(key: string, text: string): T | undefined;
  /** A record whose time has passed: its key is removed (each engine lifts it on its own). */
  expired(record: T, now: number): boolean;
  /** The live records etcd holds, after every read. */
  onRecords(records: T[]): void;
}

export class SharedRecords<T> {
  /** Bumped around every publish: a sync that overlapped one is stale and runs again. */
  private epoch = 0;
  private publishing = 0;
  private syncing?: Promise<void>;
  private resync = false;

  constructor(private readonly o: SharedRecordsOptions<T>) {}

  get prefix(): string {
    return this.o.prefix;
  }

  /** Read the records in etcd and hand them over (single flight; re-runs if asked meanwhile). */
  sync(): Promise<void> {
    if (this.syncing) {
      this.resync = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.resync = false;
        await this.syncOnce();
      } while (this.resync);
    })().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const { client, prefix, opTimeoutMs } = this.o;
    const epoch = this.epoch;
    let raw: Record<string, string>;
    try {
      raw = await client.getAll().prefix(prefix).options(within(opTimeoutMs)).strings();
    } catch (err) {
      this.o.logger.debug({ err }, `cannot read shared ${this.o.what}s from etcd; keeping local ones`);
      return;
    }
    if (epoch !== this.epoch || this.publishing > 0) {
      this.resync = true;
      return;
    }
    const now = Date.now();
    const live: T[] = [];
    for (const [key, value] of Object.entries(raw)) {
      const r = this.o.parse(key.slice(prefix.length), value);
      if (r === undefined) continue;
      if (!this.o.expired(r, now)) {
        live.push(r);
        continue;
      }
      void client
        .if(key, 'Value', '==', value)
        .then(client.delete().key(key))
        .options(within(opTimeoutMs))
        .commit()
        .catch(() => undefined);
    }
    this.o.onRecords(live);
  }

  put(key: string, record: T, label: string): Promise<void> {
    return this.write(label, 'put', () =>
      this.o.client
        .put(this.o.prefix + key)
        .value(JSON.stringify(record))
        .options(within(this.o.opTimeoutMs * 2))
        .exec(),
    );
  }

  remove(key: string, label: string): Promise<void> {
    return this.write(label, 'removal', () =>
      this.o.client
        .delete()
        .key(this.o.prefix + key)
        .options(within(this.o.opTimeoutMs * 2))
        .exec(),
    );
  }

  private async write(label: string, op: string, fn: () => Promise<unknown>): Promise<void> {
    this.epoch++;
    this.publishing++;
    try {
      // One retry, as the election's calls have: with several etcd members the one that just failed
      // (a black hole, a closed port) is skipped for a moment, so the retry reaches another. A put or
      // a removal of the same value is safe to send twice.
      await fn().catch(() => fn());
    } catch (err) {
      throw new CoordinationError(
        `cannot share ${op === 'put' ? 'the' : 'the removal of the'} ${this.o.what} ${label} through etcd (${this.o.endpoints.join(', ')}): ${(err as Error).message}`,
        {
          remedy: `nothing changed on any replica; check that etcd is reachable from this controller, then retry`,
          cause: err,
        },
      );
    } finally {
      this.publishing--;
      this.epoch++;
    }
  }
}
