// Azure DNS failure paths, each one clear error and nothing half-written: a missing client secret or
// secret file, a token ARM refuses, a zone or resource group that does not exist, policies Azure DNS
// cannot express and a non-https endpoint (validate), and connections dropped mid-batch (markers
// first, so the next reconcile converges). A wrong secret and throttling are conformance cases.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/index.ts';
import { ProviderError } from '../../../src/model/index.ts';
import {
  cert,
  cleanupCert,
  converge,
  type Env,
  failover,
  makeConfig,
  plan,
  provider,
  SP,
  startEnv,
} from './harness.ts';

describe.skipIf(!cert)('azure provider failures', () => {
  let env: Env;
  beforeEach(async () => {
    env = await startEnv();
  });
  afterEach(async () => env.stop());
  afterAll(() => cleanupCert());

  const records = () => [
    failover('app.example.com', ['us-east', 'eu-west']),
    failover('www.example.com', ['eu-west', 'us-east']),
  ];
  const _arm = () => env.fake.calls.filter((c) => c.path.startsWith('/subscriptions/'));
  const writes = () => env.fake.calls.filter((c) => c.method === 'PUT' || c.method === 'DELETE');

  it('a missing client secret is one clear error naming the variable; nothing is sent', async () => {
    const config = makeConfig(env, records());
    const err = await plan(config, provider(config, {}, {})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(
      /client secret of service principal .* is not set \(environment variable AZ_TEST_SECRET is empty\)/,
    );
    expect(env.fake.calls).toHaveLength(0);
  });

  it('reads the client secret from clientSecretFile; a missing file is one clear error naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-az-secret-'));
    try {
      writeFileSync(join(dir, 'secret'), `${SP.secret}\n`, { mode: 0o600 });
      const config = makeConfig(env, records(), { clientSecretFile: join(dir, 'secret') });
      const p = provider(config, {}, {});
      expect((await converge(config, p)).outcome.verified).toBe(true);
      expect((await plan(config, p)).changes).toEqual([]);
      const missing = makeConfig(env, records(), { clientSecretFile: join(dir, 'nope') });
      await expect(plan(missing, provider(missing, {}, {}))).rejects.toThrow(
        /cannot read the client secret file .*nope \(ENOENT\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a token ARM does not accept (401) is one clear error', async () => {
    const config = makeConfig(env, records());
    const credential = {
      getToken: async () => ({ token: 'forged-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
    };
    const err = await plan(config, provider(config, { credential })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(
      /Azure refused the credentials during zone lookup \(InvalidAuthenticationToken/,
    );
    expect(writes()).toHaveLength(0);
  });

  it('a zone or resource group that does not exist is one clear error', async () => {
    const noZone = makeConfig(env, records());
    const p = provider({ ...noZone, zones: [{ ...noZone.zones[0]!, name: 'example.org' }] });
    const err = await p.records('example.org').catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/the DNS zone does not exist .*ResourceNotFound/);
    expect((err as ProviderError).context.remedy).toMatch(/resourceGroup/);
    const noRg = makeConfig(env, records(), { resourceGroup: 'nope' });
    await expect(plan(noRg, provider(noRg))).rejects.toThrow(
      /ResourceGroupNotFound: Resource group 'nope' could not be found/,
    );
  });

  it('validate refuses weighted and geo with a message naming Azure Traffic Manager, and an http endpoint', () => {
    const weighted = {
      name: 'api.example.com',
      type: 'A',
      ttl: 60,
      policy: { kind: 'weighted', weights: { 'us-east': 1, 'eu-west': 1 } },
    };
    const geo = {
      name: 'geo.example.com',
      type: 'A',
      ttl: 60,
      policy: { kind: 'geo', rules: [{ match: 'default', regions: ['us-east'] }] },
    };
    for (const rec of [weighted, geo]) {
      let err: unknown;
      try {
        makeConfig(env, [rec]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(
        /cannot be expressed by Azure DNS record sets .*Azure Traffic Manager is the Azure-native way/,
      );
    }
    expect(() => makeConfig(env, records(), { endpoint: 'http://127.0.0.1:1' })).toThrow(
      /must be an https:\/\/ URL/,
    );
  });

  it('a connection dropped mid-batch (no retry): what was written is marked, the next reconcile converges', async () => {
    const config = makeConfig(env, records(), { maxRetries: 0 });
    const p = provider(config);
    env.fake.inject({ kind: 'drop-before', times: 1, skip: 2, match: (m) => m === 'PUT' });
    const err = await converge(config, p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(
      /failed on the network .* \(2 of 4 changes were applied before it; re-plan/,
    );
    // Markers first: both names are owned, so nothing written is left unowned.
    expect([...env.zone.sets.keys()].filter((k) => k.includes('_geofailover')).sort()).toEqual([
      '_geofailover.app|TXT',
      '_geofailover.www|TXT',
    ]);
    expect((await converge(config, p)).outcome.verified).toBe(true);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it('a connection dropped after Azure wrote the set: the retry meets 412, sees its own write and carries on', async () => {
    const config = makeConfig(env, records());
    const p = provider(config);
    await converge(config, p);
    env.fake.inject({
      kind: 'drop-after',
      times: 1,
      match: (m, path) => m === 'PUT' && path.endsWith('/A/app'),
    });
    const { outcome } = await converge(config, p, { 'us-east': 'down' });
    expect(outcome.verified).toBe(true);
    expect(env.fake.calls.some((c) => c.status === 412)).toBe(true);
    expect(env.zone.sets.get('app|A')?.properties).toMatchObject({
      ARecords: [{ ipv4Address: '198.51.100.20' }],
    });
    expect((await plan(config, p, { 'us-east': 'down' })).changes).toEqual([]);
  });
});
