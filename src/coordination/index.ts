// Coordination between controller replicas: who may write DNS (none: always this one; etcd: the
// elected, self-fenced leader), and drains and decisions shared between replicas.
import type { Config } from '../config/index.ts';
import { etcdCoordinator } from './etcd.ts';
import { noneCoordinator } from './none.ts';
import type { Coordinator, CoordinatorHooks } from './types.ts';

export { drainActions, sameDrain } from './drain-diff.ts';
export { CoordinationError } from './errors.ts';
export { etcdCoordinator } from './etcd.ts';
export { EtcdAccessError } from './etcd-problem.ts';
export { noneCoordinator } from './none.ts';
export { SHARED_TYPES, SharedEvents, type SharedEventsOptions } from './shared-events.ts';
export { defaultPrefix, type LeaseTiming, leaseTiming, writableUntil } from './timing.ts';
export type { CoordinationView, Coordinator, CoordinatorHooks, Role, WriteCheck } from './types.ts';

/** The coordinator the config asks for. */
export function createCoordinator(config: Config, hooks: CoordinatorHooks): Coordinator {
  const c = config.controller.coordination;
  return c.kind === 'etcd' ? etcdCoordinator(c, config.owner, hooks) : noneCoordinator(hooks.replica);
}
