// Read-only views of the engine: region states for policy and the full snapshot for the status API
// and dashboard ("what the GSLB believes").
import type { RegionState } from '../model/index.ts';
import { rampOf } from './failback-ramp.ts';
import { forcedUp, status } from './region-status.ts';
import { type EngineState, isDecided, type RegionRuntime } from './state.ts';
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
      since: layerSince(r) ?? r.since!,
      upEndpoints: upEndpoints(r),
      reason: layerReason(r) ?? r.reason,
      holdingFailback: r.holdingFailback,
      ...(rampOf(s.h, r) ? { ramp: rampOf(s.h, r)! } : {}),
    });
  }
  return out;
}

/** When the operator layer in force (drain, maintenance, override) was put on, if one is. */
function layerSince(r: RegionRuntime): number | undefined {
  return r.drain?.at ?? r.maintenance?.start ?? (forcedUp(r) ? r.override!.at : undefined);
}

function layerReason(r: RegionRuntime): string | undefined {
  if (r.drain) return r.drain.reason;
  if (r.maintenance) return `maintenance: ${r.maintenance.reason}`;
  return forcedUp(r) ? `forced up by ${r.override!.author}: ${r.override!.reason}` : undefined;
}

/** A forced region publishes every endpoint: the operator says the checks are wrong. */
function upEndpoints(r: RegionRuntime): string[] {
  return r.endpoints.filter((e) => forcedUp(r) || e.state === 'up').map((e) => e.id);
}

export function snapshot(s: EngineState, now: number): Omit<HealthSnapshot, 'maintenance'> {
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
    since: layerSince(r) ?? r.since,
    reason: layerReason(r) ?? r.reason,
    holdingFailback: r.holdingFailback,
    failbackAt: r.failbackAt,
    ...(rampOf(s.h, r) && r.rampAt !== undefined
      ? { ramp: { ...rampOf(s.h, r)!, since: r.rampAt, nextAt: r.rampAt + s.h.failbackRamp!.stepAfter } }
      : {}),
    upEndpoints: upEndpoints(r),
    drain: r.drain ? { ...r.drain } : undefined,
    ...(r.override ? { override: { ...r.override } } : {}),
    ...(r.maintenance ? { maintenance: { ...r.maintenance } } : {}),
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
