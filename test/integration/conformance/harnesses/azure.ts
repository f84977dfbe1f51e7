// Conformance harness for Azure DNS on the strict HTTPS fake (ARM and Entra ID) through the real
// @azure/arm-dns and @azure/identity clients: one fake for the table with a throwaway certificate
// the adapter trusts through `caFile`, one zone per case, a service principal whose secret the
// adapter is opened with. Refused credentials are a wrong client secret.
import { rmSync } from 'node:fs';
import { createAzureProvider } from '../../../../providers/azure/index.ts';
import type { Config } from '../../../../src/config/index.ts';
import { FakeAzure, makeCert, type ServicePrincipal, type TestCert } from '../../../fakes/azure/index.ts';
import type { HandRecord, Harness } from '../harness.ts';

const SUBSCRIPTION = '00000000-1111-2222-3333-444444444444';
const RESOURCE_GROUP = 'dns-conformance';
const SECRET_ENV = 'AZ_CONFORMANCE_SECRET';
const SP: ServicePrincipal = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '11111111-2222-3333-4444-555555555555',
  secret: 'conformance-secret-value-0123456789',
};

function open(config: Config, secret: string) {
  const cfg = config.providers.az;
  if (cfg?.kind !== 'azure') throw new Error('conformance config has no azure provider "az"');
  return createAzureProvider(
    'az',
    cfg,
    { owner: config.owner, config, env: { [SECRET_ENV]: secret } },
    { retryDelayInMs: 10 },
  );
}

function properties(r: HandRecord): Record<string, unknown> {
  return r.type === 'A'
    ? { TTL: r.ttl, ARecords: r.values.map((ipv4Address) => ({ ipv4Address })) }
    : { TTL: r.ttl, AAAARecords: r.values.map((ipv6Address) => ({ ipv6Address })) };
}

export function azureHarness(): Harness {
  let cert: TestCert | undefined;
  let fake: FakeAzure | undefined;
  let n = 0;
  return {
    name: 'azure on the strict fake',
    kind: 'azure',
    id: 'az',
    gates: {},
    missing() {
      cert ??= makeCert();
      return cert ? undefined : 'openssl is not installed (needed for the HTTPS fake)';
    },
    async start() {
      fake = new FakeAzure(SUBSCRIPTION, [SP], cert!);
      await fake.start();
    },
    async stop() {
      await fake?.stop();
      if (cert) rmSync(cert.dir, { recursive: true, force: true });
    },
    async zone() {
      const f = fake!;
      const name = `c${++n}.example.com`;
      const zone = f.addZone(RESOURCE_GROUP, name);
      const served = () => f.calls.filter((c) => c.status === 429).length;
      let base = served();
      return {
        name,
        provider: {
          kind: 'azure',
          subscriptionId: SUBSCRIPTION,
          resourceGroup: RESOURCE_GROUP,
          tenantId: SP.tenantId,
          clientId: SP.clientId,
          clientSecretEnv: SECRET_ENV,
          endpoint: f.url,
          authorityHost: f.url,
          caFile: cert!.certFile,
          maxRetries: 2,
        },
        open: async (config) => open(config, SP.secret),
        handEdit: async (r) => f.put(zone, r.name.slice(0, -(name.length + 1)), r.type, properties(r)),
        async refusedLogin(config) {
          const secret = 'wrong-azure-secret-conformance';
          return { provider: open(config, secret), secret };
        },
        throttle: {
          start: (times, writesOnly) =>
            f.inject({
              kind: 'throttle',
              times,
              retryAfter: 0,
              ...(writesOnly ? { match: (m: string) => m === 'PUT' } : {}),
            }),
          served: () => served() - base,
          clear: () => {
            f.clearFaults();
            base = served();
          },
        },
      };
    },
  };
}
