// Shared by the Route 53 integration tests: a config with failover, weighted and geo records on a
// route53 provider, plan -> apply -> re-plan through the real policy, planner and applier (the
// shared test/helpers/converge.ts), and a moto_server zone per test (motoZone).
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type Route53Config, resetBudgets } from '../../../providers/route53/index.ts';
import { type Config, parseConfig } from '../../../src/config/index.ts';
import { createZone, type MotoServer, startMoto } from '../../helpers/moto.ts';

export const ZONE = 'example.com.';
export const OWNER = 'shop';

const tcp = { kind: 'tcp', port: 80 };
export const REGIONS = [
  {
    id: 'us-east',
    endpoints: [
      { id: 'use-a', address: '192.0.2.10', check: tcp },
      { id: 'use-b', address: '192.0.2.11', check: tcp },
    ],
  },
  { id: 'eu-west', endpoints: [{ id: 'euw-a', address: '198.51.100.10', check: tcp }] },
  { id: 'ap-south', endpoints: [{ id: 'aps-a', address: '203.0.113.10', check: tcp }] },
];

export const RECORDS = {
  failover: {
    name: 'app.example.com',
    type: 'A',
    ttl: 30,
    policy: { kind: 'failover', order: ['us-east', 'eu-west'] },
  },
  weighted: {
    name: 'api.example.com',
    type: 'A',
    ttl: 30,
    policy: { kind: 'weighted', weights: { 'us-east': 70, 'eu-west': 30 } },
  },
  geo: {
    name: 'www.example.com',
    type: 'A',
    ttl: 60,
    policy: {
      kind: 'geo',
      rules: [
        { match: { continent: 'EU' }, regions: ['eu-west', 'us-east'] },
        { match: { country: 'US', subdivision: 'CA' }, regions: ['us-east', 'eu-west'] },
        { match: { country: 'IN' }, regions: ['ap-south', 'eu-west'] },
        { match: 'default', regions: ['us-east', 'eu-west'] },
      ],
    },
  },
} as const;

export function makeConfig(
  provider: Record<string, unknown>,
  records: readonly object[],
  extra: object = {},
): Config {
  return parseConfig(
    JSON.stringify({
      owner: OWNER,
      regions: REGIONS,
      providers: { aws: { kind: 'route53', ...provider } },
      zones: [{ name: 'example.com', provider: 'aws', records }],
      ...extra,
    }),
  );
}

export { convergeZone as converge, planZone as plan } from '../../helpers/converge.ts';

/** A provider config pointing at a fake or emulator on 127.0.0.1. */
export function providerConfig(endpoint: string, hostedZoneId: string, over: Record<string, unknown> = {}) {
  return {
    kind: 'route53' as const,
    hostedZoneId,
    region: 'us-east-1',
    endpoint,
    requestsPerSecond: 1000,
    maxPages: 100,
    syncTimeout: '10s',
    ...over,
  };
}

/** Fast retry and poll settings so tests exercise the policy without waiting seconds. */
export const FAST = { retry: { baseMs: 5, capMs: 40 }, poll: { firstMs: 5, factor: 2, maxMs: 40 } };

/** Dummy credentials for the SDK's default chain (environment first), restored by the returned function. */
export function dummyCredentials(): () => void {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = 'AKIDTESTTESTTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-not-real';
  return () => {
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  };
}

/** The parsed route53 provider config of a test config. */
export function awsConfig(config: Config): Route53Config {
  const p = config.providers.aws;
  if (p?.kind !== 'route53') throw new Error('test config has no route53 provider "aws"');
  return p;
}

/**
 * Called inside a describe: moto_server for the block (with dummy credentials), and before each test
 * a reset, fresh request budgets and a new example.com zone. Read `url` and `zoneId` inside tests.
 */
export function motoZone(): { readonly url: string; readonly zoneId: string } {
  const state = { url: '', zoneId: '' };
  let moto: MotoServer | undefined;
  let restore: (() => void) | undefined;
  beforeAll(async () => {
    restore = dummyCredentials();
    moto = await startMoto();
    state.url = moto.url;
  });
  afterAll(async () => {
    await moto?.stop();
    restore?.();
  });
  beforeEach(async () => {
    resetBudgets();
    await moto!.reset();
    state.zoneId = await createZone(state.url);
  });
  return state;
}
