// The Cloudflare adapter's public face: `createProvider` for the factory, plus the pieces other parts
// may want (the shared request budget, for status and metrics). See README.md for the two modes.
import { secretFromEnv } from '../../src/config/index.ts';
import type { DnsProvider, ProviderContext, ProviderFactory } from '../provider.ts';
import { budgets, type RequestBudget, registerBudgetGauge } from './budget.ts';
import { createClient } from './client.ts';
import { CloudflareLoadBalancerProvider } from './lb-provider.ts';
import { type AdapterOptions, type CloudflareConfig, CloudflareRecordsProvider } from './records-provider.ts';

export {
  budgets,
  type CloudflareConfig,
  CloudflareLoadBalancerProvider,
  CloudflareRecordsProvider,
  type RequestBudget,
  registerBudgetGauge,
};

export interface CloudflareOptions extends AdapterOptions {
  /** Budget window (Cloudflare: 5 minutes); tests shorten it. */
  budgetWindowMs?: number;
  maxRetries?: number;
  /** Longest 429 retry-after sat through inside one call; longer blocks fail fast (retryable). */
  maxWaitMs?: number;
}

/** Builds the adapter with explicit options (tests, benchmarks); the factory uses the defaults. */
export function createCloudflareProvider(
  id: string,
  cfg: CloudflareConfig,
  ctx: ProviderContext,
  options: CloudflareOptions = {},
): CloudflareRecordsProvider | CloudflareLoadBalancerProvider {
  const apiToken = secretFromEnv(cfg.apiTokenEnv, `providers.${id}.apiTokenEnv`, ctx.env);
  const client = createClient({
    provider: id,
    apiToken,
    apiVersion: cfg.apiVersion,
    ...(cfg.baseURL === undefined ? {} : { baseURL: cfg.baseURL }),
    requestBudget: cfg.requestBudget,
    ...(options.budgetWindowMs === undefined ? {} : { budgetWindowMs: options.budgetWindowMs }),
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
    ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
    ...(ctx.logger === undefined ? {} : { logger: ctx.logger }),
  });
  return cfg.mode === 'load-balancer'
    ? new CloudflareLoadBalancerProvider(id, cfg, ctx, client, options)
    : new CloudflareRecordsProvider(id, cfg, ctx, client, options);
}

export const createProvider: ProviderFactory<CloudflareConfig> = (id, cfg, ctx): DnsProvider =>
  createCloudflareProvider(id, cfg, ctx);
