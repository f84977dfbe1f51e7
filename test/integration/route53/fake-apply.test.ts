// The Route 53 adapter against the strict fake API (real SDK over HTTP on 127.0.0.1): what Route 53
// puts on the wire for every policy and a region failover (one call, DELETE+CREATE, INSYNC polls),
// a batch the API rejects, limits, dry-run. The conformance table covers the rest (converging,
// failing back, a lost compare-and-swap, throttling). Every test that writes ends by planning again.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Route53Provider, resetBudgets } from '../../../providers/route53/index.ts';
import { applyZonePlan } from '../../../src/controller/index.ts';
import { InvalidChangeError } from '../../../src/model/index.ts';
import { FakeRoute53, type FakeZone } from '../../fakes/route53/index.ts';
import { leaseRoundTrip } from '../../helpers/lease.ts';
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
  fake = await new FakeRoute53({ pendingPolls: 2 }).start();
});
afterAll(async () => {
  await fake.close();
  restore();
});
beforeEach(() => {
  fake.zones.clear();
  fake.clearLog();
  zone = fake.createZone('example.com');
  resetBudgets();
});

function setup(records: readonly object[] = ALL, over: Record<string, unknown> = {}, opts = {}) {
  const cfg = providerConfig(fake.url, zone.id, over);
  const config = makeConfig(cfg, records);
  const provider = new Route53Provider('aws', awsConfig(config), OWNER, {
    ...FAST,
    ...opts,
  });
  return { config, provider };
}

