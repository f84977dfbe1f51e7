// Conformance harness for Google Cloud DNS on the strict fake through the real @google-cloud/dns
// client: one fake for the table, one managed zone per case, a service account whose key file sits
// in a temp dir. Refused credentials are a key the fake does not know.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGoogleCloudProvider } from '../../../../providers/googlecloud/index.ts';
import type { Config } from '../../../../src/config/index.ts';
import { FakeCloudDns, makeServiceAccount } from '../../../fakes/googlecloud/index.ts';
import type { Harness } from '../harness.ts';

const PROJECT = 'conformance-123';

function open(config: Config) {
  const cfg = config.providers.gcp;
  if (cfg?.kind !== 'googlecloud') throw new Error('conformance config has no googlecloud provider "gcp"');
  return createGoogleCloudProvider(
    'gcp',
    cfg,
    { owner: config.owner, config, env: {} },
    { retry: { baseMs: 5, capMs: 20 }, poll: { firstMs: 5, maxMs: 20 } },
  );
}

export function googlecloudHarness(): Harness {
  const account = makeServiceAccount(PROJECT);
  let fake: FakeCloudDns | undefined;
  let dir = '';
  let n = 0;
  return {
    name: 'googlecloud on the strict fake',
    kind: 'googlecloud',
    id: 'gcp',
    gates: {},
    missing: () => undefined,
    async start() {
      fake = new FakeCloudDns(PROJECT, [account]);
      await fake.start();
      dir = mkdtempSync(join(tmpdir(), 'gf-conformance-gcp-'));
      writeFileSync(join(dir, 'key.json'), JSON.stringify(account.keyFile), { mode: 0o600 });
    },
    async stop() {
      await fake?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    async zone() {
      const f = fake!;
      const i = ++n;
      const name = `c${i}.example.com`;
      const managedZone = `c${i}-example-com`;
      f.addZone(managedZone, `${name}.`);
      const provider = {
        kind: 'googlecloud',
        project: PROJECT,
        managedZone,
        keyFile: join(dir, 'key.json'),
        apiEndpoint: f.url,
        geoLocations: { 'continent-eu': 'europe-west1', default: 'us-east1' },
      };
      const served = () => f.calls.filter((c) => c.status === 429).length;
      let base = served();
      return {
        name,
        provider,
        open: async (config) => open(config),
        handEdit: async (r) =>
          f.put(managedZone, { name: `${r.name}.`, type: r.type, ttl: r.ttl, rrdatas: r.values }),
        async refusedLogin(config) {
          const stranger = makeServiceAccount(PROJECT, `stranger-${i}`);
          const file = join(dir, `stranger-${i}.json`);
          writeFileSync(file, JSON.stringify(stranger.keyFile), { mode: 0o600 });
          const cfg = config.providers.gcp!;
          const refused = { ...config, providers: { gcp: { ...cfg, keyFile: file } } } as Config;
          return { provider: open(refused), secret: 'PRIVATE KEY' };
        },
        throttle: {
          start: (times, writesOnly) =>
            f.inject({
              kind: 'throttle',
              times,
              ...(writesOnly ? { match: (m: string) => m === 'POST' } : {}),
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
