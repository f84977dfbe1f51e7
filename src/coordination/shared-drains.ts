// Drains shared through etcd: `<prefix>drains/<region>` holds the drain as JSON. etcd is the source
// of truth; every replica re-reads the set when a watch sees a change (and periodically, in case a
// watch missed one) and makes its health engine match. A drain is written to etcd BEFORE it takes
// effect locally, so an operator's drain is either on every replica or refused. The etcd side is the
// generic SharedRecords (shared-records.ts, also used for overrides and maintenance windows).
import type { Etcd3 } from 'etcd3';
import type { Logger } from '../log/index.ts';
import type { DrainRecord } from '../model/index.ts';
import { drainActions, liveDrain, parseDrain } from './drain-diff.ts';
import { SharedRecords } from './shared-records.ts';

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
  private readonly records: SharedRecords<DrainRecord>;

  constructor(o: SharedDrainsOptions) {
    this.records = new SharedRecords<DrainRecord>({
      client: o.client,
      prefix: o.prefix,
      what: 'drain',
      opTimeoutMs: o.opTimeoutMs,
      endpoints: o.endpoints,
      logger: o.logger,
      parse: parseDrain,
      // An expired drain is lifted by every engine on its own; its key is dropped unless replaced.
      expired: (d, now) => !liveDrain(d, now),
      onRecords: (remote) => {
        for (const a of drainActions(o.localDrains(), remote, Date.now())) {
          o.logger.info({ region: a.region, drained: a.drain !== undefined }, 'drain from etcd');
          o.applyDrain(a.region, a.drain);
        }
      },
    });
  }

  /** Read the drains in etcd and make the local engine match (single flight; re-runs if asked meanwhile). */
  sync(): Promise<void> {
    return this.records.sync();
  }

  publish(drain: DrainRecord): Promise<void> {
    return this.records.put(drain.region, drain, `of region ${drain.region}`);
  }

  unpublish(region: string): Promise<void> {
    return this.records.remove(region, `of region ${region}`);
  }
}
