// A running reconcile pass as status shows it: since when, at which stage, and whether its provider
// is behind (a read or a write running so long that what was decided since waits for it).
import type { InProgressView, PassStage } from '../../api/index.ts';

/**
 * A read or a write running this long means the provider is behind. Longer than a healthy read or
 * write takes on any provider (a second or two), short enough that a hanging provider shows within
 * a probe round or two. Route 53's and Cloud DNS's wait for their change to be in sync counts too:
 * until then the new answer is not served everywhere.
 */
export const BEHIND_AFTER_MS = 10_000;

export interface RunningPass {
  /** Date.now() when the pass began. */
  since: number;
  stage: PassStage;
  changes?: number;
}

export function inProgressView(p: RunningPass, now: number, behindAfterMs = BEHIND_AFTER_MS): InProgressView {
  const ageMs = Math.max(0, now - p.since);
  return {
    since: new Date(p.since).toISOString(),
    stage: p.stage,
    ageMs,
    ...(p.changes === undefined ? {} : { changes: p.changes }),
    // Confirming is waiting for nameservers, not for the provider: the propagation problem covers it.
    behind: p.stage !== 'confirm' && ageMs >= behindAfterMs,
  };
}

/** "writing 2 change(s) to zone example.com. for 12 s" */
export function runningText(zone: string, p: InProgressView): string {
  const what =
    p.stage === 'write'
      ? `writing ${p.changes ?? 0} change(s) to`
      : p.stage === 'read'
        ? 'reading'
        : 'confirming changes to';
  return `${what} zone ${zone} for ${Math.round(p.ageMs / 1000)} s`;
}
