// Pieces that status and explain both show the same way: a region's drain and force-up override,
// and an event-log transition, as JSON with ISO times (never throwing on a time a Date cannot hold).
import type { Drain, Override } from '../../health/index.ts';
import { isoOrUndefined as iso, type StoredEvent } from '../../model/index.ts';

export function drainView(d: Drain): { reason: string; author: string; at: string; until?: string } {
  return {
    reason: d.reason,
    author: d.author,
    at: iso(d.at)!,
    ...(d.until === undefined ? {} : { until: iso(d.until)! }),
  };
}

export function overrideView(o: Override): {
  state: 'up';
  reason: string;
  author: string;
  at: string;
  until: string;
} {
  return { state: o.state, reason: o.reason, author: o.author, at: iso(o.at)!, until: iso(o.until)! };
}

/** The last transition a region (or one of its address families) went through, from the event log. */
export function transitionView(e: StoredEvent): {
  seq: number;
  at: string;
  from: unknown;
  to: unknown;
  evidence: unknown;
} {
  return { seq: e.seq, at: String(e.at_engine ?? e.at), from: e.from, to: e.to, evidence: e.evidence };
}
