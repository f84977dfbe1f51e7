// The health engine's public face. Pure: results + an injected clock in,
// states and evidence-carrying events out.
//
// Usage by the controller runtime:
//   const engine = new HealthEngine(config, { now: Date.now });
//   engine.restore(persistedDrains);                 // after a restart, no events
//   engine.ingest(report, receivedAt): HealthEvent[] // for every ACCEPTED report (see src/api)
//   engine.tick(now): HealthEvent[]                  // about once a second: staleness, failback, drain expiry
//   engine.regionStates(): Map<string, RegionState>  // decided (or drained) regions only
//   engine.allDecided() / engine.decided(region)     // hold DNS until fresh reports decided
//   engine.snapshot(now): HealthSnapshot             // status API / dashboard
//   engine.drain(region, {reason, author, until?}) / engine.undrain(region, author) → HealthEvent
//   engine.drains(): Drain[]                         // persist after drain/undrain/tick
//
// Semantics (choices that matter for others):
// - Hysteresis per (endpoint, prober): fall failures → DOWN vote, rise successes → UP; starts UNKNOWN.
//   A prober silent for more than staleAfter has no vote, and restarts from UNKNOWN when it returns.
// - Result times are translated from the agent's clock (receivedAt - (sentAt - at)), so clock skew
//   between agent and controller does not matter; results already stale on arrival are skipped.
// - Endpoint: quorum (majority of CONFIGURED probers, or the number) over fresh, counted votes; an
//   impaired prober's DOWN votes are not counted; fewer counted votes than minProbers decides nothing
//   and the last decided state holds (fail static).
// - Region: up while >= minHealthy endpoints are up. A first decision is published at once; an
//   up → down transition at once (failover is never delayed); down → up only after the failback
//   hold-down (failbackAfter, doubled for each flap within 2 × maxFailbackAfter, capped at
//   maxFailbackAfter). While holding, status stays 'down' with holdingFailback: true.
// - Failback ramp (health.failbackRamp, failback-ramp.ts): after the hold-down a region is 'up' with
//   RegionState.ramp {step, steps, percent}; it climbs one step per stepAfter on tick(), ends after the
//   last step (100%) has held for stepAfter, and a relapse ends it at once (the region is down). The
//   step is in the memory, so a restart continues it. Policy turns the percent into weights.
// - Dual-stack endpoints (`addresses: {ipv4, ipv6}`): results name their family, and each family of
//   an endpoint has its own pairs and quorum; the endpoint as a whole is up while one family is. Its
//   region gets one roll-up per family (same rules, own hold-down, family-* events naming `family`)
//   beside its own; RegionState.families carries them to policy (A follows ipv4, AAAA ipv6), with the
//   region's drain, force-up and down/hold applied. Such a region is decided once each family is.
// - Drains override status ('drained'); undrain returns to the health status at once.
// - Event types: see HealthEventType in types.ts. 'region-transition', 'drain' and 'undrain' change
//   what policy sees; the others are evidence.
//   engine.forceUp(region, {reason, author, until}) / engine.clearOverride(region, author) → HealthEvent
//   engine.overrides() / engine.restoreOverrides(list)   // persist and share like drains
//   engine.setApiWindows(windows) / engine.windows()      // maintenance windows (config ones built in)
// - Force-up (force-up.ts) wins over health, never over a drain or a maintenance window; it expires.
// - Maintenance (maintenance.ts): a region in a window is drained; when it ends the failback
//   hold-down applies. 'maintenance-upcoming' is evented notifyBefore ahead, once per occurrence.
// - Signals (signal-state.ts, signal-inputs.ts): engine.observeSignal(id, obs) for each polled
//   evaluation, engine.receiveAlerts(sender, alerts) for webhook deliveries, engine.pushSignal(id, push);
//   alerts and pushes are sampled once per signal interval on tick(). fall/rise like a prober's vote;
//   missing data per whenMissing. A down veto takes its endpoint or region down (never up: when it lifts,
//   the region goes through the failback hold-down); a vote is one more voter in the endpoint quorum.
export {
  type CronSpec,
  cronPeriodProblem,
  nextStart,
  parseCron,
  prevStart,
  WINDOW_LIMITS,
  windowCountProblem,
} from '../cron/index.ts';
export { HealthEngine, type HealthEngineOptions } from './engine.ts';
export { flapWindow, holdDownMs, holdDownReason, recentFlaps } from './failback.ts';
export { evaluateWindows, type WindowsAt, windowAt, windowsFromConfig } from './maintenance.ts';
export { decide, quorumSize } from './quorum.ts';
export { type AlertsReceived, alertName, type SignalInputs } from './signal-inputs.ts';
export { MAX_HELD_ALERTS } from './signal-state.ts';
export type * from './types.ts';
export { maintenanceProblems, type WindowLimitProblem, windowProblems } from './window-limits.ts';
