// Quorum over fresh votes: an endpoint moves only when enough independent probers agree, so one
// prober's network trouble never moves traffic. Fewer voters than minProbers decides nothing.
import type { Health } from '../model/index.ts';

export interface Tally {
  up: number;
  down: number;
}

/** Votes needed to move an endpoint: a majority of the CONFIGURED probers, or the configured number. */
export function quorumSize(quorum: 'majority' | number, configuredProbers: number): number {
  return quorum === 'majority' ? Math.floor(configuredProbers / 2) + 1 : quorum;
}

/**
 * The endpoint's state according to the counted votes, or 'unknown' (hold the last decision).
 * Both sides can reach a small numeric quorum at once; then the larger side wins and a tie holds.
 */
export function decide(t: Tally, quorum: number, minProbers: number): Health {
  if (t.up + t.down < minProbers) return 'unknown';
  const down = t.down >= quorum;
  const up = t.up >= quorum;
  if (down && up) return t.down > t.up ? 'down' : t.up > t.down ? 'up' : 'unknown';
  if (down) return 'down';
  if (up) return 'up';
  return 'unknown';
}
