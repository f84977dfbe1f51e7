// The request budget (token bucket, FIFO, shared per account+endpoint) and the retry policy
// (retryable names and statuses, full-jitter exponential backoff), on a fake clock.
import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  isRetryable,
  RequestBudget,
  resetBudgets,
  sharedBudget,
  withRetry,
} from '../../../providers/route53/index.ts';

function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

describe('route53 request budget', () => {
  it('lets a burst through, then spaces requests at the rate', async () => {
    const clock = fakeClock();
    const b = new RequestBudget(5, 5, clock);
    for (let i = 0; i < 15; i++) await b.take();
    // 5 free, then 10 more at 200 ms each.
    expect(clock.now()).toBeCloseTo(2000, 5);
  });

  it('serves concurrent callers in order, never faster than the rate', async () => {
    const clock = fakeClock();
    const b = new RequestBudget(2, 1, clock);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => b.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(b.granted).toBe(4);
  });

  it('is shared per key, and the strictest rate wins', () => {
    resetBudgets();
    const a = sharedBudget('ep|AKIA1', 5);
    const b = sharedBudget('ep|AKIA1', 10);
    const c = sharedBudget('ep|AKIA2', 5);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    sharedBudget('ep|AKIA1', 2);
    expect(a.rate).toBe(2);
    resetBudgets();
  });
});

describe('route53 retry policy', () => {
  const err = (name: string, status?: number) =>
    Object.assign(new Error(name), { name, $metadata: status ? { httpStatusCode: status } : {} });

  it('retries throttling, prior-request, 429 and 5xx, not invalid input', () => {
    expect(isRetryable(err('Throttling', 400))).toBe(true);
    expect(isRetryable(err('PriorRequestNotComplete', 400))).toBe(true);
    expect(isRetryable(err('Whatever', 429))).toBe(true);
    expect(isRetryable(err('Whatever', 503))).toBe(true);
    expect(isRetryable(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(err('InvalidChangeBatch', 400))).toBe(false);
    expect(isRetryable(err('InvalidInput', 400))).toBe(false);
  });

  it('backs off with full jitter under an exponential ceiling', () => {
    const o = { baseMs: 100, capMs: 1000, random: () => 0.999 };
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffMs(a, o))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffMs(3, { ...o, random: () => 0 })).toBe(0);
  });

  it('retries until success, then stops', async () => {
    const clock = fakeClock();
    let n = 0;
    const out = await withRetry(
      async () => {
        if (n++ < 3) throw err('Throttling', 400);
        return 'ok';
      },
      { maxAttempts: 8, baseMs: 10, capMs: 100, random: () => 0.5, clock },
    );
    expect(out).toBe('ok');
    expect(clock.sleeps).toEqual([5, 10, 20]);
  });

  it('gives up after maxAttempts and does not retry a non-retryable error', async () => {
    const clock = fakeClock();
    let n = 0;
    const opts = { maxAttempts: 3, baseMs: 10, capMs: 100, random: () => 0.5, clock };
    await expect(
      withRetry(async () => {
        n++;
        throw err('Throttling', 400);
      }, opts),
    ).rejects.toThrow('Throttling');
    expect(n).toBe(3);
    n = 0;
    await expect(
      withRetry(async () => {
        n++;
        throw err('InvalidInput', 400);
      }, opts),
    ).rejects.toThrow();
    expect(n).toBe(1);
  });
});
