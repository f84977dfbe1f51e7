// Records mode against the fake Cloudflare API through the real SDK, what is Cloudflare's own: tags,
// comment and pinned api-version, a failover as one batch, proxied records that do not churn,
// adoption keeping the user's tags, another owner's tag, dry-run sending no writes. The conformance
// table covers converging, failing back, adoption, foreign names, removal and refused tokens.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeCloudflare } from '../../fakes/cloudflare/index.ts';
import { leaseRoundTrip } from '../../helpers/lease.ts';
import { converge, failover, makeConfig, plan, provider, startFake } from './harness.ts';

describe('cloudflare records mode', () => {
  let fake: FakeCloudflare;
  beforeEach(async () => {
    fake = await startFake();
  });
  afterEach(async () => {
    await fake.stop();
  });

  const records = () => [
    failover('app.example.com', ['us-east', 'eu-west']),
    { ...failover('app.example.com', ['us-east', 'eu-west']), type: 'AAAA' },
    failover('www.example.com', ['eu-west', 'us-east'], { proxied: true, ttl: 300 }),
  ];

  it('creates, then re-plans to zero changes, with tags, comment and pinned api-version', async () => {
    const config = makeConfig({ baseURL: fake.url, records: records() });
    const p = provider(config);
    const { plan: first, outcome } = await converge(config, p);
    expect(first.changes.length).toBeGreaterThan(0);
    expect(outcome.verified).toBe(true);
    const stored = [...fake.zones.values()][0]!.records;
    const app = [...stored.values()].filter((r) => r.name === 'app.example.com');
    expect(app.map((r) => r.content).sort()).toEqual(['192.0.2.10', '192.0.2.11', '2001:db8::10']);
    for (const r of stored.values()) {
      expect(r.tags).toContain('geofailover-owner:shop-prod');
      expect(r.comment).toBe('geofailover owner=shop-prod');
    }
    // proxied: stored as Auto (1), yet re-planning finds nothing to do.
    const www = [...stored.values()].filter((r) => r.name === 'www.example.com');
    expect(www.every((r) => r.proxied && r.ttl === 1)).toBe(true);
    expect((await plan(config, p)).changes).toEqual([]);
    expect(new Set(fake.calls.map((c) => c.apiVersion))).toEqual(new Set(['2024-09-01']));
    // no TXT marker is ever written on Cloudflare
    expect([...stored.values()].some((r) => r.type === 'TXT')).toBe(false);
  });

  it("keeps the controller's writer lease as one untagged TXT record, never a planned change", async () => {
    const config = makeConfig({ baseURL: fake.url, records: records() });
    const p = provider(config);
    await converge(config, p);
    const stored = () => [...[...fake.zones.values()][0]!.records.values()];
    const before = stored().length;
    await leaseRoundTrip(config, p, {}, () => {
      // One TXT record without our owner tag (the tag would make its name a managed one).
      const txt = stored().filter((r) => r.type === 'TXT');
      expect(txt).toHaveLength(1);
      expect(txt[0]).toMatchObject({ name: 'shop-prod._geofailover-lease.example.com', tags: [] });
    });
    expect(stored()).toHaveLength(before);
  });

  it('fails over a region in one batch call and converges', async () => {
    const config = makeConfig({ baseURL: fake.url, records: records() });
    const p = provider(config);
    await converge(config, p);
    fake.resetCalls();
    const { plan: fo } = await converge(config, p, { 'us-east': 'down' });
    expect(fo.changes.map((c) => c.kind)).toEqual(['update', 'update']);
    expect(fake.count({ mutating: true })).toBe(1);
    expect(fake.count({ method: 'POST', path: /dns_records\/batch$/ })).toBe(1);
    const app = [...[...fake.zones.values()][0]!.records.values()].filter(
      (r) => r.name === 'app.example.com',
    );
    expect(app.map((r) => r.content).sort()).toEqual(['198.51.100.20', '198.51.100.21', '2001:db8::20']);
    expect((await plan(config, p, { 'us-east': 'down' })).changes).toEqual([]);
  });

  it('fixes a proxied flag changed by hand without churning afterwards', async () => {
    const config = makeConfig({ baseURL: fake.url, records: records() });
    const p = provider(config);
    await converge(config, p);
    const zone = [...fake.zones.values()][0]!;
    const www = [...zone.records.values()].find((r) => r.name === 'www.example.com')!;
    zone.patch(www.id, { proxied: false, ttl: 300 });
    const drift = await plan(config, p);
    expect(drift.changes).toHaveLength(1);
    await converge(config, p);
    expect([...zone.records.values()].find((r) => r.id === www.id)?.proxied).toBe(true);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it("adopting a hand-made record tags it and keeps the user's own tags", async () => {
    const zone = [...fake.zones.values()][0]!;
    zone.create({ name: 'app.example.com', type: 'A', content: '192.0.2.99', ttl: 300, tags: ['team:web'] });
    const config = makeConfig({
      baseURL: fake.url,
      records: [failover('app.example.com', ['us-east', 'eu-west'])],
    });
    const p = provider(config);
    const adopted = await converge(config, p, {}, true);
    expect(adopted.outcome.verified).toBe(true);
    const app = [...zone.records.values()].filter((r) => r.name === 'app.example.com');
    expect(app.every((r) => r.tags.includes('geofailover-owner:shop-prod'))).toBe(true);
    expect(app.some((r) => r.tags.includes('team:web'))).toBe(true);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it('never touches a name tagged by another owner', async () => {
    const zone = [...fake.zones.values()][0]!;
    zone.create({
      name: 'app.example.com',
      type: 'A',
      content: '192.0.2.99',
      ttl: 300,
      tags: ['geofailover-owner:other'],
    });
    const config = makeConfig({
      baseURL: fake.url,
      records: [failover('app.example.com', ['us-east', 'eu-west'])],
    });
    const p = provider(config);
    expect((await plan(config, p, {}, true)).allowed).toBe(false);
  });

  it('dry-run (records + planning) makes zero mutating calls', async () => {
    const config = makeConfig({ baseURL: fake.url, records: records() });
    const p = provider(config);
    await converge(config, p);
    fake.resetCalls();
    const { applyZonePlan } = await import('../../../src/controller/index.ts');
    const zp = await plan(config, p, { 'us-east': 'down' });
    expect(zp.changes.length).toBeGreaterThan(0);
    const out = await applyZonePlan(zp, p, { mode: 'dry-run' });
    expect(out.status).toBe('dry-run');
    expect(fake.count({ mutating: true })).toBe(0);
    expect(fake.count({ method: 'GET' })).toBeGreaterThan(0);
  });
});
