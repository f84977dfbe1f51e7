// What reaches a signal and how it becomes its state: a prometheus evaluation is one observation; the
// alerts an alertmanager signal holds and a push signal's push are sampled once per interval. Each
// observation goes through the signal's hysteresis (fall/rise, like a prober's vote); missing data
// counts as up, down or nothing (`last`) as its whenMissing says. A changed state is an event.
import { applyResult } from './hysteresis.ts';
import { MAX_HELD_ALERTS } from './signal-state.ts';
import type { EngineState, SignalRuntime } from './state.ts';
import type { HealthEvent, HeldAlert, SignalAlert, SignalObservation, SignalPush } from './types.ts';

/** Alerts named in a transition's evidence (the rest are counted). */
const EVIDENCE_ALERTS = 5;
/** Labels a held alert keeps beyond those the signal matches on and alertname, and their length. */
const EXTRA_LABELS = 8;
const EXTRA_LABEL_CHARS = 256;

/**
 * The labels a held alert keeps: every one the signal matches on (so a restored alert still matches),
 * alertname, and a few more cut short for the people reading status. A thousand alerts of 64 long
 * labels each would otherwise hold tens of MB per signal.
 */
function heldLabels(sig: SignalRuntime, labels: Readonly<Record<string, string>>): Record<string, string> {
  const keep = new Set([
    ...Object.keys(sig.match ?? {}),
    ...(sig.targetLabel ? [sig.targetLabel.name] : []),
    'alertname',
  ]);
  const out: Record<string, string> = {};
  let extra = 0;
  for (const [k, v] of Object.entries(labels)) {
    if (keep.has(k)) out[k] = v;
    else if (extra < EXTRA_LABELS) {
      extra++;
      out[k] = v.length > EXTRA_LABEL_CHARS ? `${v.slice(0, EXTRA_LABEL_CHARS)}…` : v;
    }
  }
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Applies one observation; true when the signal's state changed (an event was pushed). */
export function observe(
  sig: SignalRuntime,
  obs: SignalObservation,
  now: number,
  events: HealthEvent[],
): boolean {
  sig.last = { ...obs, at: now };
  const ok =
    obs.outcome === 'up'
      ? true
      : obs.outcome === 'down'
        ? false
        : sig.whenMissing === 'last'
          ? undefined
          : sig.whenMissing === 'up';
  if (ok === undefined) return false;
  const before = applyResult(sig, ok, sig.fall, sig.rise);
  if (sig.vote === before) return false;
  sig.since = now;
  events.push({
    type: 'signal-transition',
    at: now,
    region: sig.region.id,
    ...(sig.endpoint ? { endpoint: sig.endpoint.id } : {}),
    from: before,
    to: sig.vote,
    evidence: {
      signal: sig.id,
      kind: sig.kind,
      effect: sig.effect,
      target: sig.endpoint ? `endpoint ${sig.endpoint.id}` : `region ${sig.region.id}`,
      outcome: obs.outcome,
      detail: obs.detail,
      ...(obs.value === undefined ? {} : { value: obs.value }),
      ...(obs.outcome === 'missing' ? { whenMissing: sig.whenMissing } : {}),
      threshold:
        sig.vote === 'down' ? { fall: sig.fall, failRun: sig.failRun } : { rise: sig.rise, okRun: sig.okRun },
      ...(sig.kind === 'alertmanager' ? alertEvidence(sig) : {}),
      ...(sig.push ? { push: { ...sig.push } } : {}),
    },
  });
  return true;
}

function alertEvidence(sig: SignalRuntime): Record<string, unknown> {
  const held = [...sig.alerts.values()];
  return {
    alerts: held.slice(0, EVIDENCE_ALERTS).map((a) => ({
      labels: a.labels,
      ...(a.startsAt === undefined ? {} : { startsAt: a.startsAt }),
      ...(a.summary ? { summary: a.summary } : {}),
    })),
    alertCount: held.length,
  };
}

/** "HighErrorRate", or the fingerprint when the alert has no alertname. */
export function alertName(a: Pick<HeldAlert, 'labels' | 'fingerprint'>): string {
  return a.labels.alertname ?? a.fingerprint;
}

/** What the held alerts or push say now (expired ones dropped first). */
function heldObservation(sig: SignalRuntime, now: number): SignalObservation {
  if (sig.kind === 'alertmanager') {
    for (const [k, a] of sig.alerts) if (a.expiresAt <= now) sig.alerts.delete(k);
    if (sig.alerts.size === 0) return { outcome: 'up', detail: 'no matching alert firing' };
    const first = [...sig.alerts.values()].sort((a, b) => (a.startsAt ?? 0) - (b.startsAt ?? 0))[0]!;
    const more = sig.alerts.size - 1;
    return {
      outcome: 'down',
      detail: `alert ${alertName(first)} firing${first.startsAt === undefined ? '' : ` since ${iso(first.startsAt)}`}${more > 0 ? ` (and ${more} more)` : ''}`,
    };
  }
  const p = sig.push;
  if (p === undefined) return { outcome: 'missing', detail: 'never pushed' };
  if (p.until <= now)
    return { outcome: 'missing', detail: `the last push (${p.state}) expired at ${iso(p.until)}` };
  return { outcome: p.state, detail: `pushed ${p.state} by ${p.author}: ${p.reason}` };
}

/** tick(): samples the held signals whose interval has come round; returns those that changed. */
export function sampleHeld(s: EngineState, now: number, events: HealthEvent[]): SignalRuntime[] {
  const moved: SignalRuntime[] = [];
  for (const sig of s.signals) {
    if (sig.kind === 'prometheus' || now < sig.nextSampleAt) continue;
    // After a stall the next sample is one interval on, not a burst catching up.
    sig.nextSampleAt = Math.max(sig.nextSampleAt + sig.intervalMs, now);
    if (observe(sig, heldObservation(sig, now), now, events)) moved.push(sig);
  }
  return moved;
}

/** Does an alert belong to this signal: every `match` label equal, and its target label if mapped. */
export function alertMatches(sig: SignalRuntime, labels: Readonly<Record<string, string>>): boolean {
  if (!sig.match) return false;
  for (const [k, v] of Object.entries(sig.match)) if (labels[k] !== v) return false;
  return sig.targetLabel === undefined || labels[sig.targetLabel.name] === sig.targetLabel.value;
}

export interface AlertsReceived {
  /** Per signal id: alerts that matched it (firing and resolved). */
  matched: Record<string, number>;
  /** Alerts no signal of this sender matched. */
  ignored: number;
  /** Firing alerts not held because the signal already holds MAX_HELD_ALERTS (it is down anyway). */
  overflow: number;
}

/**
 * Alerts delivered by a sender (its token's name): each alertmanager signal naming that token holds
 * the matching firing alerts (until resolved or expireAfter after their last delivery) and drops the
 * resolved ones. The state follows on the next samples, never on delivery: hysteresis counts samples.
 */
export function receiveAlerts(
  s: EngineState,
  sender: string,
  alerts: readonly SignalAlert[],
  now: number,
): AlertsReceived {
  const mine = s.signals.filter((x) => x.kind === 'alertmanager' && x.tokens.includes(sender));
  const out: AlertsReceived = { matched: {}, ignored: 0, overflow: 0 };
  for (const a of alerts) {
    let hit = false;
    for (const sig of mine) {
      if (!alertMatches(sig, a.labels)) continue;
      hit = true;
      out.matched[sig.id] = (out.matched[sig.id] ?? 0) + 1;
      if (a.status === 'resolved') {
        sig.alerts.delete(a.fingerprint);
        continue;
      }
      if (!sig.alerts.has(a.fingerprint) && sig.alerts.size >= MAX_HELD_ALERTS) {
        out.overflow++;
        continue;
      }
      sig.alerts.set(a.fingerprint, {
        fingerprint: a.fingerprint,
        labels: heldLabels(sig, a.labels),
        ...(a.startsAt === undefined ? {} : { startsAt: a.startsAt }),
        ...(a.summary ? { summary: a.summary } : {}),
        receivedAt: now,
        expiresAt: now + sig.expireAfterMs!,
      });
    }
    if (!hit) out.ignored++;
  }
  return out;
}

/** A push to a push signal: held until `until`, then missing. Returns the audit event. */
export function pushSignal(sig: SignalRuntime, push: SignalPush, now: number): HealthEvent {
  const before = sig.push ? { ...sig.push } : null;
  sig.push = { ...push };
  return {
    type: 'signal-push',
    at: now,
    region: sig.region.id,
    ...(sig.endpoint ? { endpoint: sig.endpoint.id } : {}),
    from: before && before.until > now ? before.state : 'none',
    to: push.state,
    evidence: {
      signal: sig.id,
      reason: push.reason,
      author: push.author,
      until: push.until,
      state: sig.vote,
      note: 'the signal follows on its next samples (fall/rise)',
      before,
      after: { ...sig.push },
    },
  };
}

/** What the signals hold (alerts, pushes), for persistence: a restart must not forget a firing alert. */
export interface SignalInputs {
  alerts: { signal: string; alert: HeldAlert }[];
  pushes: { signal: string; push: SignalPush }[];
}

export function inputsOf(s: EngineState): SignalInputs {
  return {
    alerts: s.signals.flatMap((sig) => [...sig.alerts.values()].map((alert) => ({ signal: sig.id, alert }))),
    pushes: s.signals.flatMap((sig) => (sig.push ? [{ signal: sig.id, push: { ...sig.push } }] : [])),
  };
}

/**
 * Re-installs what a previous run held: alerts and pushes of signals that still exist with that kind,
 * not yet expired, within the bound per signal. The state follows from the next samples, as usual.
 */
export function restoreInputs(s: EngineState, inputs: SignalInputs, now: number): void {
  for (const { signal, alert } of inputs.alerts) {
    const sig = s.signalsById.get(signal);
    if (sig?.kind !== 'alertmanager' || !(alert.expiresAt > now) || sig.alerts.size >= MAX_HELD_ALERTS)
      continue;
    // Never longer than this run's expireAfter allows (the config may have shortened it).
    const expiresAt = Math.min(alert.expiresAt, alert.receivedAt + sig.expireAfterMs!);
    if (expiresAt > now && alertMatches(sig, alert.labels))
      sig.alerts.set(alert.fingerprint, { ...alert, labels: { ...alert.labels }, expiresAt });
  }
  for (const { signal, push } of inputs.pushes) {
    const sig = s.signalsById.get(signal);
    if (sig?.kind === 'push' && push.until > now) sig.push = { ...push };
  }
}