describe('route53 adapter on the strict fake', () => {
  it("keeps the controller's writer lease beside the records: taken, renewed, removed, never a planned change", async () => {
    const { config, provider } = setup();
    await converge(config, provider);
    await leaseRoundTrip(config, provider);
  });

  it('failover, weighted and geo: plan -> apply -> re-plan finds nothing, with markers and Route 53 attributes', async () => {
    const { config, provider } = setup();
    const { plan: p, outcome, again } = await converge(config, provider);
    expect(p.changes.length).toBeGreaterThan(0);
    expect(outcome.status).toBe('applied');
    expect(outcome.verified).toBe(true);
    expect(outcome.result?.applied).toBe(p.changes.length);
    expect(outcome.result?.syncMs).toBeGreaterThanOrEqual(0);
    expect(again.changes).toEqual([]);
    // One ChangeResourceRecordSets call for the whole zone.
    expect(fake.writes()).toBe(1);
    const rr = [...zone.rrsets.values()];
    expect(rr.find((r) => r.name === '_geofailover.app.example.com.')?.values).toEqual([`"owner=${OWNER}"`]);
    expect(rr.find((r) => r.name === 'app.example.com.')?.values.sort()).toEqual([
      '192.0.2.10',
      '192.0.2.11',
    ]);
    expect(
      rr
        .filter((r) => r.name === 'api.example.com.')
        .map((r) => [r.setId, r.weight])
        .sort(),
    ).toEqual([
      ['eu-west', 30],
      ['us-east', 70],
    ]);
    const geo = rr.filter((r) => r.name === 'www.example.com.');
    expect(geo.map((r) => r.geo)).toEqual(
      expect.arrayContaining([
        { ContinentCode: 'EU' },
        { CountryCode: 'US', SubdivisionCode: 'CA' },
        { CountryCode: '*' },
      ]),
    );
  });

  it('a region failover moves the answer, as DELETE(exact)+CREATE, and waits for INSYNC', async () => {
    const { config, provider } = setup();
    await converge(config, provider);
    fake.clearLog();
    const { plan: p, outcome, again } = await converge(config, provider, { 'us-east': 'down' });
    expect(p.changes.every((c) => c.kind === 'update')).toBe(true);
    expect(again.changes).toEqual([]);
    const app = [...zone.rrsets.values()].find((r) => r.name === 'app.example.com.' && r.type === 'A');
    expect(app?.values).toEqual(['198.51.100.10']);
    const www = [...zone.rrsets.values()].find((r) => r.name === 'www.example.com.' && r.setId === 'default');
    expect(www?.values).toEqual(['198.51.100.10']);
    // PENDING twice, then INSYNC: three polls of one change.
    expect(fake.count('GetChange')).toBe(3);
    expect(outcome.result?.calls).toBe(1 + 3);
  });

  it('one record the API rejects fails the batch with an error naming that record; nothing is written', async () => {
    // The policy never publishes an address unusable for the type, so hand the adapter a change set.
    const { provider } = setup();
    const rec = (name: string, v: string) => ({ name, type: 'A' as const, ttl: 30, values: [v] });
    const changes = [
      {
        kind: 'create' as const,
        after: rec('ok1.example.com.', '192.0.2.1'),
        reason: { code: 'config' as const },
      },
      {
        kind: 'create' as const,
        after: rec('bad.example.com.', '192.0.2.300'),
        reason: { code: 'config' as const },
      },
      {
        kind: 'create' as const,
        after: rec('ok2.example.com.', '192.0.2.2'),
        reason: { code: 'config' as const },
      },
    ];
    const err = await provider.apply('example.com', changes).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidChangeError);
    expect(err.context.record).toBe('bad.example.com. A');
    expect(err.message).toMatch(/because of record bad\.example\.com\. A.*IPv4/);
    expect([...zone.rrsets.values()].filter((r) => r.type !== 'NS' && r.type !== 'SOA')).toEqual([]);
  });

  it('2,000 records fail over in at most 4 change calls within the request limits', async () => {
    // One endpoint per region: each failover is DELETE(1 value) + CREATE(1 value), 4,000 records.
    const many = Array.from({ length: 2000 }, (_, i) => ({ ...RECORDS.failover, name: `h${i}.example.com` }));
    const { config, provider } = setup(many, {}, {});
    config.regions = config.regions.map((r) => ({ ...r, endpoints: r.endpoints.slice(0, 1) }));
    config.safety.minExisting = 1_000_000;
    await converge(config, provider);
    fake.clearLog();
    const { outcome, again } = await converge(config, provider, { 'us-east': 'down' });
    expect(outcome.result?.applied).toBe(2000);
    expect(fake.writes()).toBeLessThanOrEqual(4);
    expect(fake.log.filter((l) => l.op === 'ChangeResourceRecordSets').every((l) => l.status === 200)).toBe(
      true,
    );
    expect(again.changes).toEqual([]);
  });

  it('the fake enforces the 1,000-record limit like the real API (batches forced too large are refused whole)', async () => {
    const many = Array.from({ length: 600 }, (_, i) => ({ ...RECORDS.failover, name: `h${i}.example.com` }));
    const { config, provider } = setup(many, {}, { limits: { maxRecords: 100_000, maxChars: 10_000_000 } });
    const err = await converge(config, provider).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidChangeError);
    expect(err.message).toMatch(/limit of 1000/);
    expect(zone.rrsets.size).toBe(2);
  });

  it('dry-run: reading and planning make zero mutating calls (SDK middleware spy and fake log agree)', async () => {
    const { config, provider } = setup();
    const seen: string[] = [];
    provider.client.middlewareStack.add(
      (next, context) => async (args) => {
        seen.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'spy' },
    );
    const p = await plan(config, provider, { 'eu-west': 'down' });
    expect(p.changes.length).toBeGreaterThan(0);
    const outcome = await applyZonePlan(p, provider, { mode: 'dry-run' });
    expect(outcome.status).toBe('dry-run');
    expect(seen.filter((c) => c !== 'ListResourceRecordSetsCommand' && c !== 'GetHostedZoneCommand')).toEqual(
      [],
    );
    expect(seen).toContain('ListResourceRecordSetsCommand');
    expect(fake.writes()).toBe(0);
    expect(fake.log.every((l) => l.method === 'GET')).toBe(true);
  });
});
