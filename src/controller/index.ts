// Controller: the running process (startController) and what it keeps: its scheduler, event log and
// drain store; the plan/apply pass it shares with the CLI is src/reconcile, re-exported here.
export {
  type ApplyMode,
  type ApplyOutcome,
  type ApplyPlanOptions,
  type ApplyStatus,
  type ApplyZoneOptions,
  applyPlan,
  applyZonePlan,
  closeProviders,
  NotConvergedError,
  type OpenProvidersOptions,
  openProviders,
  PartialApplyError,
  type PlanZonesOptions,
  planZoneOf,
  planZones,
  storedApiWindows,
} from '../reconcile/index.ts';
export { type ControllerOptions, type RunningController, startController } from './runtime/runtime.ts';
export { ReconcileScheduler, type Trigger } from './runtime/scheduler.ts';
export { EventLog, type StoredEvent } from './state/event-log.ts';
export type { DrainRecord } from './state/state-store.ts';
export { type ExplainDoc, explain, renderExplain } from './views/explain.ts';
