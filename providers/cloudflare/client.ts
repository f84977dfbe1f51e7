// Builds the Cloudflare SDK client: token from the environment, pinned api-version, baseURL for tests,
// SDK retries on (408/409/429/5xx, retry-after honoured) and every HTTP request — retries included —
// passing through the shared request budget first.
import Cloudflare from 'cloudflare';
import type { Logger } from '../../src/log/index.ts';
import { budgetFor, type RequestBudget } from './budget.ts';

export interface ClientOptions {
  provider: string;
  apiToken: string;
  apiVersion: string;
  baseURL?: string;
  requestBudget: number;
  /** Budget window; Cloudflare's is 5 minutes (tests shorten it). */
  budgetWindowMs?: number;
  /** SDK retries per call. */
  maxRetries?: number;
  /** Longest server-imposed wait (429 retry-after) we sit through inside one call. */
  maxWaitMs?: number;
  timeoutMs?: number;
  logger?: Logger;
}

export interface CfClient {
  sdk: Cloudflare;
  budget: RequestBudget;
}

export const FIVE_MINUTES = 300_000;

/** Seconds or an HTTP date, as the Retry-After header allows; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && Number.isFinite(Number(ms))) return Number(ms);
  const v = headers.get('retry-after');
  if (v === null) return undefined;
  if (Number.isFinite(Number(v))) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export function createClient(o: ClientOptions): CfClient {
  const budget = budgetFor(o.apiToken, {
    limit: o.requestBudget,
    windowMs: o.budgetWindowMs ?? FIVE_MINUTES,
  });
  const maxWaitMs = o.maxWaitMs ?? 60_000;

  const budgetedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const signal = init?.signal ?? undefined;
    // A long server block: fail fast (retryable) rather than hold a reconcile for minutes; the
    // controller keeps serving status and the next pass tries again once the block is over.
    // Longer than we may wait inside one call (a server block, or the budget spent): answer locally
    // with a 429 the SDK will not retry (x-should-retry: false); the next reconcile tries again and
    // the controller keeps serving status meanwhile.
    const wait = budget.waitMs();
    if (wait > maxWaitMs) {
      const seconds = Math.ceil(wait / 1000);
      const why =
        budget.blockedForMs > 0
          ? `blocked by Cloudflare for another ${seconds} s after a 429`
          : `request budget (${budget.limit} per ${budget.windowMs / 1000} s) spent; next slot in ${seconds} s`;
      const body = {
        success: false,
        errors: [{ code: 971, message: `${why}; not sent` }],
        messages: [],
        result: null,
      };
      return new Response(JSON.stringify(body), {
        status: 429,
        headers: {
          'content-type': 'application/json',
          'retry-after': String(seconds),
          'x-should-retry': 'false',
        },
      });
    }
    await budget.take(signal);
    const res = await fetch(input, init);
    if (res.status === 429) {
      const wait = retryAfterMs(res.headers) ?? 1000;
      budget.block(wait);
      o.logger?.warn(
        { provider: o.provider, retryAfterMs: wait, budgetRemaining: budget.remaining },
        wait > maxWaitMs
          ? 'cloudflare rate limit (429): blocked longer than we wait in one call; failing this pass'
          : 'cloudflare rate limit (429): waiting as told',
      );
      if (wait > maxWaitMs) {
        // Tell the SDK not to sleep through it (x-should-retry is its documented override).
        const headers = new Headers(res.headers);
        headers.set('x-should-retry', 'false');
        return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
      }
    }
    return res;
  };

  const sdk = new Cloudflare({
    apiToken: o.apiToken,
    apiVersion: o.apiVersion,
    ...(o.baseURL === undefined ? {} : { baseURL: o.baseURL }),
    maxRetries: o.maxRetries ?? 4,
    // The SDK's timeout covers our wait for a budget slot inside fetch, so it includes maxWaitMs.
    timeout: (o.timeoutMs ?? 30_000) + maxWaitMs,
    fetch: budgetedFetch,
    // The SDK's own logger prints request lines to the console; ours is pino.
    logLevel: 'off',
  });
  return { sdk, budget };
}
