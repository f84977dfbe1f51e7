// Wires the hidden-primary parts of one builtin provider's server: the transfer service (AXFR, IXFR)
// and the NOTIFY sender. Both follow the zone store's snapshots; nothing here runs when the provider
// configures no transfers. Signed ordinary queries are the engine's (tsig-gate.ts), in every process.
import type { Config } from '../../../src/config/index.ts';
import type { Logger } from '../../../src/log/index.ts';
import { absoluteName } from '../../dnswire/index.ts';
import type { TsigKey } from '../../tsig/index.ts';
import type { StoreSnapshot } from '../store.ts';
import { Notifier, type NotifyOutcome } from './notify.ts';
import { parseAcl } from './xfr-acl.ts';
import { TransferService } from './xfr-service.ts';

type BuiltinConfig = Extract<Config['providers'][string], { kind: 'builtin' }>;

export interface HiddenPrimaryOptions {
  providerId: string;
  cfg: BuiltinConfig;
  apexes: readonly string[];
  /** The provider's TSIG keys (xfr-keys.ts), loaded once by the server. */
  keys: ReadonlyMap<string, TsigKey>;
  logger?: Logger;
  /** Send NOTIFY from this process (default true; false in all but one worker process). */
  notify?: boolean;
  notifyDelayMs?: number;
  onNotify?: (o: NotifyOutcome) => void;
}

export interface HiddenPrimary {
  /** The transfer service the transports consult first (undefined: no transfers configured). */
  transfers: TransferService | undefined;
  update(snap: StoreSnapshot): void;
  /** Call once the server is listening: NOTIFY starts then (a secondary asks us back at once). */
  start(): void;
  close(): Promise<void>;
}

export function hiddenPrimary(o: HiddenPrimaryOptions): HiddenPrimary {
  const { cfg } = o;
  const active = cfg.allowTransfer.length > 0 || cfg.secondaries.length > 0 || cfg.tsigKeys.length > 0;
  if (!active) return { transfers: undefined, update: () => {}, start: () => {}, close: async () => {} };
  const { keys } = o;
  const transfers = new TransferService({
    providerId: o.providerId,
    apexes: o.apexes,
    nameservers: cfg.nameservers,
    acl: parseAcl(cfg.allowTransfer),
    keys,
    udpPayloadSize: cfg.udpPayloadSize,
    ...(o.logger ? { logger: o.logger } : {}),
  });
  const notifyKeyName = cfg.notifyKey ?? cfg.tsigKeys[0]?.name;
  const notifyKey = notifyKeyName === undefined ? undefined : keys.get(absoluteName(notifyKeyName));
  const notifier =
    o.notify === false || cfg.secondaries.length === 0
      ? undefined
      : new Notifier({
          providerId: o.providerId,
          apexes: o.apexes,
          secondaries: cfg.secondaries,
          ...(notifyKey ? { key: notifyKey } : {}),
          ...(o.logger ? { logger: o.logger } : {}),
          ...(o.notifyDelayMs === undefined ? {} : { delayMs: o.notifyDelayMs }),
          ...(o.onNotify ? { onOutcome: o.onNotify } : {}),
        });
  let started = false;
  let last: StoreSnapshot | undefined;
  return {
    transfers,
    update(snap) {
      last = snap;
      transfers.update(snap);
      if (started) notifier?.update(snap);
    },
    start() {
      started = true;
      if (last) notifier?.update(last);
    },
    close: async () => {
      await notifier?.close();
    },
  };
}
