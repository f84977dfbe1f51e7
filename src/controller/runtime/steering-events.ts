// What the controller does with latency steering: tick the engine a few times per probe interval,
// write each ranking that moved to the event log (with the times that moved it), and reconcile at
// once, as a health change does. Returns the timer (undefined when no record steers by latency).
import type { Logger } from '../../log/index.ts';
import type { SteeringEngine } from '../../steering/index.ts';
import type { EventLog } from '../state/event-log.ts';
import type { Trigger } from './scheduler.ts';

export function startSteeringTicker(
  steering: SteeringEngine,
  intervalMs: number,
  events: EventLog,
  trigger: (t: Trigger) => void,
  logger: Logger,
): NodeJS.Timeout | undefined {
  if (!steering.active) return undefined;
  const tickMs = Math.max(50, Math.min(500, Math.floor(intervalMs / 4)));
  const timer = setInterval(() => {
    try {
      const moved = steering.tick();
      for (const e of moved) {
        events.append('steering-ranking', {
          at_engine: new Date(e.at).toISOString(),
          record: e.record,
          type: e.recordType,
          geography: e.geography,
          from: e.from.join(' > '),
          to: e.to.join(' > '),
          evidence: { times: e.times, probers: e.probers },
        });
        logger.info(
          { record: e.record, geography: e.geography, from: e.from, to: e.to, times: e.times },
          'latency ranking moved',
        );
      }
      if (moved.length > 0)
        trigger({ kind: 'steering', at: performance.now(), detail: moved.map((e) => e.geography).join(',') });
    } catch (err) {
      logger.error({ err }, 'steering tick failed');
    }
  }, tickMs);
  timer.unref();
  return timer;
}
