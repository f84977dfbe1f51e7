// The engine's state for `signals:`: one runtime per signal (per target for an alertmanager signal
// that maps a label to its region or endpoint), with hysteresis counters like a prober's vote, what
// it holds (alerts, a push) and which endpoints and regions it acts on. Built once from the config.
import type { Config, SignalConfig } from '../config/index.ts';
import { quorumSize } from './quorum.ts';
import {
  type EndpointState,
  type EngineState,
  probedStates,
  type RegionRuntime,
  type SignalRuntime,
  statesOf,
} from './state.ts';
import type { SignalSnapshot } from './types.ts';

/** Firing alerts held per signal at most: one is enough to hold it down; the bound keeps memory flat. */
export const MAX_HELD_ALERTS = 1000;

function runtime(
  sc: SignalConfig,
  h: Config['health'],
  region: RegionRuntime,
  endpoint: EndpointState | undefined,
  id: string,
  targetLabel?: { name: string; value: string },
): SignalRuntime {
  return {
    id,
    name: sc.name,
    kind: sc.kind,
    effect: sc.effect,
    region,
    ...(endpoint ? { endpoint } : {}),
    fall: sc.fall ?? h.fall,
    rise: sc.rise ?? h.rise,
    intervalMs: sc.interval ?? h.interval,
    // An alert that is not firing is good news, never missing data.
    whenMissing: sc.kind === 'alertmanager' ? 'up' : sc.whenMissing,
    ...(sc.kind === 'alertmanager'
      ? { match: { ...sc.match }, expireAfterMs: sc.expireAfter, ...(targetLabel ? { targetLabel } : {}) }
      : {}),
    tokens: sc.kind === 'prometheus' ? [] : [...sc.tokens],
    ...(sc.kind === 'push' ? { maxExpiresInMs: sc.maxExpiresIn } : {}),
    vote: 'unknown',
    okRun: 0,
    failRun: 0,
    since: null,
    nextSampleAt: Number.NEGATIVE_INFINITY,
    alerts: new Map(),
  };
}

/**
 * The runtimes of every configured signal, attached to the endpoints and regions they act on; an
 * endpoint with voting signals needs a majority of its probers and those signals together.
 */
export function attachSignals(s: EngineState, config: Config): void {
  const { regions, endpoints } = s;
  const out: SignalRuntime[] = [];
  for (const sc of config.signals) {
    if (sc.region !== undefined) {
      const r = regions.get(sc.region);
      if (r) out.push(runtime(sc, config.health, r, undefined, sc.name));
    } else if (sc.endpoint !== undefined) {
      const e = endpoints.get(sc.endpoint);
      if (e) out.push(runtime(sc, config.health, e.region, e, sc.name));
    } else if (sc.kind === 'alertmanager' && sc.regionLabel !== undefined) {
      for (const r of regions.values())
        out.push(
          runtime(sc, config.health, r, undefined, `${sc.name}:${r.id}`, {
            name: sc.regionLabel,
            value: r.id,
          }),
        );
    } else if (sc.kind === 'alertmanager' && sc.endpointLabel !== undefined) {
      for (const e of endpoints.values())
        out.push(
          runtime(sc, config.health, e.region, e, `${sc.name}:${e.id}`, {
            name: sc.endpointLabel,
            value: e.id,
          }),
        );
    }
  }
  // A dual-stack endpoint is voted on per family: a signal on it acts on each family.
  for (const sig of out) {
    if (sig.endpoint) for (const t of statesOf(sig.endpoint)) t.signals.push(sig);
    else if (sig.effect === 'vote')
      for (const e of sig.region.endpoints) for (const t of statesOf(e)) t.signals.push(sig);
    else sig.region.vetoes.push(sig);
    s.signals.push(sig);
    s.signalsById.set(sig.id, sig);
  }
  if (config.health.quorum === 'majority')
    for (const e of probedStates(s)) {
      const voters = e.signals.filter((x) => x.effect === 'vote').length;
      e.quorumSize = quorumSize('majority', config.probers.length + voters);
    }
}

/** A region's veto that holds it down now, if any. */
export function regionVeto(r: RegionRuntime): SignalRuntime | undefined {
  return r.vetoes.find((s) => s.vote === 'down');
}

/** What an endpoint's signals add to its quorum: their votes, and a veto that holds it down. */
export function endpointSignals(e: EndpointState): { up: number; down: number; veto?: SignalRuntime } {
  let up = 0;
  let down = 0;
  let veto: SignalRuntime | undefined;
  for (const s of e.signals) {
    if (s.effect === 'veto') {
      if (s.vote === 'down' && !veto) veto = s;
    } else if (s.vote === 'up') up++;
    else if (s.vote === 'down') down++;
  }
  return veto ? { up, down, veto } : { up, down };
}

/** "signal euw-errors is down (veto): value 0.31 > 0.05". */
export function vetoWords(s: SignalRuntime): string {
  return `signal ${s.id} is down (veto)${s.last ? `: ${s.last.detail}` : ''}`;
}

/** Evidence of the signals acting on an endpoint or region, for its events. */
export function signalEvidence(list: readonly SignalRuntime[]): Record<string, unknown>[] {
  return list.map((s) => ({
    signal: s.id,
    kind: s.kind,
    effect: s.effect,
    state: s.vote,
    ...(s.last
      ? { detail: s.last.detail, ...(s.last.value === undefined ? {} : { value: s.last.value }) }
      : {}),
  }));
}

/** Alerts a snapshot lists per signal (the rest are counted). */
const SNAPSHOT_ALERTS = 10;

/** Is the signal acting now: a veto that is down, or a vote that is decided. */
export function acting(sig: SignalRuntime): boolean {
  return sig.effect === 'veto' ? sig.vote === 'down' : sig.vote !== 'unknown';
}

export function signalSnapshots(s: EngineState): SignalSnapshot[] {
  return s.signals.map((sig) => {
    const alerts = [...sig.alerts.values()];
    return {
      id: sig.id,
      name: sig.name,
      kind: sig.kind,
      effect: sig.effect,
      region: sig.region.id,
      ...(sig.endpoint ? { endpoint: sig.endpoint.id } : {}),
      state: sig.vote,
      since: sig.since,
      acting: acting(sig),
      fall: sig.fall,
      rise: sig.rise,
      failRun: sig.failRun,
      okRun: sig.okRun,
      intervalMs: sig.intervalMs,
      ...(sig.kind === 'alertmanager' ? {} : { whenMissing: sig.whenMissing }),
      ...(sig.last ? { last: { ...sig.last } } : {}),
      ...(sig.kind === 'alertmanager'
        ? {
            alerts: alerts
              .sort((a, b) => (a.startsAt ?? 0) - (b.startsAt ?? 0))
              .slice(0, SNAPSHOT_ALERTS)
              .map((a) => ({ ...a, labels: { ...a.labels } })),
            alertCount: alerts.length,
          }
        : {}),
      ...(sig.push ? { push: { ...sig.push } } : {}),
    };
  });
}
