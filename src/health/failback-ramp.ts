// The gradual failback ramp (health.failbackRamp): after its hold-down a recovered region does not take
// its full weight at once but climbs the configured steps (e.g. 10, 25, 50, 100 percent), one every
// `stepAfter`, as long as it stays up. A relapse at any step drops it to 0 at once (it is down) and the
// next recovery starts over with the (longer) hold-down. Policy turns the step into weights.
import type { Config } from '../config/index.ts';
import type { RampStep } from '../model/index.ts';
import type { EngineState, RegionRuntime } from './state.ts';
import type { HealthEvent, RegionMemory } from './types.ts';

type Ramp = NonNullable<Config['health']['failbackRamp']>;

/** The step a region is on, for policy and the snapshot; undefined when it is not ramping. */
export function rampOf(h: Config['health'], r: RegionRuntime): RampStep | undefined {
  const ramp = h.failbackRamp;
  if (!ramp || r.rampStep === undefined || r.health !== 'up') return undefined;
  const i = Math.min(r.rampStep, ramp.steps.length - 1);
  return { step: i + 1, steps: ramp.steps.length, percent: ramp.steps[i]! };
}

const label = (ramp: Ramp, i: number) => `step ${i + 1}/${ramp.steps.length} (${ramp.steps[i]}%)`;

function stepEvent(r: RegionRuntime, ramp: Ramp, now: number, from: string, to: string): HealthEvent {
  const i = r.rampStep;
  return {
    type: 'failback-ramp',
    at: now,
    region: r.id,
    from,
    to,
    evidence:
      i === undefined
        ? { steps: ramp.steps, stepAfterMs: ramp.stepAfter }
        : {
            step: i + 1,
            steps: ramp.steps.length,
            percent: ramp.steps[i],
            stepAfterMs: ramp.stepAfter,
            nextAt: now + ramp.stepAfter,
          },
  };
}

/** A region just came back up (hold-down passed): it starts on the first step. No ramp configured: nothing. */
export function startRamp(h: Config['health'], r: RegionRuntime, now: number, events: HealthEvent[]): void {
  const ramp = h.failbackRamp;
  // A family comes back at its region's weight: the ramp is about the region's load, not a path.
  if (!ramp || ramp.steps.length <= 1 || r.family !== undefined) return;
  r.rampStep = 0;
  r.rampAt = now;
  r.reason = `${r.reason ?? 'recovered'}; failback ramp ${label(ramp, 0)}`;
  events.push(stepEvent(r, ramp, now, 'hold-down passed', label(ramp, 0)));
}

/** tick(): regions whose step has lasted stepAfter climb one; the last step (100%) ends the ramp. */
export function advanceRamps(s: EngineState, now: number, events: HealthEvent[]): void {
  const ramp = s.h.failbackRamp;
  for (const r of s.regions.values()) {
    if (r.rampStep === undefined) continue;
    if (!ramp || r.health !== 'up') {
      r.rampStep = undefined;
      r.rampAt = undefined;
      continue;
    }
    if (now < (r.rampAt ?? now) + ramp.stepAfter) continue;
    const from = label(ramp, Math.min(r.rampStep, ramp.steps.length - 1));
    if (r.rampStep >= ramp.steps.length - 1) {
      // The last step (100%) has held for stepAfter: the ramp is over and the records stay as they are.
      r.rampStep = undefined;
      r.rampAt = undefined;
      events.push(stepEvent(r, ramp, now, from, 'done'));
      continue;
    }
    r.rampStep += 1;
    r.rampAt = now;
    r.reason = `failback ramp ${label(ramp, r.rampStep)}`;
    events.push(stepEvent(r, ramp, now, from, label(ramp, r.rampStep)));
  }
}

/** Down again while ramping (a relapse): the ramp ends at once; the region is at 0 because it is down. */
export function abortRamp(h: Config['health'], r: RegionRuntime, now: number, events: HealthEvent[]): void {
  const ramp = h.failbackRamp;
  if (r.rampStep === undefined) return;
  const from = ramp ? label(ramp, Math.min(r.rampStep, ramp.steps.length - 1)) : 'ramping';
  r.rampStep = undefined;
  r.rampAt = undefined;
  if (ramp) {
    const e = stepEvent(r, ramp, now, from, 'aborted');
    e.evidence = {
      ...e.evidence,
      note: 'relapse: the region is down; the next recovery starts with the hold-down',
    };
    events.push(e);
  }
}

/** After a restart: a region that was up and ramping continues on the step it was on, from when it began. */
export function resumeRamp(h: Config['health'], r: RegionRuntime, prior: RegionMemory): void {
  if (!h.failbackRamp || prior.rampStep === undefined || prior.rampAt === undefined) return;
  r.rampStep = Math.min(prior.rampStep, h.failbackRamp.steps.length - 1);
  r.rampAt = prior.rampAt;
}
