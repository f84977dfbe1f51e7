// The health engine: probe results + an injected clock → endpoint and region states, with an event
// (and its evidence) for every transition. Pure apart from the clock: no timers, no I/O; the controller
// calls ingest() for each accepted report and tick() about once a second. This class only composes
// the steps, each in its own file: votes (hysteresis), endpoint-quorum, region-rollup, failback-hold,
// failback-ramp, drains, region-status, memory, snapshot and fail-static; all share the state built by state.ts.
// Signals (signal-state.ts, signal-inputs.ts) are more evidence beside the probes: observed or held,
// then through their own hysteresis into the endpoint quorum (vote) or over it (veto).
import type { Config } from '../config/index.ts';
import { type RegionState, UsageError } from '../model/index.ts';
import type { ProbeReport } from '../probe/index.ts';
import { drainRegion, expireDrains, liftDrain, listDrains, restoreDrains } from './drains.ts';
import { evaluateEndpoints } from './endpoint-quorum.ts';
import { checkFailStatic } from './fail-static.ts';
import { passFailbacks } from './failback-hold.ts';
import { advanceRamps } from './failback-ramp.ts';
import { expireOverrides, forceUp, liftOverride, listOverrides, restoreOverrides } from './force-up.ts';
import {
  applyMaintenance,
  evaluateWindows,
  type MaintenanceState,
  windowsFromConfig,
} from './maintenance.ts';
import { history, restoreHistory } from './memory.ts';
import { evaluateRegion } from './region-rollup.ts';
import {
  type AlertsReceived,
  inputsOf,
  observe,
  pushSignal,
  receiveAlerts,
  restoreInputs,
  type SignalInputs,
  sampleHeld,
} from './signal-inputs.ts';
import { attachSignals } from './signal-state.ts';
import { regionStates, snapshot } from './snapshot.ts';
import {
  buildState,
  type EndpointState,
  type EngineState,
  isDecided,
  probedStates,
  type RegionRuntime,
  regionOf,
  type SignalRuntime,
  statesOf,
} from './state.ts';
import type {
  Drain,
  HealthEvent,
  HealthSnapshot,
  MaintenanceWindow,
  Override,
  RegionMemory,
  SignalAlert,
  SignalObservation,
  SignalPush,
} from './types.ts';
import { applyReport } from './votes.ts';

export interface HealthEngineOptions {
  /** The engine's clock (epoch ms); defaults to Date.now. Tests and benchmarks inject their own. */
  now?: () => number;
}

export class HealthEngine {
  private readonly now: () => number;
  private readonly s: EngineState;
  private readonly m: MaintenanceState;
  private readonly configWindows: MaintenanceWindow[];

  constructor(config: Config, opts: HealthEngineOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.s = buildState(config);
    attachSignals(this.s, config);
    this.configWindows = windowsFromConfig(config);
    this.m = { windows: [...this.configWindows], announced: new Set() };
  }

  /** Results skipped because they were stale, duplicated, for unknown endpoints or mislabelled. */
  get ignoredResults(): number {
    return this.s.ignoredResults;
  }

  /**
   * Applies an accepted (already verified and validated) report. Results are aged by the agent's own
   * clock (`sentAt - at`) so skew does not matter; results already stale, duplicated or out of order
   * for their (endpoint, prober) are skipped. Returns the transitions this report caused.
   */
  ingest(report: ProbeReport, receivedAt: number = this.now()): HealthEvent[] {
    const pi = this.s.proberIndex.get(report.prober);
    if (pi === undefined) {
      this.s.ignoredResults += report.results.length;
      return [];
    }
    const events: HealthEvent[] = [];
    const dirty = applyReport(this.s, pi, report, receivedAt, events);
    this.evaluate(dirty, receivedAt, events);
    checkFailStatic(this.s, receivedAt, events);
    return events;
  }

  /** Advances time: staleness, failback hold-downs and drain expiry. Call about once a second. */
  tick(now: number = this.now()): HealthEvent[] {
    const events: HealthEvent[] = [];
    expireDrains(this.s, now, events);
    expireOverrides(this.s, now, events);
    applyMaintenance(this.s, this.m, now, events);
    this.signalsMoved(sampleHeld(this.s, now, events), now, events);
    this.evaluate(new Set(probedStates(this.s)), now, events);
    passFailbacks(this.s, now, events);
    advanceRamps(this.s, now, events);
    checkFailStatic(this.s, now, events);
    return events;
  }

  /** Takes a region out of service until undrained or `until`. Unknown region: UsageError. */
  drain(region: string, opts: { reason: string; author: string; until?: number }): HealthEvent {
    return drainRegion(regionOf(this.s, region), opts, this.now());
  }

  /** Lifts a drain; the region returns to its health status at once (an operator's call, no hold-down). */
  undrain(region: string, author = 'unknown'): HealthEvent {
    return liftDrain(regionOf(this.s, region), author, this.now(), 'undrained by operator');
  }

  /** Forces a region up until `until` (wins over health, never over a drain). Unknown region: UsageError. */
  forceUp(region: string, opts: { reason: string; author: string; until: number }): HealthEvent {
    return forceUp(regionOf(this.s, region), opts, this.now());
  }

  /** Lifts a region's override; it returns to its health status at once. */
  clearOverride(region: string, author = 'unknown'): HealthEvent {
    return liftOverride(regionOf(this.s, region), author, this.now(), 'cleared by operator');
  }

  /** The overrides in force, for persistence and sharing. */
  overrides(): Override[] {
    return listOverrides(this.s);
  }

  /** Re-installs persisted overrides after a restart (no events; expired ones lift on the next tick). */
  restoreOverrides(overrides: readonly Override[]): void {
    restoreOverrides(this.s, overrides);
  }

