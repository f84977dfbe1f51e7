// The agent's log of report delivery: while a controller fails, its one-line summary (what failed, how
// often, how many results are buffered, what to check) at the first failure and again after 5, 10 and
// 20 s, then every 30 s for as long as it fails, so an agent that cannot report never goes quiet;
// and one line when that controller accepts a report again.
import type { Logger } from '../log/index.ts';
import {
  type AgentIdentity,
  type BufferState,
  type DeliveryFailure,
  displayUrl,
  failureLine,
  recoveryLine,
  summaryDelayMs,
} from './delivery.ts';

/** What the log reads of one controller's reporter. */
export interface DeliverySource {
  controller: string;
  readonly failure: DeliveryFailure | undefined;
  readonly buffered: BufferState;
}

/** A controller that fails and recovers again and again logs at most one failure line this often. */
const MIN_GAP_MS = 5000;

export class DeliveryLog {
  /** Per controller: lines logged in the current streak and when the next is due (monotonic ms). */
  private readonly due = new Map<string, { lines: number; nextAt: number }>();
  /** Per controller: when its last failure line went out, across streaks. */
  private readonly lastLineAt = new Map<string, number>();

  constructor(
    private readonly who: AgentIdentity,
    private readonly logger: Logger | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A controller's first failure of a streak: summarised at once. */
  failing(source: DeliverySource): void {
    const last = this.lastLineAt.get(source.controller);
    this.due.set(source.controller, {
      lines: 0,
      nextAt: last === undefined ? this.now() : Math.max(this.now(), last + MIN_GAP_MS),
    });
    this.tick([source]);
  }

  /** A controller accepted a report after a streak of failures (logged when the streak was). */
  recovered(source: DeliverySource, failure: DeliveryFailure): void {
    const d = this.due.get(source.controller);
    this.due.delete(source.controller);
    if (!d || d.lines === 0) return;
    this.logger?.info(
      {
        controller: displayUrl(source.controller),
        after: failure.attempts,
        reason: failure.reason ?? failure.kind,
        buffered: source.buffered.buffered,
      },
      recoveryLine(displayUrl(source.controller), failure, source.buffered.buffered, this.now()),
    );
  }

  /** Logs the summaries that are due. */
  tick(sources: readonly DeliverySource[]): void {
    const now = this.now();
    for (const s of sources) {
      const f = s.failure;
      const d = this.due.get(s.controller);
      if (!f || !d || now < d.nextAt) continue;
      d.lines++;
      d.nextAt = now + summaryDelayMs(d.lines);
      this.lastLineAt.set(s.controller, now);
      const url = displayUrl(s.controller);
      const fields = {
        controller: url,
        failing: f.kind,
        ...(f.status === undefined ? {} : { status: f.status }),
        ...(f.reason === undefined ? {} : { reason: f.reason }),
        ...(f.offsetSeconds === undefined ? {} : { offsetSeconds: f.offsetSeconds }),
        attempts: f.attempts,
        forSeconds: Math.round((now - f.since) / 1000),
        buffered: s.buffered.buffered,
        dropped: s.buffered.dropped,
      };
      const line = failureLine(url, f, s.buffered, now, this.who);
      // A refusal is a misconfiguration only a person fixes; an outage may heal by itself.
      if (f.kind === 'refused') this.logger?.error(fields, line);
      else this.logger?.warn(fields, line);
    }
  }
}
