// Notifications ride on the audit trail: every appended event is offered to the notifier's queue.
// With replicas only the leader notifies, and events mirrored from another replica are not re-sent.

import type { ControllerMetrics } from '../../api/index.ts';
import type { Config } from '../../config/index.ts';
import type { Coordinator } from '../../coordination/index.ts';
import type { Logger } from '../../log/index.ts';
import type { EventLog } from '../state/event-log.ts';
import { Notifier } from './notifier.ts';

/** The notifier for config.notifications (undefined when there are none), subscribed to the events. */
export function wireNotifier(o: {
  config: Config;
  env: NodeJS.ProcessEnv;
  metrics: ControllerMetrics;
  logger: Logger;
  events: EventLog;
  /** Late-bound: the coordinator is created after the notifier. */
  coordinator: () => Coordinator;
}): Notifier | undefined {
  if (o.config.notifications.length === 0) return undefined;
  const notifier = new Notifier({
    owner: o.config.owner,
    hooks: o.config.notifications,
    env: o.env,
    metrics: o.metrics,
    logger: o.logger.child({ component: 'notify' }),
  });
  o.events.on('event', (e) => {
    if (e.origin === undefined && o.coordinator().view().role !== 'follower') notifier.handle(e);
  });
  return notifier;
}
