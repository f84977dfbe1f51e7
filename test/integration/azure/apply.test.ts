// Azure DNS through the real @azure/arm-dns and @azure/identity clients against the strict HTTPS
// fake, what is Azure's own: sets created with If-None-Match: *, updated and deleted with If-Match
// on the ETag read, markers first and last, two zones through one adapter, paging. The conformance
// table covers converging, failing back, a set changed after the read (412) and adoption.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planZoneOf } from '../../../src/controller/index.ts';
import { assumeStates } from '../../../src/policy/index.ts';
import { leaseRoundTrip } from '../../helpers/lease.ts';
import {
  cert,
  cleanupCert,
  converge,
  type Env,
  failover,
  makeConfig,
  plan,
  provider,
  startEnv,
} from './harness.ts';

if (!cert) console.warn('skipping Azure adapter tests: openssl is not installed (needed for the HTTPS fake)');

describe.skipIf(!cert)('azure provider', () => {
  let env: Env;
  beforeEach(async () => {
    env = await startEnv();
  });
  afterEach(async () => env.stop());
  afterAll(() => cleanupCert());

  const records = () => [
    failover('app.example.com', ['us-east', 'eu-west']),
    failover('app.example.com', ['us-east', 'eu-west'], { type: 'AAAA' }),
  ];
  const props = (rel: string, type = 'A') => env.zone.sets.get(`${rel}|${type}`)?.properties;
  const writes = () => env.fake.calls.filter((c) => c.method === 'PUT' || c.method === 'DELETE');

  it("keeps the controller's writer lease beside the records: taken, renewed, removed, never a planned change", async () => {
    const config = makeConfig(env, records());
    const p = provider(config);
    await converge(config, p);
    await leaseRoundTrip(config, p);
  });

  it('creates sets and markers with If-None-Match: *, then re-plans to zero changes', async () => {
    const config = makeConfig(env, records());
    const p = provider(config);
    const { outcome } = await converge(config, p);
    expect(outcome.verified).toBe(true);
    expect(props('app')).toMatchObject({
      TTL: 60,
      ARecords: [{ ipv4Address: '192.0.2.10' }, { ipv4Address: '192.0.2.11' }],
    });
    expect(props('app', 'AAAA')).toMatchObject({ AAAARecords: [{ ipv6Address: '2001:db8::10' }] });
    expect(props('_geofailover.app', 'TXT')).toMatchObject({ TXTRecords: [{ value: ['owner=shop-prod'] }] });
    expect(writes().every((c) => c.ifNoneMatch === '*')).toBe(true);
    // The marker went in before the records it marks.
    expect(writes()[0]?.path).toMatch(/\/TXT\/_geofailover\.app$/);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it('fails over with If-Match on the ETag read, and back', async () => {
    const config = makeConfig(env, records());
    const p = provider(config);
    await converge(config, p);
    const etag = env.zone.sets.get('app|A')!.etag;
    const before = writes().length;
    await converge(config, p, { 'us-east': 'down' });
    const fo = writes().slice(before);
    expect(fo.map((c) => c.method)).toEqual(['PUT', 'PUT']);
    expect(fo.find((c) => c.path.endsWith('/A/app'))?.ifMatch).toBe(etag);
    expect(props('app')).toMatchObject({ ARecords: [{ ipv4Address: '198.51.100.20' }] });
    expect((await plan(config, p, { 'us-east': 'down' })).changes).toEqual([]);
    await converge(config, p);
    expect(props('app')).toMatchObject({
      ARecords: [{ ipv4Address: '192.0.2.10' }, { ipv4Address: '192.0.2.11' }],
    });
    expect(writes().every((c) => c.ifMatch !== undefined || c.ifNoneMatch === '*')).toBe(true);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it('removes a record taken out of config, marker last', async () => {
    const config = makeConfig(env, records());
    const p = provider(config);
    await converge(config, p);
    const smaller = makeConfig(env, []);
    const q = provider(smaller);
    const before = writes().length;
    await converge(smaller, q);
    const del = writes().slice(before);
    expect(del.every((c) => c.method === 'DELETE' && c.ifMatch)).toBe(true);
    expect(del.at(-1)?.path).toMatch(/\/TXT\/_geofailover\.app$/);
    expect([...env.zone.sets.keys()].sort()).toEqual(['@|NS', '@|SOA']);
    expect((await plan(smaller, q)).changes).toEqual([]);
  });

  it('serves two zones of one resource group with one adapter, reads and writes interleaved', async () => {
    const other = env.fake.addZone('dns-prod', 'example.net');
    const config = makeConfig(env, records());
    const first = config.zones[0]!;
    config.zones.push({
      ...first,
      name: 'example.net',
      records: first.records.map((r) => ({ ...r, name: 'app.example.net' })),
    });
    const p = provider(config);
    const up = assumeStates(config, new Map());
    const down = assumeStates(config, new Map([['us-east', 'down']]));
    for (const z of config.zones) await p.apply(z.name, (await planZoneOf(config, z, p, up, {})).changes);
    // Both zones read, then both written: each write is conditioned on its own zone's ETags.
    const a = await planZoneOf(config, config.zones[0]!, p, down, {});
    const b = await planZoneOf(config, config.zones[1]!, p, down, {});
    await p.apply('example.com', a.changes);
    await p.apply('example.net', b.changes);
    expect(other.sets.get('app|A')?.properties).toMatchObject({
      ARecords: [{ ipv4Address: '198.51.100.20' }],
    });
    expect(env.zone.sets.get('app|A')?.properties).toMatchObject({
      ARecords: [{ ipv4Address: '198.51.100.20' }],
    });
    for (const z of config.zones) expect((await planZoneOf(config, z, p, down, {})).changes).toEqual([]);
  });

  it('reads a zone over several pages (nextLink)', async () => {
    for (let i = 0; i < 130; i++)
      env.fake.put(env.zone, `h${i}`, 'A', { TTL: 300, ARecords: [{ ipv4Address: `192.0.2.${i}` }] });
    const config = makeConfig(env, records());
    const p = provider(config);
    await converge(config, p);
    expect(env.fake.count({ method: 'GET', path: /\/recordsets$/ })).toBeGreaterThanOrEqual(4);
    expect((await plan(config, p)).changes).toEqual([]);
  });
});
