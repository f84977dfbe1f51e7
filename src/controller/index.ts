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
export { EventLog, type StoredEvent } from './event-log.ts';
export { type ExplainDoc, explain, renderExplain } from './explain.ts';
export { type ControllerOptions, type RunningController, startController } from './runtime.ts';
export { ReconcileScheduler, type Trigger } from './scheduler.ts';
export type { DrainRecord } from './state-store.ts';
