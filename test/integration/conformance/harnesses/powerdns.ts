// Conformance harness for PowerDNS on a real pdns_server (gsqlite3, started on loopback), one zone
// per case, opened through the provider factory. A hand edit is a PATCH through the API with the
// server's own key; refused credentials are a wrong API key. pdns_server does not throttle.
import { createProvider } from '../../../../providers/index.ts';
import type { Config } from '../../../../src/config/index.ts';
import { missing, type PdnsServer, startPdns } from '../../powerdns/pdns-server.ts';
import type { Harness } from '../harness.ts';

const KEY_ENV = 'PDNS_CONFORMANCE_KEY';

function open(config: Config, key: string) {
  return createProvider('pdns', { owner: config.owner, config, env: { [KEY_ENV]: key } });
}

export function powerdnsHarness(): Harness {
  let pdns: PdnsServer | undefined;
  let n = 0;
  return {
    name: 'powerdns on pdns_server',
    kind: 'powerdns',
    id: 'pdns',
    gates: { throttle: 'pdns_server has no request limit to throttle with' },
    missing,
    async start() {
      pdns = await startPdns();
    },
    async stop() {
      await pdns?.stop();
    },
    async zone() {
      const server = pdns!;
      const name = `c${++n}.example.com`;
      await server.createZone(name);
      return {
        name,
        provider: { kind: 'powerdns', url: server.url, apiKeyEnv: KEY_ENV, timeout: '3s' },
        open: async (config) => open(config, server.apiKey),
        handEdit: (r) =>
          server.patch(name, [
            {
              name: `${r.name}.`,
              type: r.type,
              ttl: r.ttl,
              changetype: 'REPLACE',
              records: r.values.map((content) => ({ content, disabled: false })),
            },
          ]),
        async refusedLogin(config) {
          const secret = 'pdns-wrong-key-conformance';
          return { provider: await open(config, secret), secret };
        },
      };
    },
  };
}
