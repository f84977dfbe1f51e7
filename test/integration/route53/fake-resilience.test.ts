// The Route 53 adapter under trouble, against the strict fake: throttling and prior-request bursts,
// the shared request budget, pagination with identifiers and its cap, slow INSYNC, and bad input
// (unknown hosted zone, wrong zone, missing credentials, hand-edited records) failing before writes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProvider, Route53Provider, resetBudgets } from '../../../providers/route53/index.ts';
import { ConflictError, ProviderError, UsageError } from '../../../src/model/index.ts';
import { FakeRoute53, type FakeZone } from '../../fakes/route53/index.ts';
import {
  awsConfig,
  converge,
  dummyCredentials,
  FAST,
  makeConfig,
  OWNER,
  plan,
  providerConfig,
  RECORDS,
} from './helpers.ts';

let fake: FakeRoute53;
let zone: FakeZone;
let restore: () => void;
const ALL = [RECORDS.failover, RECORDS.weighted, RECORDS.geo];

beforeAll(async () => {
  restore = dummyCredentials();
  fake = await new FakeRoute53().start();
});
afterAll(async () => {
  await fake.close();
  restore();
});
beforeEach(() => {
  fake.zones.clear();
  fake.clearLog();
  Object.assign(fake.opts, { pendingPolls: 0, invalidChangeBatchShape: 'error-response' });
  zone = fake.createZone('example.com');
  resetBudgets();
});

function setup(over: Record<string, unknown> = {}, opts: object = {}, records: readonly object[] = ALL) {
  const config = makeConfig(providerConfig(fake.url, zone.id, over), records);
  const provider = new Route53Provider('aws', awsConfig(config), OWNER, { ...FAST, ...opts });
  return { config, provider };
}

const noWrites = () => expect(fake.writes()).toBe(0);

describe('route53 adapter: throttling and budget', () => {
  it('rides out a Throttling burst on reads and a PriorRequestNotComplete burst on writes', async () => {
    const { config, provider } = setup();
    fake.failNext('ListResourceRecordSets', 'Throttling', 3);
    fake.failNext('ChangeResourceRecordSets', 'PriorRequestNotComplete', 2);
    fake.failNext('GetChange', 'ServiceUnavailable', 1, 503);
    const { outcome, again } = await converge(config, provider);
    expect(outcome.status).toBe('applied');
    expect(again.changes).toEqual([]);
    expect(fake.log.filter((l) => l.code === 'Throttling')).toHaveLength(3);
    expect(fake.log.filter((l) => l.code === 'PriorRequestNotComplete')).toHaveLength(2);
    expect(provider.stats.retries).toBe(6);
    // Exactly one accepted write.
    expect(fake.log.filter((l) => l.op === 'ChangeResourceRecordSets' && l.status === 200)).toHaveLength(1);
  });

  it('gives up after its attempts with a retryable error, having written nothing', async () => {
    const { config, provider } = setup({}, { retry: { maxAttempts: 3, baseMs: 1, capMs: 5 } });
    const p = await plan(config, provider);
    fake.failNext('ChangeResourceRecordSets', 'Throttling', 10);
    const err = await provider.apply('example.com', p.changes).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/still failing after retries \(Throttling/);
    expect(fake.log.filter((l) => l.op === 'ChangeResourceRecordSets')).toHaveLength(3);
    expect(zone.rrsets.size).toBe(2);
  });

  it('two providers on one account and endpoint share one request budget', async () => {
    // 60 records, pages of 5: each read is ~13 list calls; two readers at once under 20 requests/s.
    for (let i = 0; i < 60; i++)
      zone.put({ name: `n${i}.example.com.`, type: 'A', ttl: 30, values: ['192.0.2.1'] });
    const a = setup({ requestsPerSecond: 20 }, { pageSize: 5 }).provider;
    const b = setup({ requestsPerSecond: 20 }, { pageSize: 5 }).provider;
    await Promise.all([a.records('example.com'), b.records('example.com')]);
    const times = fake.log.map((l) => l.at).sort((x, y) => x - y);
    expect(times.length).toBeGreaterThanOrEqual(28);
    // Token bucket: any window of w ms holds at most burst + w * rate requests (1 of slack for timers).
    const rate = 20 / 1000;
    for (let i = 0; i < times.length; i++)
      for (let j = i; j < times.length; j++)
        expect(j - i + 1).toBeLessThanOrEqual(20 + (times[j]! - times[i]!) * rate + 1);
  });
});

