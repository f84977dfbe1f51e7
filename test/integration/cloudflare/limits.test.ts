// Budget, rate limits, faults and bad input against the fake API: a 429 storm is waited out without
// going over the server's limit, 5xx is retried, pagination stops on total_pages, and an unknown
// zone is one clear error with nothing written (a refused token is a case of the conformance table).
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError, UsageError } from '../../../src/model/index.ts';
import type { FakeCloudflare } from '../../fakes/cloudflare/index.ts';
import { converge, failover, makeConfig, plan, provider, startFake, ZONE_ID } from './harness.ts';

const names = (n: number) =>
  Array.from({ length: n }, (_, i) => failover(`n${i}.example.com`, ['us-east', 'eu-west']));

describe('cloudflare limits and faults', () => {
  let fake: FakeCloudflare;
  afterEach(async () => {
    await fake.stop();
  });

  it('waits out a 429 storm (retry-after) and still converges', async () => {
    fake = await startFake();
    const config = makeConfig({ baseURL: fake.url, records: names(3) });
    const p = provider(config, { budgetWindowMs: 60_000 });
    fake.inject({ status: 429, retryAfter: 1, times: 3 });
    const started = Date.now();
    const { outcome } = await converge(config, p);
    expect(outcome.verified).toBe(true);
    // three 429s answered "retry after 1 s": the client waited rather than hammering
    expect(Date.now() - started).toBeGreaterThanOrEqual(2500);
    expect(fake.calls.filter((c) => c.status === 429)).toHaveLength(3);
    expect((await plan(config, p)).changes).toEqual([]);
  }, 30_000);

  it('stays inside the request budget: the server never has to refuse', async () => {
    // The server enforces 12 requests per 2 s; the client is told the same budget.
    fake = await startFake({ token: 'budget-token-1', rateLimit: { limit: 12, windowMs: 2000 } });
    const config = makeConfig({
      baseURL: fake.url,
      records: names(2),
      provider: { requestBudget: 12 },
    });
    const p = provider(config, { budgetWindowMs: 2000 }, 'budget-token-1');
    await converge(config, p);
    // 20 reads at once: more than the budget allows in one window
    await Promise.all(Array.from({ length: 20 }, () => p.records('example.com', {})));
    expect(fake.overLimit).toBe(0);
    expect(fake.maxInWindow(2000)).toBeLessThanOrEqual(12);
    expect((p as unknown as { budgetRemaining: number }).budgetRemaining).toBeLessThanOrEqual(12);
  }, 30_000);

  it('fails fast (retryable) when told to wait longer than it may', async () => {
    // Its own token: the block it provokes is shared by everything under that token.
    fake = await startFake({ token: 'block-token' });
    const config = makeConfig({ baseURL: fake.url, records: names(1) });
    const p = provider(config, { maxWaitMs: 500 }, 'block-token');
    fake.inject({ status: 429, retryAfter: 300, times: 1 });
    const err = await plan(config, p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(true);
    // and does not send anything while the block lasts
    const before = fake.calls.length;
    await expect(plan(config, p)).rejects.toThrow(/rate limited/);
    expect(fake.calls.length).toBe(before);
  });

  it('a spent budget fails fast (retryable) without sending', async () => {
    fake = await startFake({ token: 'spent-token' });
    const config = makeConfig({ baseURL: fake.url, records: names(1), provider: { requestBudget: 3 } });
    const p = provider(config, { budgetWindowMs: 60_000, maxWaitMs: 500 }, 'spent-token');
    await p.records('example.com', {}); // zone check + one list
    await p.records('example.com', {}); // one list
    const err = await p.records('example.com', {}).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/request budget \(3 per 60 s\) spent/);
    expect((err as ProviderError).retryable).toBe(true);
    expect(fake.calls).toHaveLength(3);
  });

  it('retries 5xx', async () => {
    fake = await startFake();
    const config = makeConfig({ baseURL: fake.url, records: names(1) });
    const p = provider(config);
    fake.inject({ status: 503, times: 2 });
    const { outcome } = await converge(config, p);
    expect(outcome.verified).toBe(true);
  }, 30_000);

  it('reads page by page and stops on total_pages (no extra empty page)', async () => {
    fake = await startFake();
    const config = makeConfig({ baseURL: fake.url, records: names(12) });
    const p = provider(config, { perPage: 5 });
    await converge(config, p);
    fake.resetCalls();
    await p.records('example.com', {});
    // 12 names x 2 A values = 24 records = 5 pages of 5
    expect(fake.count({ method: 'GET', path: /dns_records$/ })).toBe(5);
  });

  it('an unknown zone id is one clear error', async () => {
    fake = await startFake({ zones: [{ id: 'ffffffffffffffffffffffffffffffff', name: 'example.com' }] });
    const config = makeConfig({ baseURL: fake.url, records: names(1) });
    const err = await plan(config, provider(config)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toContain(`zone id ${ZONE_ID} was not found`);
    expect((err as ProviderError).context.remedy).toMatch(/zoneId/);
  });

  it('a zone id of another domain is a usage error', async () => {
    fake = await startFake({ zones: [{ id: ZONE_ID, name: 'example.org' }] });
    const config = makeConfig({ baseURL: fake.url, records: names(1) });
    await expect(plan(config, provider(config))).rejects.toBeInstanceOf(UsageError);
  });

  it('a batch the API rejects leaves the zone untouched (all or nothing)', async () => {
    fake = await startFake();
    const config = makeConfig({ baseURL: fake.url, records: names(3) });
    const p = provider(config);
    await converge(config, p);
    const zone = [...fake.zones.values()][0]!;
    const snapshot = JSON.stringify([...zone.records.values()]);
    // Someone deletes a record between our read and our write: the batch's patch of it fails.
    const zp = await plan(config, p, { 'us-east': 'down' });
    const victim = [...zone.records.values()].find((r) => r.name === 'n2.example.com')!;
    zone.delete(victim.id);
    const after = JSON.stringify([...zone.records.values()]);
    await expect(p.apply('example.com', zp.changes)).rejects.toThrow(/rolled back/);
    expect(JSON.stringify([...zone.records.values()])).toBe(after);
    expect(after).not.toBe(snapshot);
  });

  it('a failure after some batches says how far it got, and the next pass finishes', async () => {
    fake = await startFake();
    const config = makeConfig({ baseURL: fake.url, records: names(3), provider: { batchSize: 2 } });
    const p = provider(config);
    await converge(config, p);
    // 3 names x 2 values = 6 patches = 3 batches; the second one is refused
    fake.inject({
      status: 400,
      code: 9999,
      message: 'refused by test',
      times: 1,
      skip: 1,
      match: (m, path) => m === 'POST' && path.endsWith('/batch'),
    });
    const zp = await plan(config, p, { 'us-east': 'down' });
    const err = await p.apply('example.com', zp.changes).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/batches 1-1 of 3 were applied/);
    expect((err as ProviderError).retryable).toBe(true);
    const { outcome } = await converge(config, p, { 'us-east': 'down' });
    expect(outcome.verified).toBe(true);
    expect((await plan(config, p, { 'us-east': 'down' })).changes).toEqual([]);
  });

  it('the spy counts requests by route', async () => {
    fake = await startFake();
    const config = makeConfig({ baseURL: fake.url, records: names(2) });
    await converge(config, provider(config));
    expect(fake.byRoute()).toMatchObject({
      'GET /zones/:id': 1,
      'POST /zones/:id/dns_records/batch': 1,
    });
    expect(fake.byRoute()['GET /zones/:id/dns_records']).toBeGreaterThanOrEqual(2);
  });
});
