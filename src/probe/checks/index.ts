// Endpoint check kinds' public face: the registry (each kind's config schema and compiled check), the
// contract a kind implements, several checks on one endpoint combined into one (composite), and the
// HTTP check the agent's canaries reuse. Everything here is light (no socket code until a check
// runs), so the config schema imports it.
export {
  type CheckPartConfig,
  type Combine,
  checkPartSchema,
  combineOutcomes,
  combineSchema,
  endpointChecksProblems,
  MAX_CHECKS,
  type PartOutcome,
} from './combine.ts';
export { type CompositePart, compositeCheck, partNames } from './composite.ts';
export { type CheckDefinition, type CheckTarget, defineCheck } from './definition.ts';
export { compileHttpCheck, type HttpCheckOptions } from './http.ts';
export type { CheckOutcome, FailedCheck, RunnableCheck } from './outcome.ts';
export { type CheckKind, checkDefinitionOf, checkDefinitions, checkKinds, checkSchemas } from './registry.ts';
