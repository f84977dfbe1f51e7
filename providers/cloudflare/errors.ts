// Cloudflare API failures -> typed errors that name what is wrong and what to do. The SDK throws
// APIError subclasses carrying `status` and `errors[{code, message}]`; we key on those codes.
import { APIError } from 'cloudflare';
import {
  ConflictError,
  type ErrorContext,
  GeofailoverError,
  InvalidChangeError,
  ProviderError,
} from '../../src/model/index.ts';

/** Error codes Cloudflare documents or is seen returning. */
export const CF = {
  AUTH: 10000,
  INVALID_ZONE_ID: 7003,
  ZONE_NOT_FOUND: 1001,
  RECORD_EXISTS: 81057,
  IDENTICAL_EXISTS: 81058,
  RECORD_MISSING: 81044,
  BAD_TTL: 9021,
} as const;

export interface ErrorWhere {
  provider: string;
  zone?: string;
  zoneId?: string;
  /** What we were doing: "list DNS records", "apply batch 1/3". */
  action: string;
  /** Load-balancer calls: a 403 there means the account lacks Load Balancing. */
  loadBalancing?: boolean;
  /** Set when a batch call failed: the batch was rolled back as a whole. */
  batch?: boolean;
  /** The environment variable the token came from (named in the remedy; the token never is). */
  tokenEnv?: string;
}

function codes(err: APIError): number[] {
  return (err.errors ?? []).map((e) => Number((e as { code?: unknown }).code)).filter(Number.isFinite);
}

function detail(err: APIError): string {
  const parts = (err.errors ?? []).map((e) => `${(e as { code?: unknown }).code}: ${e.message}`);
  return parts.length > 0 ? parts.join('; ') : `HTTP ${err.status}`;
}

/** Translate any error thrown by an SDK call. Non-API errors (network, abort) become retryable. */
export function translateError(err: unknown, where: ErrorWhere): GeofailoverError {
  if (err instanceof GeofailoverError) return err;
  const ctx: ErrorContext = { provider: where.provider, cause: err };
  if (where.zone !== undefined) ctx.zone = where.zone;
  const rolledBack = where.batch ? ' (the batch was rolled back: nothing in it was applied)' : '';
  if (!(err instanceof APIError) || err.status === undefined) {
    const msg = err instanceof Error ? err.message : String(err);
    return new ProviderError(`cloudflare ${where.action} failed: ${msg}${rolledBack}`, {
      ...ctx,
      retryable: true,
      remedy: 'check network access to the Cloudflare API; the next reconcile retries',
    });
  }
  const c = codes(err);
  const d = detail(err);
  if (c.includes(CF.AUTH) || err.status === 401) {
    return new ProviderError(`cloudflare ${where.action}: the API token was rejected (${d})${rolledBack}`, {
      ...ctx,
      remedy:
        `set ${where.tokenEnv ?? "the provider's apiTokenEnv variable"} to a valid API token with Zone:DNS:Edit on this zone` +
        (where.loadBalancing ? ' and Load Balancing: Edit on the account' : ''),
    });
  }
  if (c.includes(CF.INVALID_ZONE_ID) || c.includes(CF.ZONE_NOT_FOUND)) {
    return new ProviderError(
      `cloudflare ${where.action}: zone id ${where.zoneId ?? '?'} was not found (${d})`,
      {
        ...ctx,
        value: where.zoneId,
        remedy:
          'set the provider zoneId to the id shown on the zone overview page in the Cloudflare dashboard',
      },
    );
  }
  if (err.status === 403 && where.loadBalancing) {
    return new ProviderError(
      `cloudflare ${where.action}: Load Balancing is not available to this account or token (${d})`,
      {
        ...ctx,
        remedy:
          'enable Load Balancing on the Cloudflare account and give the token Load Balancing: Edit, or use `mode: records` (failover only)',
      },
    );
  }
  if (err.status === 403) {
    return new ProviderError(`cloudflare ${where.action}: permission denied (${d})`, {
      ...ctx,
      remedy: 'give the API token Zone:DNS:Edit on this zone',
    });
  }
  if (err.status === 429) {
    return new ProviderError(`cloudflare ${where.action}: rate limited (${d})${rolledBack}`, {
      ...ctx,
      retryable: true,
      remedy: 'wait for the block to end (the next reconcile retries); lower requestBudget if this repeats',
    });
  }
  if (c.includes(CF.RECORD_MISSING) || c.includes(CF.RECORD_EXISTS) || c.includes(CF.IDENTICAL_EXISTS)) {
    return new ConflictError(
      `cloudflare ${where.action}: the zone changed since it was read (${d})${rolledBack}`,
      { ...ctx, retryable: true, remedy: 're-plan: the next reconcile reads the zone again' },
    );
  }
  if (c.includes(CF.BAD_TTL) || err.status === 400) {
    return new InvalidChangeError(`cloudflare ${where.action}: rejected (${d})${rolledBack}`, {
      ...ctx,
      remedy: c.includes(CF.BAD_TTL)
        ? 'use ttl 1 (Auto) or 60-86400 (30 on Enterprise; set minTtl) for DNS-only records'
        : 'fix the record in config; see the Cloudflare message above',
    });
  }
  return new ProviderError(`cloudflare ${where.action}: HTTP ${err.status} (${d})${rolledBack}`, {
    ...ctx,
    retryable: err.status >= 500 || err.status === 408 || err.status === 409,
    remedy: 'retry later; if it persists, check the Cloudflare status page',
  });
}
