// Cloud DNS through the real @google-cloud/dns client against the strict fake, what is Cloud DNS's
// own: plain, wrr and geo sets as Cloud DNS stores them, a failover as one Change, a set deleted
// after the read (404 inside the Change) as a conflict, paging. The conformance table covers
// converging, a set changed after the read (412), adoption, refused keys and throttling.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/model/index.ts';
import { leaseRoundTrip } from '../../helpers/lease.ts';
import { converge, type Env, failover, makeConfig, plan, provider, startEnv } from './harness.ts';

const weighted = {
  name: 'api.example.com',
  type: 'A',
  ttl: 30,
  policy: { kind: 'weighted', weights: { 'us-east': 3, 'eu-west': 1 } },
};
const geo = {
  name: 'geo.example.com',
  type: 'A',
  ttl: 60,
  policy: {
    kind: 'geo',
    rules: [
      { match: { continent: 'EU' }, regions: ['eu-west', 'us-east'] },
      { match: 'default', regions: ['us-east', 'eu-west'] },
    ],
  },
};

describe('googlecloud provider', () => {
  let env: Env;
  beforeEach(async () => {
    env = await startEnv();
  });
  afterEach(async () => env.stop());

  const zone = () => env.fake.zones.get('example-com')!;
  const set = (name: string, type = 'A') => zone().rrsets.get(`${name}|${type}`);

  it('creates plain, wrr and geo sets with ownership markers, then re-plans to zero changes', async () => {
    const config = makeConfig(env, [failover('app.example.com', ['us-east', 'eu-west']), weighted, geo]);
    const p = provider(config);
    const { plan: first, outcome } = await converge(config, p);
    expect(first.changes.length).toBeGreaterThan(0);
    expect(outcome.verified).toBe(true);
    expect(set('app.example.com.')).toMatchObject({ ttl: 60, rrdatas: ['192.0.2.10', '192.0.2.11'] });
    expect(set('api.example.com.')?.routingPolicy?.wrr?.items).toEqual([
      expect.objectContaining({ weight: 1, rrdatas: ['198.51.100.20'] }), // eu-west (sorted by set id)
      expect.objectContaining({ weight: 3, rrdatas: ['192.0.2.10', '192.0.2.11'] }), // us-east
    ]);
    expect(set('geo.example.com.')?.routingPolicy?.geo?.items).toEqual([
      expect.objectContaining({ location: 'europe-west1', rrdatas: ['198.51.100.20'] }),
      expect.objectContaining({ location: 'us-east1', rrdatas: ['192.0.2.10', '192.0.2.11'] }),
    ]);
    expect(set('_geofailover.app.example.com.', 'TXT')?.rrdatas).toEqual(['"owner=shop-prod"']);
    // All of it went in one Change, polled until done.
    expect(env.fake.count({ method: 'POST', path: /\/changes$/ })).toBe(1);
    expect(env.fake.count({ method: 'GET', path: /\/changes\/\d+$/ })).toBeGreaterThanOrEqual(1);
    expect(outcome.status === 'applied' && outcome.result?.syncMs).toBeGreaterThanOrEqual(0);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it("keeps the controller's writer lease beside the records: taken, renewed, removed, never a planned change", async () => {
    const config = makeConfig(env, [failover('app.example.com', ['us-east', 'eu-west']), weighted, geo]);
    const p = provider(config);
    await converge(config, p);
    await leaseRoundTrip(config, p);
  });

  it('fails over plain, wrr and geo sets in one Change and back, converging each time', async () => {
    const config = makeConfig(env, [failover('app.example.com', ['us-east', 'eu-west']), weighted, geo]);
    const p = provider(config);
    await converge(config, p);
    const posts = env.fake.count({ method: 'POST' });
    const { plan: fo } = await converge(config, p, { 'us-east': 'down' });
    expect(fo.changes.length).toBeGreaterThan(0);
    expect(env.fake.count({ method: 'POST' })).toBe(posts + 1);
    expect(set('app.example.com.')?.rrdatas).toEqual(['198.51.100.20']);
    expect(set('api.example.com.')?.routingPolicy?.wrr?.items?.map((i) => i.weight)).toEqual([1, 0]);
    expect(set('geo.example.com.')?.routingPolicy?.geo?.items?.[1]?.rrdatas).toEqual(['198.51.100.20']);
    expect((await plan(config, p, { 'us-east': 'down' })).changes).toEqual([]);
    await converge(config, p);
    expect(set('app.example.com.')?.rrdatas).toEqual(['192.0.2.10', '192.0.2.11']);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it('a set deleted by someone else after the read is a conflict (404 in the Change), not a missing zone', async () => {
    const config = makeConfig(env, [failover('app.example.com', ['us-east', 'eu-west'])]);
    const p = provider(config);
    await converge(config, p);
    const zp = await plan(config, p, { 'us-east': 'down' });
    zone().rrsets.delete('app.example.com.|A');
    const err = await p.apply('example.com', zp.changes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toMatch(
      /set app\.example\.com\. A changed since it was read .*does not exist/,
    );
    await converge(config, p, { 'us-east': 'down' });
    expect((await plan(config, p, { 'us-east': 'down' })).changes).toEqual([]);
  });

  it('reads a zone over several pages', async () => {
    for (let i = 0; i < 25; i++)
      env.fake.put('example-com', {
        name: `h${i}.example.com.`,
        type: 'A',
        ttl: 300,
        rrdatas: [`192.0.2.${i}`],
      });
    const config = makeConfig(env, [failover('app.example.com', ['us-east', 'eu-west'])]);
    const p = provider(config, { pageSize: 10 });
    await converge(config, p);
    expect(env.fake.count({ method: 'GET', path: /\/rrsets$/ })).toBeGreaterThanOrEqual(6);
    expect((await plan(config, p)).changes).toEqual([]);
  });
});
