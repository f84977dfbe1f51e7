// Shared set-up for the Cloud DNS adapter tests: the fake API on 127.0.0.1 with a service account
// whose key file lives in a temp dir, a config pointing at both, and plan/apply through the real
// planner and applier (every test ends by planning again).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  createGoogleCloudProvider,
  type GoogleCloudOptions,
  type GoogleCloudProvider,
} from '../../../providers/googlecloud/index.ts';
import { type Config, parseConfig } from '../../../src/config/index.ts';
import { FakeCloudDns, makeServiceAccount, type ServiceAccount } from '../../fakes/googlecloud/index.ts';

export const PROJECT = 'shop-prod-123';
export const MANAGED_ZONE = 'example-com';

export const REGIONS = [
  {
    id: 'us-east',
    endpoints: [
      { id: 'use-a', address: '192.0.2.10', check: { kind: 'tcp', port: 80 } },
      { id: 'use-b', address: '192.0.2.11', check: { kind: 'tcp', port: 80 } },
    ],
  },
  { id: 'eu-west', endpoints: [{ id: 'euw-a', address: '198.51.100.20', check: { kind: 'tcp', port: 80 } }] },
  { id: 'ap-south', endpoints: [{ id: 'aps-a', address: '203.0.113.30', check: { kind: 'tcp', port: 80 } }] },
];

export interface Env {
  fake: FakeCloudDns;
  account: ServiceAccount;
  dir: string;
  keyFile: string;
  stop(): Promise<void>;
}

export async function startEnv(): Promise<Env> {
  const account = makeServiceAccount(PROJECT);
  const fake = new FakeCloudDns(PROJECT, [account]);
  fake.addZone(MANAGED_ZONE, 'example.com.');
  await fake.start();
  const dir = mkdtempSync(join(tmpdir(), 'gf-gcp-'));
  const keyFile = join(dir, 'key.json');
  writeFileSync(keyFile, JSON.stringify(account.keyFile), { mode: 0o600 });
  return {
    fake,
    account,
    dir,
    keyFile,
    async stop() {
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The config document for records on the fake (what makeConfig parses and the CLI test writes). */
export function configDoc(env: Env, records: unknown[], provider: Record<string, unknown> = {}) {
  return {
    owner: 'shop-prod',
    regions: REGIONS,
    providers: {
      gcp: {
        kind: 'googlecloud',
        project: PROJECT,
        managedZone: MANAGED_ZONE,
        keyFile: env.keyFile,
        apiEndpoint: env.fake.url,
        ...provider,
      },
    },
    zones: [{ name: 'example.com', provider: 'gcp', records }],
    health: { minProbers: 1 },
  };
}

export function makeConfig(env: Env, records: unknown[], provider: Record<string, unknown> = {}): Config {
  return parseConfig(
    stringify(
      configDoc(env, records, {
        geoLocations: { 'continent-eu': 'europe-west1', default: 'us-east1' },
        ...provider,
      }),
    ),
  );
}

export function failover(name: string, order: string[], extra: Record<string, unknown> = {}) {
  return { name, type: 'A', ttl: 60, policy: { kind: 'failover', order }, ...extra };
}

export function provider(
  config: Config,
  opts: GoogleCloudOptions = {},
  env: NodeJS.ProcessEnv = {},
): GoogleCloudProvider {
  const cfg = config.providers.gcp;
  if (cfg?.kind !== 'googlecloud') throw new Error('test config needs provider gcp');
  return createGoogleCloudProvider(
    'gcp',
    cfg,
    { owner: config.owner, config, env },
    {
      retry: { baseMs: 5, capMs: 20 },
      poll: { firstMs: 5, maxMs: 20 },
      ...opts,
    },
  );
}

export type { Assume } from '../../helpers/converge.ts';

export { convergeZone as converge, planZone as plan } from '../../helpers/converge.ts';
