// Shared set-up for the Azure DNS adapter tests: the fake ARM + Entra ID API over HTTPS on 127.0.0.1
// with a throwaway certificate the provider trusts through `caFile`, a service principal whose secret
// is in the (test's own) environment, and plan/apply through the real planner and applier.
import { rmSync } from 'node:fs';
import { stringify } from 'yaml';
import {
  type AzureOptions,
  type AzureProvider,
  createAzureProvider,
} from '../../../providers/azure/index.ts';
import { type Config, parseConfig } from '../../../src/config/index.ts';
import {
  FakeAzure,
  type FakeZone,
  makeCert,
  type ServicePrincipal,
  type TestCert,
} from '../../fakes/azure/index.ts';

export const SUBSCRIPTION = '00000000-1111-2222-3333-444444444444';
export const RESOURCE_GROUP = 'dns-prod';
export const SP: ServicePrincipal = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '11111111-2222-3333-4444-555555555555',
  secret: 'test-secret-value-0123456789',
};
export const SECRET_ENV = 'AZ_TEST_SECRET';

/** Undefined when openssl is missing (the tests skip, saying so). */
export const cert: TestCert | undefined = makeCert();

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
      { id: 'euw-6', address: '2001:db8::20', check: { kind: 'tcp', port: 80 } },
    ],
  },
];

export interface Env {
  fake: FakeAzure;
  zone: FakeZone;
  stop(): Promise<void>;
}

export async function startEnv(): Promise<Env> {
  const fake = new FakeAzure(SUBSCRIPTION, [SP], cert!);
  const zone = fake.addZone(RESOURCE_GROUP, 'example.com');
  await fake.start();
  return { fake, zone, stop: () => fake.stop() };
}

export function cleanupCert(): void {
  if (cert) rmSync(cert.dir, { recursive: true, force: true });
}

/** The config document for records on the fake (what makeConfig parses and the CLI test writes). */
export function configDoc(env: Env, records: unknown[], provider: Record<string, unknown> = {}) {
  return {
    owner: 'shop-prod',
    regions: REGIONS,
    providers: {
      az: {
        kind: 'azure',
        subscriptionId: SUBSCRIPTION,
        resourceGroup: RESOURCE_GROUP,
        tenantId: SP.tenantId,
        clientId: SP.clientId,
        clientSecretEnv: SECRET_ENV,
        endpoint: env.fake.url,
        authorityHost: env.fake.url,
        caFile: cert!.certFile,
        ...provider,
      },
    },
    zones: [{ name: 'example.com', provider: 'az', records }],
    health: { minProbers: 1 },
  };
}

export function makeConfig(env: Env, records: unknown[], provider: Record<string, unknown> = {}): Config {
  return parseConfig(stringify(configDoc(env, records, { maxRetries: 2, ...provider })));
}

export function failover(name: string, order: string[], extra: Record<string, unknown> = {}) {
  return { name, type: 'A', ttl: 60, policy: { kind: 'failover', order }, ...extra };
}

export function provider(
  config: Config,
  opts: AzureOptions = {},
  env: NodeJS.ProcessEnv = { [SECRET_ENV]: SP.secret },
): AzureProvider {
  const cfg = config.providers.az;
  if (cfg?.kind !== 'azure') throw new Error('test config needs provider az');
  return createAzureProvider(
    'az',
    cfg,
    { owner: config.owner, config, env },
    { retryDelayInMs: 10, ...opts },
  );
}

export { convergeZone as converge, planZone as plan } from '../../helpers/converge.ts';
