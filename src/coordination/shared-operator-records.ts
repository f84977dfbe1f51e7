// The operator records shared through etcd: force-up overrides (overrides/<region>) and
// maintenance windows added through the API (maintenance/<id>), each a SharedRecords set whose live
// records are handed to the runtime's hooks after every read.
import type { Etcd3 } from 'etcd3';
import type { Logger } from '../log/index.ts';
import type { MaintenanceRecord, OverrideRecord } from '../model/index.ts';
import { SharedRecords } from './shared-records.ts';
import type { CoordinatorHooks } from './types.ts';

function parseJson<T>(text: string, ok: (v: Partial<T>) => boolean): T | undefined {
  try {
    const v = JSON.parse(text) as Partial<T>;
    return v && typeof v === 'object' && ok(v) ? (v as T) : undefined;
  } catch {
    return undefined;
  }
}

export function parseOverride(region: string, text: string): OverrideRecord | undefined {
  const v = parseJson<OverrideRecord>(
    text,
    (o) =>
      typeof o.reason === 'string' &&
      typeof o.author === 'string' &&
      typeof o.at === 'string' &&
      typeof o.until === 'string' &&
      Number.isFinite(Date.parse(o.until)),
  );
  return v
    ? { region, state: 'up', reason: v.reason, author: v.author, at: v.at, until: v.until }
    : undefined;
}

export function parseWindow(id: string, text: string): MaintenanceRecord | undefined {
  const v = parseJson<MaintenanceRecord>(
    text,
    (w) =>
      typeof w.region === 'string' &&
      typeof w.reason === 'string' &&
      typeof w.durationMs === 'number' &&
      typeof w.notifyBeforeMs === 'number' &&
      (typeof w.cron === 'string' || typeof w.start === 'string'),
  );
  return v ? { ...v, id } : undefined;
}

/** A one-shot window that has ended is dropped from etcd; a recurring one never ends. */
function windowOver(w: MaintenanceRecord, now: number): boolean {
  return w.start !== undefined && Date.parse(w.start) + w.durationMs <= now;
}

export function operatorRecords(o: {
  client: Etcd3;
  prefix: string;
  opTimeoutMs: number;
  endpoints: readonly string[];
  logger: Logger;
  hooks: CoordinatorHooks;
}) {
  const common = { client: o.client, opTimeoutMs: o.opTimeoutMs, endpoints: o.endpoints, logger: o.logger };
  const overrides = new SharedRecords<OverrideRecord>({
    ...common,
    prefix: `${o.prefix}overrides/`,
    what: 'override',
    parse: parseOverride,
    expired: (r, now) => Date.parse(r.until) <= now,
    onRecords: (list) => o.hooks.applyOverrides?.(list),
  });
  const windows = new SharedRecords<MaintenanceRecord>({
    ...common,
    prefix: `${o.prefix}maintenance/`,
    what: 'maintenance window',
    parse: parseWindow,
    expired: windowOver,
    onRecords: (list) => o.hooks.applyWindows?.(list),
  });
  return {
    overrides,
    windows,
    owns: (key: string) => key.startsWith(overrides.prefix) || key.startsWith(windows.prefix),
    /** Re-read the set a changed key belongs to (both without a key). */
    sync: async (key?: string) => {
      if (key === undefined || key.startsWith(overrides.prefix)) await overrides.sync();
      if (key === undefined || key.startsWith(windows.prefix)) await windows.sync();
    },
  };
}
