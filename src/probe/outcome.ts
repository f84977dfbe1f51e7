// The check contract under the name the agent imports it by; the checks and their contract live in
// checks/.
export type { CheckOutcome, RunnableCheck } from './checks/outcome.ts';
