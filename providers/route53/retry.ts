// Our retry policy for Route 53 calls (the SDK's own retries are off: maxAttempts 1 in client.ts), so
// throttling, PriorRequestNotComplete and 5xx back off with exponential delay and full jitter, and
// every attempt passes through the shared request budget.
import { type Clock, realClock } from './budget.ts';

export interface RetryOptions {
  /** Total attempts including the first. */
  maxAttempts: number;
  /** First backoff ceiling; doubles per attempt. */
  baseMs: number;
  /** Largest backoff ceiling. */
  capMs: number;
  /** Uniform [0,1); injectable for tests. */
  random: () => number;
  clock: Clock;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 8,
  baseMs: 200,
  capMs: 20_000,
  random: Math.random,
  clock: realClock,
};

const RETRYABLE_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'PriorRequestNotComplete',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);

interface AwsishError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** True for throttling, prior-request-in-progress, 429, 5xx and transient network failures. */
export function isRetryable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as AwsishError;
  if (e.name === 'AbortError') return false;
  if (e.name && RETRYABLE_NAMES.has(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  return false;
}

/** Full jitter: uniform in [0, min(cap, base * 2^attempt)). */
export function backoffMs(attempt: number, opts: Pick<RetryOptions, 'baseMs' | 'capMs' | 'random'>): number {
  return Math.floor(opts.random() * Math.min(opts.capMs, opts.baseMs * 2 ** attempt));
}

export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  opts: RetryOptions,
  signal?: AbortSignal,
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (signal?.aborted || !isRetryable(err) || attempt + 1 >= opts.maxAttempts) throw err;
      const delay = backoffMs(attempt, opts);
      onRetry?.(err, attempt, delay);
      await opts.clock.sleep(delay, signal);
    }
  }
}
