// Endpoint decisions: tally each changed endpoint's fresh, counted votes and apply the quorum
// (quorum.ts); an endpoint that moves gets an event with the votes as evidence. Voting signals are
// more voters (minProbers still counts probers only: a signal never stands in for them); a down veto
// signal takes the endpoint down whatever the votes say, and never brings one up.
import { decide } from './quorum.ts';
import { endpointSignals, signalEvidence, vetoWords } from './signal-state.ts';
import type { EndpointState, EngineState, RegionRuntime } from './state.ts';
import type { HealthEvent } from './types.ts';
import { voteEvidence } from './votes.ts';

/** Re-decides the given endpoints; returns the regions with an endpoint that changed state. */
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
      else if (!s.probers[i]!.impaired) down++;
    }
    const sig = endpointSignals(e);
    e.quorum =
      up + down < s.h.minProbers
        ? 'unknown'
        : decide({ up: up + sig.up, down: down + sig.down }, e.quorumSize, 0);
    if (sig.veto) e.quorum = 'down';
    if (e.quorum === 'unknown' || e.quorum === e.state) continue;
    const from = e.state;
    e.state = e.quorum;
    e.since = now;
    events.push({
      type: 'endpoint-transition',
      at: now,
      region: e.region.id,
      endpoint: e.id,
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
    regions.add(e.region);
  }
  return regions;
}
