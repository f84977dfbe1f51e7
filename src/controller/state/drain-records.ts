// Conversions between the engine's drains (epoch ms) and drain records as persisted and shared
// between replicas (ISO times).
import type { Drain, HealthEngine } from '../../health/index.ts';
import type { DrainRecord } from '../../model/index.ts';

/** The engine's drains as persisted and shared. */
export function drainRecordsOf(engine: HealthEngine): DrainRecord[] {
  return engine.drains().map((d) => ({
    region: d.region,
    reason: d.reason,
    author: d.author,
    at: new Date(d.at).toISOString(),
    ...(d.until === undefined ? {} : { until: new Date(d.until).toISOString() }),
  }));
}

/** A persisted drain record as the engine restores it. */
export function drainOf(d: DrainRecord): Drain {
  return {
    region: d.region,
    reason: d.reason,
    author: d.author,
    at: Date.parse(d.at),
    ...(d.until ? { until: Date.parse(d.until) } : {}),
  };
}

/** Puts a drain shared by another replica on this engine (or lifts it); returns the engine's event. */
export function applySharedDrain(engine: HealthEngine, region: string, d: DrainRecord | undefined) {
  return d
    ? engine.drain(region, {
        reason: d.reason,
        author: d.author,
        ...(d.until ? { until: Date.parse(d.until) } : {}),
      })
    : engine.undrain(region, 'etcd');
}
