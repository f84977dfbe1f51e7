// Cloud DNS failure paths, each one clear error and nothing half-written: credentials missing or
// unreadable, a managed zone that does not exist, a policy Cloud DNS cannot express (validate), and
// a connection dropped mid-apply (the next reconcile converges). A key the API refuses and
// throttling are cases of the conformance table. Every test ends by planning again.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/index.ts';
import { ProviderError } from '../../../src/model/index.ts';
import { converge, type Env, failover, makeConfig, plan, provider, startEnv } from './harness.ts';

describe('googlecloud provider failures', () => {
  let env: Env;
  beforeEach(async () => {
    env = await startEnv();
  });
  afterEach(async () => env.stop());

  const records = () => [
    failover('app.example.com', ['us-east', 'eu-west']),
    failover('www.example.com', ['eu-west', 'us-east']),
  ];
  const set = (name: string) => env.fake.zones.get('example-com')!.rrsets.get(`${name}|A`);

  it('a missing key file is one clear error naming the file; nothing is sent', async () => {
    const config = makeConfig(env, records(), { keyFile: join(env.dir, 'nope.json') });
    const err = await plan(config, provider(config)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(
      /cannot read the service-account key file .*nope\.json \(ENOENT\)/,
    );
    expect(env.fake.calls).toHaveLength(0);
  });

  it('a key file that is not a service-account key is one clear error', async () => {
    for (const [name, text, why] of [
      ['garbage.json', 'not json', /is not JSON/],
      [
        'user.json',
        JSON.stringify({ type: 'authorized_user', client_id: 'x' }),
        /is not a service-account key/,
      ],
    ] as const) {
      writeFileSync(join(env.dir, name), text);
      const config = makeConfig(env, records(), { keyFile: join(env.dir, name) });
      await expect(plan(config, provider(config))).rejects.toThrow(why);
    }
    expect(env.fake.calls).toHaveLength(0);
  });

  it('no key file and no default credentials is one clear error', async () => {
    const saved = { ...process.env };
    process.env.METADATA_SERVER_DETECTION = 'none';
    process.env.HOME = env.dir;
    process.env.CLOUDSDK_CONFIG = env.dir;
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    try {
      const config = makeConfig(env, records(), { keyFile: undefined });
      const err = await plan(config, provider(config)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as Error).message).toMatch(/no Google Cloud credentials found/);
      expect((err as ProviderError).context.remedy).toMatch(/keyFile/);
    } finally {
      process.env = saved;
    }
    expect(env.fake.calls).toHaveLength(0);
  });

  it('GOOGLE_APPLICATION_CREDENTIALS naming a service-account key works like keyFile', async () => {
    const config = makeConfig(env, records(), { keyFile: undefined });
    const p = provider(config, {}, { GOOGLE_APPLICATION_CREDENTIALS: env.keyFile });
    expect((await converge(config, p)).outcome.verified).toBe(true);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it('a managed zone that does not exist is one clear error', async () => {
    const config = makeConfig(env, records(), { managedZone: 'no-such-zone' });
    const err = await plan(config, provider(config)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(/managed zone no-such-zone\).*does not exist/);
    expect((err as ProviderError).context.remedy).toMatch(/managedZone/);
  });

  it('a managed zone of another DNS name is refused before any write', async () => {
    env.fake.addZone('other-com', 'other.com.');
    const config = makeConfig(env, records(), { managedZone: 'other-com' });
    await expect(plan(config, provider(config))).rejects.toThrow(
      /managed zone other-com is other\.com\., not example\.com\./,
    );
  });

  it('validate refuses a geo rule with no GCP location, naming the rule and the fix', () => {
    const geo = {
      name: 'geo.example.com',
      type: 'A',
      ttl: 60,
      policy: {
        kind: 'geo',
        rules: [
          { match: { country: 'DE' }, regions: ['eu-west'] },
          { match: 'default', regions: ['us-east'] },
        ],
      },
    };
    let err: unknown;
    try {
      makeConfig(env, [geo]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(
      /Cloud DNS geo routing is keyed by GCP regions.*"country-de".*geoLocations/,
    );
    // Mapping the rule makes it valid.
    expect(() =>
      makeConfig(env, [geo], { geoLocations: { 'country-de': 'europe-west3', default: 'us-east1' } }),
    ).not.toThrow();
  });

  it('a connection dropped before the second Change: the first stays whole, the next reconcile converges', async () => {
    const config = makeConfig(env, records());
    const p = provider(config, { maxSetsPerChange: 2 });
    env.fake.inject({ kind: 'drop-before', times: 1, skip: 1, match: (m) => m === 'POST' });
    const err = await converge(config, p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(
      /change 2\/2 failed on the network.*1 earlier change with \d+ record changes were applied/,
    );
    expect((err as ProviderError).retryable).toBe(true);
    // Change 1 (two sets) is in whole; change 2 is not in at all.
    const z = env.fake.zones.get('example-com')!;
    const managed = [...z.rrsets.keys()].filter((k) => !/\|(NS|SOA)$/.test(k));
    expect(managed).toHaveLength(2);
    expect(env.fake.count({ method: 'POST', path: /\/changes$/ })).toBe(1);
    expect((await converge(config, p)).outcome.verified).toBe(true);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it('a connection dropped after Cloud DNS applied the Change: not retried blind, the next reconcile finds it done', async () => {
    const config = makeConfig(env, records());
    const p = provider(config);
    await converge(config, p);
    env.fake.inject({ kind: 'drop-after', times: 1, match: (m) => m === 'POST' });
    const err = await converge(config, p, { 'us-east': 'down' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/failed on the network.*may or may not have been applied/);
    expect(set('app.example.com.')?.rrdatas).toEqual(['198.51.100.20']);
    const again = await converge(config, p, { 'us-east': 'down' });
    expect(again.outcome.status).toBe('no-changes');
    expect((await plan(config, p, { 'us-east': 'down' })).changes).toEqual([]);
  });
});
