// Drains shared through etcd: `<prefix>drains/<region>` holds the drain as JSON. etcd is the source
// of truth; every replica re-reads the set when a watch sees a change (and periodically, in case a
// watch missed one) and makes its health engine match. A drain is written to etcd BEFORE it takes
// effect locally, so an operator's drain is either on every replica or refused.
import type { Etcd3 } from 'etcd3';
import type { Logger } from '../log/index.ts';
import type { DrainRecord } from '../model/index.ts';
import { drainActions, liveDrain, parseDrain } from './drain-diff.ts';
import { CoordinationError } from './errors.ts';
import { within } from './etcd-client.ts';

export interface SharedDrainsOptions {
  client: Etcd3;
  /** `<prefix>drains/` */
  prefix: string;
  opTimeoutMs: number;
  endpoints: readonly string[];
  logger: Logger;
  localDrains(): DrainRecord[];
  applyDrain(region: string, drain: DrainRecord | undefined): void;
}

export class SharedDrains {
  /** Bumped around every publish: a sync that overlapped one is stale and runs again. */
  private epoch = 0;
  private publishing = 0;
  private syncing?: Promise<void>;
  private resync = false;
  /** True once a sync has read etcd since start. */
  synced = false;

  constructor(private readonly o: SharedDrainsOptions) {}

  /** Read the drains in etcd and make the local engine match (single flight; re-runs if asked meanwhile). */
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
      this.o.logger.debug({ err }, 'cannot read shared drains from etcd; keeping local drains');
      return;
    }
    if (epoch !== this.epoch || this.publishing > 0) {
      this.resync = true;
      return;
    }
    const now = Date.now();
    const remote: DrainRecord[] = [];
    for (const [key, value] of Object.entries(raw)) {
      const d = parseDrain(key.slice(prefix.length), value);
      if (!d) continue;
      remote.push(d);
      // An expired drain is lifted by every engine on its own; drop the key unless it was replaced.
      if (!liveDrain(d, now))
        void client
          .if(key, 'Value', '==', value)
          .then(client.delete().key(key))
          .options(within(opTimeoutMs))
          .commit()
          .catch(() => undefined);
    }
    this.synced = true;
    for (const a of drainActions(this.o.localDrains(), remote, now)) {
      this.o.logger.info({ region: a.region, drained: a.drain !== undefined }, 'drain from etcd');
      this.o.applyDrain(a.region, a.drain);
    }
  }

  async publish(drain: DrainRecord): Promise<void> {
    await this.write(drain.region, 'drain', () =>
      this.o.client
        .put(this.o.prefix + drain.region)
        .value(JSON.stringify(drain))
        .options(within(this.o.opTimeoutMs * 2))
        .exec(),
    );
  }

  async unpublish(region: string): Promise<void> {
    await this.write(region, 'undrain', () =>
      this.o.client
        .delete()
        .key(this.o.prefix + region)
        .options(within(this.o.opTimeoutMs * 2))
        .exec(),
    );
  }

  private async write(region: string, what: string, op: () => Promise<unknown>): Promise<void> {
    this.epoch++;
    this.publishing++;
    try {
      await op();
    } catch (err) {
      throw new CoordinationError(
        `cannot share the ${what} of region ${region} through etcd (${this.o.endpoints.join(', ')}): ${(err as Error).message}`,
        {
          region,
          remedy: `nothing changed on any replica; check that etcd is reachable from this controller, then retry the ${what}`,
          cause: err,
        },
      );
    } finally {
      this.publishing--;
      this.epoch++;
    }
  }
}
