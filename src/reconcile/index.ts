// The plan/apply pass that `plan`, `apply` and the controller share: open the providers, plan every
// zone, apply through the applier (the one writer to a provider), confirm propagation, and
// what a writer's lease and the operator's stored windows mean for it. The CLI imports the single
// modules it needs instead, so `plan` never loads the verifier's DNS client.
export {
  type ApplyMode,
  type ApplyOutcome,
  type ApplyStatus,
  type ApplyZoneOptions,
  applyLeaseChange,
  applyZonePlan,
  NotConvergedError,
} from './applier.ts';
export {
  type BlockedZone,
  expiredNote,
  type LeaseStanding,
  type LeaseTiming,
  leaseStanding,
  ZoneHeldError,
} from './lease-standing.ts';
export { type NameserversFor, nameserverLookup } from './nameservers.ts';
export {
  applySharedOverride,
  type OverrideAction,
  overrideActions,
  overrideOf,
  overrideRecordOf,
  windowOf,
} from './operator-conversions.ts';
export { MaintenanceStore, OverrideStore, storedApiWindows } from './operator-stores.ts';
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
export {
  type Expectation,
  expectationsFor,
  type GeoNetwork,
  type NameserverResult,
  secondaryExpectations,
  subnetFor,
  type VerifyResult,
  verifyPropagation,
} from './verify.ts';