  /** Replaces the windows added through the API (config windows stay); they take effect on the next tick. */
  setApiWindows(windows: readonly MaintenanceWindow[]): void {
    this.m.windows = [...this.configWindows, ...windows.map((w) => ({ ...w, source: 'api' as const }))];
  }

  /** Every window, config and API. */
  windows(): MaintenanceWindow[] {
    return this.m.windows.map((w) => ({ ...w }));
  }

  /**
   * Re-installs what a previous run had decided, so a restart cannot cut a failback hold-down short
   * or forget recent flaps. The regions still count as undecided until fresh reports decide them;
   * the first decision then continues from this memory instead of starting clean.
   */
  restoreHistory(memory: readonly RegionMemory[]): void {
    restoreHistory(this.s, memory);
  }

  /**
   * Occurrences a previous run already announced (maintenance-upcoming, from the event log), so a
   * restart inside a window's notifyBefore does not announce it again. Past ones are dropped on the
   * next tick as usual.
   */
  rememberAnnounced(occurrences: readonly { window: string; start: number }[]): void {
    for (const o of occurrences) this.m.announced.add(`${o.window}@${o.start}`);
  }

  /** What to persist so a restarted engine can continue (see restoreHistory). Decided regions only. */
  history(): RegionMemory[] {
    return history(this.s);
  }

  /** Re-installs persisted drains after a restart (no events; expired ones lift on the next tick). */
  restore(drains: readonly Drain[]): void {
    restoreDrains(this.s, drains);
  }

  /** The drains in force, for persistence. */
  drains(): Drain[] {
    return listDrains(this.s);
  }

  /** True when a region's health has been decided since start (or it is drained). */
  decided(region: string): boolean {
    return isDecided(regionOf(this.s, region));
  }

  /** True when every region is decided: a restarted controller should hold DNS until then. */
  allDecided(): boolean {
    return [...this.s.regions.values()].every(isDecided);
  }

  /**
   * Region states for policy. Regions not yet decided are left out (policy treats a missing region as
   * up with all endpoints); use allDecided()/decided() to hold DNS until fresh reports decided.
   */
  regionStates(): Map<string, RegionState> {
    return regionStates(this.s);
  }

  /**
   * One evaluation of a polled signal (prometheus): through its hysteresis, and on to the endpoint or
   * region it speaks for. Unknown id: UsageError. Returns the transitions it caused.
   */
  observeSignal(id: string, obs: SignalObservation, now: number = this.now()): HealthEvent[] {
    const events: HealthEvent[] = [];
    if (observe(this.signal(id), obs, now, events)) this.signalsMoved([this.signal(id)], now, events);
    return events;
  }

  /**
   * Alerts delivered by the sender whose token is `sender` (Alertmanager's webhook): held by the
   * alertmanager signals that name that token and match them; they act from the next samples on.
   */
  receiveAlerts(sender: string, alerts: readonly SignalAlert[], now: number = this.now()): AlertsReceived {
    return receiveAlerts(this.s, sender, alerts, now);
  }

  /** A push to a push signal, held until push.until; the audit event (give it the actor). */
  pushSignal(id: string, push: SignalPush, now: number = this.now()): HealthEvent {
    return pushSignal(this.signal(id), push, now);
  }

  /** The alerts and pushes the signals hold, to persist after each delivery. */
  signalInputs(): SignalInputs {
    return inputsOf(this.s);
  }

  /** Re-installs a previous run's alerts and pushes (expired ones and unknown signals dropped; no events). */
  restoreSignalInputs(inputs: SignalInputs, now: number = this.now()): void {
    restoreInputs(this.s, inputs, now);
  }

  snapshot(now: number = this.now()): HealthSnapshot {
    const w = evaluateWindows(this.m.windows, now);
    return { ...snapshot(this.s, now), maintenance: { active: w.inForce, upcoming: w.upcoming } };
  }

  private evaluate(dirty: Set<EndpointState>, now: number, events: HealthEvent[]): void {
    this.rollUp(evaluateEndpoints(this.s, dirty, now, events), now, events);
  }

  /**
   * Re-decides these roll-ups: regions before the families of dual-stack regions, so that a family
   * that fails with its region says so as evidence (the region's transition moves its answers).
   */
  private rollUp(changed: Iterable<RegionRuntime>, now: number, events: HealthEvent[]): void {
    const list = [...changed];
    for (const r of list.filter((x) => x.family === undefined)) evaluateRegion(this.s, r, now, events);
    for (const r of list.filter((x) => x.family !== undefined)) evaluateRegion(this.s, r, now, events);
  }

  private signal(id: string): SignalRuntime {
    const sig = this.s.signalsById.get(id);
    if (!sig)
      throw new UsageError(`unknown signal "${id}"`, {
        remedy: `use one of: ${[...this.s.signalsById.keys()].join(', ') || '(none configured)'}`,
      });
    return sig;
  }

  /** Re-decides what signals that changed state act on: their endpoints, or their region (a veto). */
  private signalsMoved(moved: readonly SignalRuntime[], now: number, events: HealthEvent[]): void {
    if (moved.length === 0) return;
    const dirty = new Set<EndpointState>();
    const regions = new Set<RegionRuntime>();
    for (const sig of moved) {
      // A dual-stack endpoint's votes are its families': the signal acts on each.
      if (sig.endpoint) for (const t of statesOf(sig.endpoint)) dirty.add(t);
      else if (sig.effect === 'vote')
        for (const e of sig.region.endpoints) for (const t of statesOf(e)) dirty.add(t);
      else regions.add(sig.region);
    }
    for (const r of evaluateEndpoints(this.s, dirty, now, events)) regions.add(r);
    this.rollUp(regions, now, events);
  }
}
