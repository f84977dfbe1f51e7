// Endpoint decisions: tally each changed endpoint's fresh, counted votes and apply the quorum
// (quorum.ts); an endpoint that moves gets an event with the votes as evidence. Voting signals are
// more voters (minProbers still counts probers only: a signal never stands in for them); a down veto
// signal takes the endpoint down whatever the votes say, and never brings one up. One family of a
// dual-stack endpoint is decided on its own votes; the endpoint as a whole is up while one family is.
import type { Health } from '../model/index.ts';
import { decide } from './quorum.ts';
import { endpointSignals, signalEvidence, vetoWords } from './signal-state.ts';
import { type EndpointState, type EngineState, impairedFor, type RegionRuntime } from './state.ts';
import type { HealthEvent } from './types.ts';
import { voteEvidence } from './votes.ts';

/** A dual-stack endpoint as a whole: up while a family is up, down once every family is down. */
function wholeState(families: readonly Health[]): Health {
  if (families.includes('up')) return 'up';
  return families.every((f) => f === 'down') ? 'down' : 'unknown';
}

/** Re-decides the given endpoints; returns the roll-ups (regions, families) with a state that changed. */
export function evaluateEndpoints(
  s: EngineState,
  dirty: Set<EndpointState>,
  now: number,
  events: HealthEvent[],
): Set<RegionRuntime> {
  const regions = new Set<RegionRuntime>();
  const staleBefore = now - s.h.staleAfter;
  for (const e of dirty) {
    let up = 0;
    let down = 0;
    for (let i = 0; i < e.pairs.length; i++) {
      const pair = e.pairs[i]!;
      if (pair.lastAt < staleBefore || pair.vote === 'unknown') continue;
      if (pair.vote === 'up') up++;
      else if (!impairedFor(s.probers[i]!, e)) down++;
    }
    const sig = endpointSignals(e);
    e.quorum =
      up + down < s.h.minProbers
        ? 'unknown'
        : decide({ up: up + sig.up, down: down + sig.down }, e.quorumSize, 0);
    if (sig.veto) e.quorum = 'down';
    if (e.whole) e.whole.quorum = wholeState(e.whole.families!.map((f) => f.quorum));
    if (e.quorum === 'unknown' || e.quorum === e.state) continue;
    const from = e.state;
    e.state = e.quorum;
    e.since = now;
    events.push({
      type: 'endpoint-transition',
      at: now,
      region: e.region.id,
      endpoint: e.id,
      ...(e.family === undefined ? {} : { family: e.family }),
      from,
      to: e.state,
      evidence: {
        tripped: sig.veto
          ? vetoWords(sig.veto)
          : `${e.state === 'down' ? down + sig.down : up + sig.up} ${e.state.toUpperCase()} votes >= quorum ${e.quorumSize}`,
        quorum: e.quorumSize,
        minProbers: s.h.minProbers,
        up,
        down,
        votes: voteEvidence(s, e, staleBefore),
        ...(e.signals.length > 0 ? { signals: signalEvidence(e.signals) } : {}),
      },
    });
    for (const r of e.rollups) regions.add(r);
    const whole = e.whole;
    if (whole) {
      const next = wholeState(whole.families!.map((f) => f.state));
      if (next !== whole.state) {
        whole.state = next;
        whole.since = now;
        for (const r of whole.rollups) regions.add(r);
      }
    }
  }
  return regions;
}
