// Read-only views of the engine: region states for policy and the full snapshot for the status API
// and dashboard ("what the GSLB believes").
import type { RegionState } from '../model/index.ts';
import { status } from './region-status.ts';
import { type EngineState, isDecided } from './state.ts';
import type { EndpointSnapshot, HealthSnapshot, RegionSnapshot } from './types.ts';
import { voteEvidence } from './votes.ts';

/** Decided (or drained) regions only: policy treats a missing region as up with all endpoints. */
export function regionStates(s: EngineState): Map<string, RegionState> {
  const out = new Map<string, RegionState>();
  for (const r of s.regions.values()) {
    if (!isDecided(r)) continue;
    out.set(r.id, {
      id: r.id,
      status: status(r),
      since: r.drain ? r.drain.at : r.since!,
      upEndpoints: r.endpoints.filter((e) => e.state === 'up').map((e) => e.id),
      reason: r.drain ? r.drain.reason : r.reason,
      holdingFailback: r.holdingFailback,
    });
  }
  return out;
}

export function snapshot(s: EngineState, now: number): HealthSnapshot {
  const staleBefore = now - s.h.staleAfter;
  const fresh = s.probers.filter((p) => p.lastReportAt >= staleBefore);
  const endpoints: EndpointSnapshot[] = [...s.endpoints.values()].map((e) => ({
    id: e.id,
    region: e.region.id,
    state: e.state,
    quorum: e.quorum,
    since: e.since,
    votes: voteEvidence(s, e, staleBefore),
  }));
  const regions: RegionSnapshot[] = [...s.regions.values()].map((r) => ({
    id: r.id,
    status: status(r),
    decided: isDecided(r),
    since: r.drain ? r.drain.at : r.since,
    reason: r.drain ? r.drain.reason : r.reason,
    holdingFailback: r.holdingFailback,
    failbackAt: r.failbackAt,
    upEndpoints: r.endpoints.filter((e) => e.state === 'up').map((e) => e.id),
    drain: r.drain ? { ...r.drain } : undefined,
  }));
  return {
    at: now,
    failStatic: fresh.length < s.h.minProbers,
    freshProbers: fresh.map((p) => p.id),
    probers: s.probers.map((p) => ({
      id: p.id,
      lastReportAt: Number.isFinite(p.lastReportAt) ? p.lastReportAt : null,
      fresh: p.lastReportAt >= staleBefore,
      impaired: p.impaired,
    })),
    endpoints,
    regions,
  };
}
