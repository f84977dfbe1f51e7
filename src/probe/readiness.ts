// The agent's liveness and readiness, decided from what it knows (pure): live while its loop ticks and
// it is not stopping; ready while at least one controller accepted a report within the window (by
// default health.staleAfter, the age after which the controller stops counting the prober's votes),
// and otherwise a short reason naming how each controller fails. Also when to give up with no
// accepted report (`--exit-after-unreported`).
import { type DeliveryFailure, displayUrl, failureWhat, span } from './delivery.ts';

export interface ControllerDelivery {
  controller: string;
  /** performance.now() of its last accepted report. */
  lastAccepted?: number;
  failure?: DeliveryFailure;
  buffered: number;
}

export interface HealthInputs {
  /** performance.now(). */
  now: number;
  startedAt: number;
  stopping: boolean;
  /** performance.now() of the agent loop's last tick. */
  lastTickAt: number;
  /** A tick older than this means the loop is stuck. */
  maxTickAgeMs: number;
  readyWindowMs: number;
  controllers: readonly ControllerDelivery[];
}

export interface Verdict {
  ok: boolean;
  reason: string;
}

export function liveness(i: HealthInputs): Verdict {
  if (i.stopping) return { ok: false, reason: 'stopping' };
  const age = i.now - i.lastTickAt;
  if (age > i.maxTickAgeMs)
    return { ok: false, reason: `the agent loop last ran ${span(age)} ago (limit ${span(i.maxTickAgeMs)})` };
  return { ok: true, reason: 'the agent loop runs' };
}

/** The newest accepted report over all controllers (performance.now()), if any. */
export function lastAcceptedOf(controllers: readonly ControllerDelivery[]): number | undefined {
  const times = controllers.flatMap((c) => (c.lastAccepted === undefined ? [] : [c.lastAccepted]));
  return times.length === 0 ? undefined : Math.max(...times);
}

/** How one controller stands, in one line. */
export function controllerState(c: ControllerDelivery, now: number): string {
  const url = displayUrl(c.controller);
  const last =
    c.lastAccepted === undefined ? 'none accepted yet' : `last accepted ${span(now - c.lastAccepted)} ago`;
  if (!c.failure) return `${url}: ${last}`;
  return `${url}: ${failureWhat(c.failure)} (${c.failure.attempts} failed, ${last})`;
}

export function readiness(i: HealthInputs): Verdict {
  if (i.stopping) return { ok: false, reason: 'stopping' };
  const last = lastAcceptedOf(i.controllers);
  if (last !== undefined && i.now - last <= i.readyWindowMs)
    return { ok: true, reason: `a controller accepted a report ${span(i.now - last)} ago` };
  const since =
    last === undefined
      ? `no controller accepted a report since the agent started ${span(i.now - i.startedAt)} ago`
      : `no controller accepted a report in the last ${span(i.readyWindowMs)}`;
  return { ok: false, reason: `${since}: ${i.controllers.map((c) => controllerState(c, i.now)).join('; ')}` };
}

/** Whether the agent has gone `limitMs` without any accepted report (counted from its start). */
export function unreportedTooLong(i: HealthInputs, limitMs: number): boolean {
  return i.now - (lastAcceptedOf(i.controllers) ?? i.startedAt) >= limitMs;
}
