// Read-only views of the engine: region states for policy and the full snapshot for the status API
// and dashboard ("what the GSLB believes").
import type { AddressFamily, FamilyState, RegionState } from '../model/index.ts';
import { holdDownReason, recentFlaps } from './failback.ts';
import { rampOf } from './failback-ramp.ts';
import { forcedUp, status } from './region-status.ts';
import { signalSnapshots } from './signal-state.ts';
import { type EndpointState, type EngineState, isDecided, type RegionRuntime } from './state.ts';
import type {
  EndpointFamilySnapshot,
  EndpointSnapshot,
  FamilySnapshot,
  HealthSnapshot,
  RegionSnapshot,
} from './types.ts';
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
      ...(r.families ? { families: familyStates(r) } : {}),
    });
  }
  return out;
}

/**
 * What policy sees of each family of a dual-stack region: the region's drain or force-up, else down
 * while the region is down (its hold-down holds its families), else the family's own roll-up.
 */
function familyStates(r: RegionRuntime): Partial<Record<AddressFamily, FamilyState>> {
  const out: Partial<Record<AddressFamily, FamilyState>> = {};
  for (const f of r.families ?? []) {
    const layered = layerSince(r) !== undefined;
    const own = !layered && r.health !== 'down' && f.health !== undefined;
    const reason = layerReason(r) ?? (own ? f.reason : r.reason);
    out[f.family!] = {
      status: status(f),
      since: layerSince(r) ?? (own ? f.since : r.since) ?? 0,
      upEndpoints: upEndpoints(f),
      ...(reason === undefined ? {} : { reason }),
      holdingFailback: own ? f.holdingFailback : !layered && r.holdingFailback,
    };
  }
  return out;
}

/** When the operator layer in force (drain, maintenance, override) was put on, if one is. */
function layerSince(r: RegionRuntime): number | undefined {
  if (r.parent) return layerSince(r.parent);
  return r.drain?.at ?? r.maintenance?.start ?? (forcedUp(r) ? r.override!.at : undefined);
}

function layerReason(r: RegionRuntime): string | undefined {
  if (r.parent) return layerReason(r.parent);
  if (r.drain) return r.drain.reason;
  if (r.maintenance) return `maintenance: ${r.maintenance.reason}`;
  return forcedUp(r) ? `forced up by ${r.override!.author}: ${r.override!.reason}` : undefined;
}

/** A family's status in words, after its region's: what `status` and `explain` print. */
function familySnapshot(s: EngineState, f: RegionRuntime, now: number): FamilySnapshot {
  return {
    family: f.family!,
    status: status(f),
    decided: f.health !== undefined,
    since: layerSince(f) ?? f.since,
    ...((layerReason(f) ?? f.reason) ? { reason: layerReason(f) ?? f.reason } : {}),
    holdingFailback: f.holdingFailback,
    ...(f.failbackAt === undefined ? {} : { failbackAt: f.failbackAt }),
    ...holdDown(s, f, now),
    upEndpoints: upEndpoints(f),
  };
}

/** A forced region publishes every endpoint: the operator says the checks are wrong. */
function upEndpoints(r: RegionRuntime): string[] {
  return r.endpoints.filter((e) => forcedUp(r) || e.state === 'up').map((e) => e.id);
}

/** The running hold-down and why it is that long; otherwise only the recent flaps, if any. */
function holdDown(
  s: EngineState,
  r: RegionRuntime,
  now: number,
): { holdDownMs?: number; holdDownReason?: string; flapCount?: number } {
  if (r.holdingFailback && r.holdMs !== undefined) {
    const flaps = r.holdFlaps ?? recentFlaps(r.flaps, now, s.h);
    return { holdDownMs: r.holdMs, holdDownReason: holdDownReason(r.holdMs, flaps, s.h), flapCount: flaps };
  }
  const flaps = recentFlaps(r.flaps, now, s.h);
  return flaps > 0 ? { flapCount: flaps } : {};
}

/** The newest failing result any prober has reported for the endpoint. */
function lastFailure(s: EngineState, e: EndpointState): Pick<EndpointSnapshot, 'lastFailure'> {
  let best: EndpointSnapshot['lastFailure'];
  e.pairs.forEach((p, i) => {
    if (p.failAt !== undefined && p.failDetail !== undefined && (!best || p.failAt > best.at))
      best = {
        prober: s.probers[i]!.id,
        detail: p.failDetail,
        at: p.failAt,
        ...(p.failFailed ? { failed: p.failFailed } : {}),
      };
  });
  return best ? { lastFailure: best } : {};
}

export function snapshot(s: EngineState, now: number): Omit<HealthSnapshot, 'maintenance'> {
  const staleBefore = now - s.h.staleAfter;
  const fresh = s.probers.filter((p) => p.lastReportAt >= staleBefore);
  const familyOf = (f: EndpointState): EndpointFamilySnapshot => ({
    family: f.family!,
    state: f.state,
    quorum: f.quorum,
    since: f.since,
    votes: voteEvidence(s, f, staleBefore),
    ...lastFailure(s, f),
  });
  const endpoints: EndpointSnapshot[] = [...s.endpoints.values()].map((e) => {
    if (!e.families) {
      return {
        id: e.id,
        region: e.region.id,
        state: e.state,
        quorum: e.quorum,
        since: e.since,
        votes: voteEvidence(s, e, staleBefore),
        ...lastFailure(s, e),
      };
    }
    const families = e.families.map(familyOf);
    const failures = families.flatMap((f) => (f.lastFailure ? [f.lastFailure] : []));
    const newest = failures.sort((a, b) => b.at - a.at)[0];
    return {
      id: e.id,
      region: e.region.id,
      state: e.state,
      quorum: e.quorum,
      since: e.since,
      votes: families.flatMap((f) => f.votes),
      ...(newest ? { lastFailure: newest } : {}),
      families,
    };
  });
  const regions: RegionSnapshot[] = [...s.regions.values()].map((r) => ({
    id: r.id,
    status: status(r),
    decided: isDecided(r),
    since: layerSince(r) ?? r.since,
    reason: layerReason(r) ?? r.reason,
    holdingFailback: r.holdingFailback,
    failbackAt: r.failbackAt,
    ...holdDown(s, r, now),
    ...(rampOf(s.h, r) && r.rampAt !== undefined
      ? { ramp: { ...rampOf(s.h, r)!, since: r.rampAt, nextAt: r.rampAt + s.h.failbackRamp!.stepAfter } }
      : {}),
    upEndpoints: upEndpoints(r),
    drain: r.drain ? { ...r.drain } : undefined,
    ...(r.override ? { override: { ...r.override } } : {}),
    ...(r.maintenance ? { maintenance: { ...r.maintenance } } : {}),
    ...(r.families ? { families: r.families.map((f) => familySnapshot(s, f, now)) } : {}),
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
      ...(p.impairedFamilies.length > 0 ? { impairedFamilies: [...p.impairedFamilies] } : {}),
    })),
    endpoints,
    regions,
    signals: signalSnapshots(s),
  };
}
