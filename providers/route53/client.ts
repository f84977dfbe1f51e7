// Builds the Route 53 SDK client: credentials from the SDK's default chain (environment, profile,
// container and instance roles), region and endpoint from config, and the SDK's retries OFF
// (maxAttempts 1) so retry.ts owns the policy and every attempt is counted against the budget.
import { Route53Client } from '@aws-sdk/client-route-53';
import type { ProviderConfig } from '../../src/config/index.ts';

export type Route53Config = Extract<ProviderConfig, { kind: 'route53' }>;

export function createClient(cfg: Route53Config): Route53Client {
  return new Route53Client({
    region: cfg.region,
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    maxAttempts: 1,
  });
}

/** The hosted zone id without its `/hostedzone/` prefix. */
export function bareZoneId(id: string): string {
  return id.replace(/^\/?hostedzone\//, '');
}

/** The change id without its `/change/` prefix. */
export function bareChangeId(id: string): string {
  return id.replace(/^\/?change\//, '');
}

/**
 * The identity requests are budgeted under: the endpoint (or partition region) and the access key.
 * Two providers with the same key through the same endpoint share one account's rate limit.
 */
export function budgetKey(cfg: Route53Config, accessKeyId: string): string {
  return `${cfg.endpoint ?? `aws:${cfg.region}`}|${accessKeyId}`;
}
