// Pure: what a replica must do so its local drains match the drains etcd holds (etcd is the source of
// truth when coordination is etcd; the local drains.json is a cache for starting without etcd).
import type { DrainRecord } from '../model/index.ts';

export interface DrainAction {
  region: string;
  /** The drain to put in force, or undefined to lift the region's drain. */
  drain: DrainRecord | undefined;
}

const untilMs = (d: DrainRecord) => (d.until === undefined ? undefined : Date.parse(d.until));

/** A drain whose `until` has passed is no drain (each engine lifts it by itself on its tick). */
export function liveDrain(d: DrainRecord, now: number): boolean {
  const u = untilMs(d);
  return u === undefined || u > now;
}

/** Same drain for our purpose: `at` differs between replicas (each engine stamps its own time). */
export function sameDrain(a: DrainRecord, b: DrainRecord): boolean {
  return a.reason === b.reason && a.author === b.author && untilMs(a) === untilMs(b);
}

export function drainActions(
  local: readonly DrainRecord[],
  remote: readonly DrainRecord[],
  now: number,
): DrainAction[] {
  const want = new Map(remote.filter((d) => liveDrain(d, now)).map((d) => [d.region, d]));
  const have = new Map(local.map((d) => [d.region, d]));
  const out: DrainAction[] = [];
  for (const [region, d] of want) {
    const l = have.get(region);
    if (!l || !sameDrain(l, d)) out.push({ region, drain: d });
  }
  for (const region of have.keys()) if (!want.has(region)) out.push({ region, drain: undefined });
  return out.sort((a, b) => a.region.localeCompare(b.region));
}

/** Parse a drain value read from etcd; undefined when it is not one (ignored, never fatal). */
export function parseDrain(region: string, text: string): DrainRecord | undefined {
  try {
    const v = JSON.parse(text) as Partial<DrainRecord>;
    if (typeof v.reason !== 'string' || typeof v.author !== 'string' || typeof v.at !== 'string')
      return undefined;
    return {
      region,
      reason: v.reason,
      author: v.author,
      at: v.at,
      ...(typeof v.until === 'string' ? { until: v.until } : {}),
    };
  } catch {
    return undefined;
  }
}