describe('route53 adapter: reading', () => {
  it('pages with NextRecordName/Type/Identifier across weighted sets without losing or repeating one', async () => {
    for (let i = 0; i < 23; i++)
      zone.put({
        name: 'w.example.com.',
        type: 'A',
        setId: `s${String(i).padStart(2, '0')}`,
        weight: 1,
        ttl: 30,
        values: ['192.0.2.1'],
      });
    zone.put({ name: '_geofailover.w.example.com.', type: 'TXT', ttl: 300, values: [`"owner=${OWNER}"`] });
    zone.put({ name: '*.example.com.', type: 'A', ttl: 30, values: ['192.0.2.7'] });
    const { provider } = setup({}, { pageSize: 4 });
    const got = await provider.records('example.com', { names: ['*.example.com'] });
    const ids = got.filter((r) => r.name === 'w.example.com.').map((r) => r.setId);
    expect(ids).toHaveLength(23);
    expect(new Set(ids).size).toBe(23);
    expect(got.find((r) => r.name === '*.example.com.')?.values).toEqual(['192.0.2.7']);
    expect(fake.count('ListResourceRecordSets')).toBe(Math.ceil(zone.rrsets.size / 4));
  });

  it('stops at the page cap with an error naming the zone', async () => {
    for (let i = 0; i < 20; i++)
      zone.put({ name: `n${i}.example.com.`, type: 'A', ttl: 30, values: ['192.0.2.1'] });
    const { provider } = setup({ maxPages: 2 }, { pageSize: 3 });
    const err = await provider.records('example.com').catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(/zone example\.com\.: more than 2 pages/);
    expect(err.context.remedy).toMatch(/maxPages/);
    expect(fake.count('ListResourceRecordSets')).toBe(2);
  });

  it('a hand-edited record at one of our names is one clear error; nothing is written', async () => {
    const { config, provider } = setup();
    await converge(config, provider);
    zone.put({
      name: 'api.example.com.',
      type: 'A',
      setId: 'us-east',
      failover: 'PRIMARY',
      ttl: 30,
      values: ['192.0.2.10'],
    });
    zone.put({
      name: 'app.example.com.',
      type: 'A',
      ttl: 30,
      values: ['192.0.2.10'],
      healthCheckId: 'hc-1234',
    });
    fake.clearLog();
    const err = await plan(config, provider, { 'us-east': 'down' }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(/app\.example\.com\. A: it has a Route 53 health check \(hc-1234\)/);
    expect(err.message).toMatch(/api\.example\.com\. A: it uses failover routing/);
    expect(err.message).toMatch(/zone example\.com\./);
    noWrites();
  });
});

describe('route53 adapter: waiting for INSYNC', () => {
  it('polls a PENDING change until INSYNC and reports the time', async () => {
    fake.opts.pendingPolls = 4;
    const { config, provider } = setup();
    const { outcome } = await converge(config, provider);
    expect(fake.count('GetChange')).toBe(5);
    expect(outcome.result?.syncMs).toBeGreaterThan(0);
  });

  it('stops waiting at syncTimeout without failing the accepted change', async () => {
    fake.opts.pendingPolls = 1_000_000;
    const { config, provider } = setup({ syncTimeout: '150ms' });
    const p = await plan(config, provider);
    const res = await provider.apply('example.com', p.changes);
    expect(res.applied).toBe(p.changes.length);
    expect(res.syncMs).toBeUndefined();
    expect(fake.count('GetChange')).toBeGreaterThan(1);
    expect((await plan(config, provider)).changes).toEqual([]);
  });
});

describe('route53 adapter: bad input fails before any write', () => {
  it('an unknown hosted zone id names the zone, the id and what to do', async () => {
    const { provider } = setup({ hostedZoneId: 'ZDOESNOTEXIST' });
    const err = await provider.records('example.com').catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(/zone example\.com\. \(hosted zone ZDOESNOTEXIST\)/);
    expect(err.context.remedy).toMatch(/hostedZoneId/);
    noWrites();
  });

  it('a hosted zone of another name is refused', async () => {
    const other = fake.createZone('example.org');
    const { config, provider } = setup({ hostedZoneId: other.id });
    const err = await plan(config, provider).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/is example\.org\., not example\.com\./);
    noWrites();
  });

  it('missing credentials: one clear error, no request at all', async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_CONFIG_FILE: '/nonexistent/config',
    });
    try {
      const { provider } = setup();
      const err = await provider.records('example.com').catch((e) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.message).toMatch(/no AWS credentials found/);
      expect(err.context.remedy).toMatch(/AWS_ACCESS_KEY_ID/);
      expect(fake.log).toHaveLength(0);
    } finally {
      for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  it('the factory builds the adapter from config, taking credentials from the environment it is given', async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    try {
      const { config } = setup();
      const env = { AWS_ACCESS_KEY_ID: 'AKIDFROMCTX', AWS_SECRET_ACCESS_KEY: 'ctx-secret' };
      const provider = await createProvider('aws', awsConfig(config), { owner: OWNER, config, env });
      expect(provider.kind).toBe('route53');
      const { again } = await converge(config, provider);
      expect(again.changes).toEqual([]);
      await provider.close?.();
    } finally {
      for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  it('a stale DELETE is a ConflictError with the real API error shape too (<InvalidChangeBatch><Messages>)', async () => {
    fake.opts.invalidChangeBatchShape = 'messages';
    const { config, provider } = setup();
    await converge(config, provider);
    const stale = await plan(config, provider, { 'us-east': 'down' });
    zone.put({
      name: 'api.example.com.',
      type: 'A',
      setId: 'us-east',
      weight: 70,
      ttl: 30,
      values: ['192.0.2.99'],
    });
    const err = await provider.apply('example.com', stale.changes).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toMatch(/api\.example\.com/);
    const { again } = await converge(config, provider, { 'us-east': 'down' });
    expect(again.changes).toEqual([]);
  });
});
