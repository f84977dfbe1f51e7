// Builds the Route 53 SDK client: credentials from the SDK's default chain (environment, profile,
// container and instance roles), region and endpoint from config, and the SDK's retries OFF
// (maxAttempts 1) so retry.ts owns the policy and every attempt is counted against the budget.
import { Route53Client } from '@aws-sdk/client-route-53';
import type { z } from 'zod';
import type { route53Schema } from './definition.ts';

export type Route53Config = z.output<typeof route53Schema>;

/**
 * `env` is the environment the provider was opened with; when a caller passes one other than
 * process.env (an embedding, a test) and it holds a key pair, that pair is used; otherwise the SDK's
 * default chain runs (environment, shared profile, SSO, container and instance roles).
 */
export function createClient(cfg: Route53Config, env: NodeJS.ProcessEnv = process.env): Route53Client {
  // The SDK version is pinned; its notice that *later* versions will need Node 22 would print seven
  // lines on every command. An operator who sets the variable explicitly keeps their choice.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const explicit =
    env !== process.env && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {};
  return new Route53Client({
    region: cfg.region,
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    maxAttempts: 1,
    ...explicit,
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
