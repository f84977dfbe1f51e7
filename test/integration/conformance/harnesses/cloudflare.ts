// Conformance harness for Cloudflare (records mode) on the strict fake API through the real SDK: one
// fake, zone and token per case (the adapter keeps its rate-limit budget per token). A hand edit
// changes records in place, as the dashboard does, keeping their ids and tags.
import { randomBytes } from 'node:crypto';
import { createCloudflareProvider } from '../../../../providers/cloudflare/index.ts';
import type { Config } from '../../../../src/config/index.ts';
import { FakeCloudflare } from '../../../fakes/cloudflare/index.ts';
import type { HandRecord, Harness } from '../harness.ts';

const TOKEN_ENV = 'CF_CONFORMANCE_TOKEN';

function open(config: Config, token: string) {
  const cfg = config.providers.cf;
  if (cfg?.kind !== 'cloudflare') throw new Error('conformance config has no cloudflare provider "cf"');
  return createCloudflareProvider('cf', cfg, { owner: config.owner, config, env: { [TOKEN_ENV]: token } });
}

export function cloudflareHarness(): Harness {
  const fakes: FakeCloudflare[] = [];
  let n = 0;
  return {
    name: 'cloudflare records mode on the strict fake',
    kind: 'cloudflare',
    id: 'cf',
    gates: {
      cas: "Cloudflare's API has no conditional write: a record edited in place between read and write is overwritten (only a record deleted meanwhile fails the batch)",
    },
    missing: () => undefined,
    async start() {},
    async stop() {
      await Promise.all(fakes.map((f) => f.stop()));
    },
    async zone() {
      const name = `c${++n}.example.com`;
      const zoneId = randomBytes(16).toString('hex');
      const token = `cf-conformance-${zoneId}`;
      const fake = new FakeCloudflare({ token, zones: [{ id: zoneId, name }] });
      await fake.start();
      fakes.push(fake);
      const zone = fake.zones.get(zoneId)!;
      const served = () => fake.calls.filter((c) => c.status === 429).length;
      let base = 0;
      return {
        name,
        provider: { kind: 'cloudflare', zoneId, apiTokenEnv: TOKEN_ENV, baseURL: fake.url },
        open: async (config) => open(config, token),
        async handEdit(r: HandRecord) {
          const held = [...zone.records.values()].filter((x) => x.name === r.name && x.type === r.type);
          r.values.forEach((content, i) => {
            if (held[i]) zone.patch(held[i].id, { content, ttl: r.ttl });
            else zone.create({ name: r.name, type: r.type, content, ttl: r.ttl });
          });
          for (const extra of held.slice(r.values.length)) zone.delete(extra.id);
        },
        async refusedLogin(config) {
          const secret = 'cf-wrong-token-conformance-0000';
          return { provider: open(config, secret), secret };
        },
        throttle: {
          start: (times, writesOnly) =>
            fake.inject({
              status: 429,
              retryAfter: 0,
              times,
              ...(writesOnly ? { match: (method: string) => method !== 'GET' } : {}),
            }),
          served: () => served() - base,
          clear: () => {
            fake.clearFaults();
            base = served();
          },
        },
      };
    },
  };
}
