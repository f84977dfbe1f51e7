// Endpoint check kinds' public face: the registry (each kind's config schema and compiled check), the
// contract a kind implements, and the HTTP check the agent's canaries reuse. Everything here is light
// (no socket code until a check runs), so the config schema imports it.
export { type CheckDefinition, type CheckTarget, defineCheck } from './definition.ts';
export { compileHttpCheck, type HttpCheckOptions } from './http.ts';
export type { CheckOutcome, RunnableCheck } from './outcome.ts';
export { type CheckKind, checkDefinitionOf, checkDefinitions, checkKinds, checkSchemas } from './registry.ts';
