// The shared request budget: sliding window, server blocks, one budget per token, token never kept.
import { Registry, register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  budgetFor,
  RequestBudget,
  registerBudgetGauge,
  tokenKey,
} from '../../../providers/cloudflare/budget.ts';

describe('RequestBudget', () => {
  it('admits `limit` requests per window and frees slots as they age out', async () => {
    let now = 1_000_000;
    const b = new RequestBudget({ limit: 3, windowMs: 1000 }, () => now);
    await b.take();
    await b.take();
    await b.take();
    expect(b.remaining).toBe(0);
    // next slot: after the window plus the network margin (5% of it)
    expect(b.waitMs()).toBeGreaterThan(1000);
    expect(b.waitMs()).toBeLessThanOrEqual(1051);
    now += 1051;
    expect(b.remaining).toBe(3);
    expect(b.waitMs()).toBe(0);
  });

  it('also keeps under the per-second limit', async () => {
    let now = 0;
    const b = new RequestBudget({ limit: 1200, windowMs: 300_000, perSecond: 2 }, () => now);
    await b.take();
    await b.take();
    expect(b.waitMs()).toBe(1001);
    now = 1001;
    expect(b.waitMs()).toBe(0);
  });

  it('a 429 blocks every caller until retry-after has passed', () => {
    let now = 0;
    const b = new RequestBudget({ limit: 100, windowMs: 1000 }, () => now);
    b.block(5000);
    expect(b.blockedForMs).toBe(5000);
    expect(b.waitMs()).toBe(5000);
    now = 5000;
    expect(b.waitMs()).toBe(0);
  });

  it('serves waiting callers in order and never exceeds the limit in any window', async () => {
    const b = new RequestBudget({ limit: 4, windowMs: 200 });
    const times: number[] = [];
    await Promise.all(Array.from({ length: 10 }, () => b.take().then(() => times.push(Date.now()))));
    times.sort((x, y) => x - y);
    for (let i = 4; i < times.length; i++) expect(times[i]! - times[i - 4]!).toBeGreaterThanOrEqual(200);
  });

  it('an aborted wait rejects without wedging the queue', async () => {
    const b = new RequestBudget({ limit: 1, windowMs: 300 });
    await b.take();
    const ac = new AbortController();
    const waiting = b.take(ac.signal);
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await b.take(); // the next caller still gets its turn once the window passes
  });
});

describe('budget registry', () => {
  it('shares one budget per token and never keeps the token', () => {
    const a = budgetFor('secret-token-a', { limit: 1200, windowMs: 300_000 });
    expect(budgetFor('secret-token-a', { limit: 1200, windowMs: 300_000 })).toBe(a);
    expect(budgetFor('secret-token-b', { limit: 1200, windowMs: 300_000 })).not.toBe(a);
    expect(tokenKey('secret-token-a')).not.toContain('secret');
    expect(tokenKey('secret-token-a')).toHaveLength(16);
  });

  it('exposes the budget left as a gauge labelled by the token hash', async () => {
    registerBudgetGauge();
    registerBudgetGauge(); // idempotent
    budgetFor('gauge-token', { limit: 50, windowMs: 300_000 });
    const text = await register.getSingleMetricAsString('geofailover_cloudflare_budget_remaining');
    expect(text).toContain(`token="${tokenKey('gauge-token')}"} 50`);
    expect(text).not.toContain('gauge-token');
  });

  it('registers on a given registry (the controller has its own)', async () => {
    const own = new Registry();
    registerBudgetGauge(own);
    expect(await own.getSingleMetricAsString('geofailover_cloudflare_budget_remaining')).toContain('token="');
  });
});
