// The Route 53 adapter's public face: the factory the provider registry calls, and the pieces other
// parts (validation, benchmarks, tests) may use directly.
import type { ProviderFactory } from '../provider.ts';
import type { Route53Config } from './client.ts';
import { Route53Provider } from './provider.ts';

export const createProvider: ProviderFactory<Route53Config> = (id, cfg, ctx) =>
  new Route53Provider(id, cfg, ctx.owner, { env: ctx.env, ...(ctx.logger ? { logger: ctx.logger } : {}) });

export { type Batch, planBatches, REQUEST_LIMITS, type RequestLimits } from './batch.ts';
export { RequestBudget, resetBudgets, sharedBudget } from './budget.ts';
export type { Route53Config } from './client.ts';
export { mapError } from './errors.ts';
export { decodeName, fromWire, quoteTxt, toWire, unquoteTxt } from './mapping.ts';
export {
  type PollOptions,
  type Route53Options,
  Route53Provider,
  type Route53Stats,
  selectRecords,
} from './provider.ts';
export { LIMITS, validateChanges, validateGroup, validateRecord } from './record-checks.ts';
export { backoffMs, isRetryable, type RetryOptions, withRetry } from './retry.ts';
