// Smoothed round-trip times: an exponentially weighted moving average per prober and endpoint of the
// latencies its successful checks already report, rolled up per region (the mean of its endpoints'
// fresh averages). A failed check adds nothing (its time is a timeout, not a path), so a failing
// region goes stale and ranks as unmeasured. Times are on the controller's clock, translated from the
// agent's as the health engine does (receivedAt - (sentAt - at)), so clock skew does not matter.
import type { Config } from '../config/index.ts';
import type { ProbeReport } from '../probe/index.ts';

/** Weight of the newest sample: about the last three samples carry two thirds of the average. */
export const SMOOTHING = 0.3;

interface Smoothed {
  ms: number;
  /** Controller-clock time of the newest sample (epoch ms). */
  at: number;
  samples: number;
}

export class RttTable {
  /** prober → endpoint → smoothed time. */
  private readonly byProber = new Map<string, Map<string, Smoothed>>();
  private readonly regionOf = new Map<string, string>();
  private readonly endpoints = new Map<string, string[]>();

  constructor(
    config: Config,
    private readonly staleAfterMs: number = config.health.staleAfter,
  ) {
    for (const r of config.regions) {
      this.endpoints.set(
        r.id,
        r.endpoints.map((e) => e.id),
      );
      for (const e of r.endpoints) this.regionOf.set(e.id, r.id);
    }
    for (const p of config.probers) this.byProber.set(p.id, new Map());
  }

  /** Folds a report's successful results in; returns how many it used. */
  ingest(report: ProbeReport, receivedAt: number): number {
    const table = this.byProber.get(report.prober);
    if (!table) return 0;
    let used = 0;
    for (const r of report.results) {
      if (!r.ok || !this.regionOf.has(r.endpoint) || !Number.isFinite(r.latencyMs)) continue;
      const at = receivedAt - (report.sentAt - r.at);
      const prev = table.get(r.endpoint);
      // Results of one endpoint arrive in order; an older one (a resent buffer) only adds noise.
      if (prev && at <= prev.at) continue;
      table.set(
        r.endpoint,
        prev && at - prev.at <= this.staleAfterMs
          ? { ms: SMOOTHING * r.latencyMs + (1 - SMOOTHING) * prev.ms, at, samples: prev.samples + 1 }
          : { ms: r.latencyMs, at, samples: 1 },
      );
      used++;
    }
    return used;
  }

  /** prober → region → the mean of the region's fresh endpoint averages (regions with none are absent). */
  regionTimes(now: number): Map<string, Map<string, number>> {
    const out = new Map<string, Map<string, number>>();
    for (const [prober, table] of this.byProber) {
      const regions = new Map<string, number>();
      for (const [region, eps] of this.endpoints) {
        const fresh = eps
          .map((e) => table.get(e))
          .filter((s): s is Smoothed => s !== undefined && now - s.at <= this.staleAfterMs);
        if (fresh.length > 0) regions.set(region, fresh.reduce((s, x) => s + x.ms, 0) / fresh.length);
      }
      if (regions.size > 0) out.set(prober, regions);
    }
    return out;
  }
}
