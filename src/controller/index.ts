// Controller: the reconcile pass (plan every zone, apply through the applier) and, from the runtime
// work, its scheduler, event log, drain store and verifier.
export {
  type ApplyMode,
  type ApplyOutcome,
  type ApplyStatus,
  type ApplyZoneOptions,
  applyZonePlan,
  NotConvergedError,
} from './applier.ts';
export { EventLog, type StoredEvent } from './event-log.ts';
export { type ExplainDoc, explain, renderExplain } from './explain.ts';
export { storedApiWindows } from './operator-stores.ts';
export {
  type ApplyPlanOptions,
  applyPlan,
  closeProviders,
  type OpenProvidersOptions,
  openProviders,
  PartialApplyError,
  type PlanZonesOptions,
  planZoneOf,
  planZones,
} from './reconcile.ts';
export { type ControllerOptions, type RunningController, startController } from './runtime.ts';
export { ReconcileScheduler, type Trigger } from './scheduler.ts';
export type { DrainRecord } from './state-store.ts';
