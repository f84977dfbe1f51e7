// Region decisions from its endpoints: up while >= minHealthy endpoints are up. The first decision
// is published at once (continuing a restored memory), up → down at once (failover is never
// delayed), down → up only through the failback hold-down (failback-hold.ts). A region veto signal
// that is down holds the region down whatever its endpoints say; when it lifts, the hold-down applies.
// A family roll-up of a dual-stack region is decided the same way over its endpoints' states on that
// family (its region's vetoes hold it through the region: region-status.ts).
import { abortFailback, resumeFailback, startFailback } from './failback-hold.ts';
import { abortRamp, resumeRamp } from './failback-ramp.ts';
import { endpointEvidence, onFamily, regionEvent } from './region-status.ts';
import { regionVeto, signalEvidence, vetoWords } from './signal-state.ts';
import type { EngineState, RegionRuntime } from './state.ts';
import type { HealthEvent } from './types.ts';

export function evaluateRegion(s: EngineState, r: RegionRuntime, now: number, events: HealthEvent[]): void {
  const minHealthy = Math.min(s.h.minHealthy, r.endpoints.length);
  const on = onFamily(r);
  let up = 0;
  let undecided = 0;
  for (const e of r.endpoints) {
    if (e.state === 'up') up++;
    else if (e.state === 'unknown') undecided++;
  }
  const veto = regionVeto(r);
  const raw = veto ? 'down' : up >= minHealthy ? 'up' : up + undecided < minHealthy ? 'down' : undefined;
  if (raw === undefined) return; // not enough decided endpoints: hold (fail static)
  const evidence = () => ({
    minHealthy,
    upEndpoints: up,
    endpoints: endpointEvidence(r),
    ...(r.vetoes.length > 0 ? { signals: signalEvidence(r.vetoes) } : {}),
  });
  const downWhy = veto
    ? vetoWords(veto)
    : `${up} of ${r.endpoints.length} endpoints up${on}, below minHealthy ${minHealthy}`;
  const from = r.health ?? 'unknown';
  if (r.health === undefined) {
    const prior = r.prior;
    r.prior = undefined;
    if (prior?.health === 'down' && raw === 'up') {
      // Down before a restart and up now: this is a recovery, not a fresh start. Continue the
      // failback hold-down the previous run had started (or start one), as if never restarted.
      r.health = 'down';
      r.since = prior.since;
      r.flaps = prior.flaps;
      r.reason = `first decision after restart: was down since ${new Date(prior.since).toISOString()}; ${up} of ${r.endpoints.length} endpoints up${on} now`;
      events.push(
        regionEvent(r, from, now, { trigger: 'first decision (restored: was down)', ...evidence() }),
      );
      if (resumeFailback(s.h, r, prior, now, evidence(), events)) return;
      evaluateRegion(s, r, now, events);
      return;
    }
    r.health = raw;
    r.since = prior?.health === raw ? prior.since : now;
    if (prior) r.flaps = prior.flaps;
    if (prior?.health === 'up' && raw === 'up') resumeRamp(s.h, r, prior);
    r.reason = veto
      ? `first decision: ${downWhy}`
      : `first decision: ${up} of ${r.endpoints.length} endpoints up${on} (minHealthy ${minHealthy})`;
    events.push(
      regionEvent(r, from, now, {
        trigger: prior ? 'first decision (restored)' : 'first decision',
        ...evidence(),
      }),
    );
    return;
  }
  if (raw === 'down') {
    if (r.holdingFailback) {
      const reason = veto
        ? `down again during failback hold-down: ${downWhy}`
        : `down again during failback hold-down (${up} of ${r.endpoints.length} endpoints up${on})`;
      abortFailback(s.h, r, now, reason, evidence(), events);
    } else if (r.health === 'up') {
      abortRamp(s.h, r, now, events);
      r.health = 'down';
      r.since = now;
      r.flaps.push(now);
      r.reason = downWhy;
      events.push(
        regionEvent(r, from, now, {
          trigger: veto
            ? `signal ${veto.id} down (veto)`
            : `up endpoints${on} ${up} < minHealthy ${minHealthy}`,
          ...evidence(),
        }),
      );
    } else if (veto) {
      // Down already: say what holds it down now (the endpoints may have recovered under the veto).
      r.reason = downWhy;
    }
    return;
  }
  // raw up
  if (r.health === 'up' || r.holdingFailback) return;
  startFailback(s.h, r, now, `${up} of ${r.endpoints.length} endpoints up${on}`, evidence(), events);
}
