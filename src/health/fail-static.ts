// Fail static: with fewer fresh probers than minProbers every decision is held as it is. This only
// reports the switch (the holding itself follows from the quorum's minProbers).
import type { EngineState } from './state.ts';
import type { HealthEvent } from './types.ts';

export function checkFailStatic(s: EngineState, now: number, events: HealthEvent[]): void {
  const staleBefore = now - s.h.staleAfter;
  const fresh = s.probers.filter((p) => p.lastReportAt >= staleBefore).map((p) => p.id);
  const on = fresh.length < s.h.minProbers;
  if (on === s.failStaticOn) return;
  s.failStaticOn = on;
  events.push({
    type: 'fail-static',
    at: now,
    from: on ? 'off' : 'on',
    to: on ? 'on' : 'off',
    evidence: {
      freshProbers: fresh,
      minProbers: s.h.minProbers,
      staleAfter: s.h.staleAfter,
      note: on ? 'too few fresh probers: every decision is held as it is' : 'enough fresh probers again',
    },
  });
}
