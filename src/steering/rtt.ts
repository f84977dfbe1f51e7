// Smoothed round-trip times: an exponentially weighted moving average per prober and endpoint of the
// latencies its successful checks already report, rolled up per region (the mean of its endpoints'
// fresh averages). A failed check adds nothing (its time is a timeout, not a path), so a failing
// region goes stale and ranks as unmeasured. Times are on the controller's clock, translated from the
// agent's as the health engine does (receivedAt - (sentAt - at)), so clock skew does not matter. A
// dual-stack endpoint's families are averaged apart (their results arrive interleaved) and count as
// two of its region's measurements.
import type { Config } from '../config/index.ts';
import { probedFamilies } from '../model/index.ts';
import type { ProbeReport } from '../probe/index.ts';

/** The table's key of a result: its endpoint, and the family of a dual-stack one. */
const keyOf = (endpoint: string, family: string | undefined) =>
  family === undefined ? endpoint : `${endpoint} ${family}`;

/** Weight of the newest sample: about the last three samples carry two thirds of the average. */
export const SMOOTHING = 0.3;

interface Smoothed {
  ms: number;
  /** Controller-clock time of the newest sample (epoch ms). */
  at: number;
  samples: number;
}

export class RttTable {
  /** prober → endpoint (and family, of a dual-stack one) → smoothed time. */
  private readonly byProber = new Map<string, Map<string, Smoothed>>();
  private readonly regionOf = new Map<string, string>();
  private readonly endpoints = new Map<string, string[]>();

  constructor(
    config: Config,
    private readonly staleAfterMs: number = config.health.staleAfter,
  ) {
    for (const r of config.regions) {
      const keys = r.endpoints.flatMap((e) => {
        const fams = probedFamilies(e);
        return fams.length === 0 ? [e.id] : fams.map((f) => keyOf(e.id, f));
      });
      this.endpoints.set(r.id, keys);
      for (const k of keys) this.regionOf.set(k, r.id);
    }
    for (const p of config.probers) this.byProber.set(p.id, new Map());
  }

  /** Folds a report's successful results in; returns how many it used. */
  ingest(report: ProbeReport, receivedAt: number): number {
    const table = this.byProber.get(report.prober);
    if (!table) return 0;
    let used = 0;
    for (const r of report.results) {
      const key = keyOf(r.endpoint, r.family);
      if (!r.ok || !this.regionOf.has(key) || !Number.isFinite(r.latencyMs)) continue;
      const at = receivedAt - (report.sentAt - r.at);
      const prev = table.get(key);
      // Results of one endpoint arrive in order; an older one (a resent buffer) only adds noise.
      if (prev && at <= prev.at) continue;
      table.set(
        key,
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
