// Per (endpoint, prober) hysteresis: `fall` consecutive failures make a DOWN vote, `rise` consecutive
// successes an UP vote; anything in between keeps the previous vote (HAProxy's rise/fall).
import type { Vote } from './types.ts';

export interface PairCounters {
  vote: Vote;
  okRun: number;
  failRun: number;
}

/** Applies one result in place and returns the vote before it (so callers can see a transition). */
export function applyResult(pair: PairCounters, ok: boolean, fall: number, rise: number): Vote {
  const before = pair.vote;
  if (ok) {
    pair.okRun++;
    pair.failRun = 0;
    if (pair.okRun >= rise) pair.vote = 'up';
  } else {
    pair.failRun++;
    pair.okRun = 0;
    if (pair.failRun >= fall) pair.vote = 'down';
  }
  return before;
}

export function resetPair(pair: PairCounters): void {
  pair.vote = 'unknown';
  pair.okRun = 0;
  pair.failRun = 0;
}
