// Shared set-up for the Cloudflare adapter tests: a fake API on 127.0.0.1, a config pointing at it,
// and plan/apply through the real planner and applier (every test ends by planning again).
import { stringify } from 'yaml';
import { type CloudflareOptions, createCloudflareProvider } from '../../../providers/cloudflare/index.ts';
import type { DnsProvider } from '../../../providers/index.ts';
import { type Config, parseConfig } from '../../../src/config/index.ts';
import { FakeCloudflare, type FakeOptions } from '../../fakes/cloudflare/index.ts';

export const ZONE_ID = '023e105f4ecef8ad9ca31a8372d0c353';
export const ACCOUNT_ID = '01a7362d577a6c3019a474fd6f485823';
export const TOKEN = 'test-token-0123456789abcdef';
export const TOKEN_ENV = 'CF_TEST_TOKEN';

export const REGIONS = [
  {
    id: 'us-east',
    endpoints: [
      { id: 'use-a', address: '192.0.2.10', check: { kind: 'tcp', port: 80 } },
      { id: 'use-b', address: '192.0.2.11', check: { kind: 'tcp', port: 80 } },
      { id: 'use-6', address: '2001:db8::10', check: { kind: 'tcp', port: 80 } },
    ],
  },
  {
    id: 'eu-west',
    endpoints: [
      { id: 'euw-a', address: '198.51.100.20', check: { kind: 'tcp', port: 80 } },
      { id: 'euw-b', address: '198.51.100.21', check: { kind: 'tcp', port: 80 } },
      { id: 'euw-6', address: '2001:db8::20', check: { kind: 'tcp', port: 80 } },
    ],
  },
  {
    id: 'ap-south',
    endpoints: [{ id: 'aps-a', address: '203.0.113.30', check: { kind: 'tcp', port: 80 } }],
  },
];

export interface ConfigOpts {
  baseURL: string;
  mode?: 'records' | 'load-balancer';
  records: unknown[];
  provider?: Record<string, unknown>;
  owner?: string;
}

export function makeConfig(o: ConfigOpts): Config {
  return parseConfig(
    stringify({
      owner: o.owner ?? 'shop-prod',
      regions: REGIONS,
      providers: {
        cf: {
          kind: 'cloudflare',
          zoneId: ZONE_ID,
          accountId: ACCOUNT_ID,
          apiTokenEnv: TOKEN_ENV,
          baseURL: o.baseURL,
          mode: o.mode ?? 'records',
          ...o.provider,
        },
      },
      zones: [{ name: 'example.com', provider: 'cf', records: o.records }],
      health: { minProbers: 1 },
    }),
  );
}

export function failover(name: string, order: string[], extra: Record<string, unknown> = {}) {
  return { name, type: 'A', ttl: 60, policy: { kind: 'failover', order }, ...extra };
}

export async function startFake(opts: Partial<FakeOptions> = {}): Promise<FakeCloudflare> {
  const fake = new FakeCloudflare({
    token: TOKEN,
    zones: [{ id: ZONE_ID, name: 'example.com', accountId: ACCOUNT_ID }],
    accounts: [{ id: ACCOUNT_ID, loadBalancing: true }],
    ...opts,
  });
  await fake.start();
  return fake;
}

export function provider(config: Config, options: CloudflareOptions = {}, token = TOKEN): DnsProvider {
  const cfg = config.providers.cf;
  if (cfg?.kind !== 'cloudflare') throw new Error('test config needs provider cf');
  return createCloudflareProvider(
    'cf',
    cfg,
    { owner: config.owner, config, env: { [TOKEN_ENV]: token } },
    options,
  );
}

export type { Assume, States } from '../../helpers/converge.ts';

export { convergeZone as converge, planZone as plan } from '../../helpers/converge.ts';
