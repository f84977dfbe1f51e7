// Shared by the RFC 2136 tests: a config with failover and weighted records on an rfc2136 provider,
// and plan -> apply -> re-plan through the real policy, planner and applier (the shared
// test/helpers/converge.ts, as the CLI does).
import { Rfc2136Provider } from '../../../providers/rfc2136/index.ts';
import { type Config, parseConfig } from '../../../src/config/index.ts';
import { KEY_NAME } from './servers.ts';

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
    policy: { kind: 'weighted', weights: { 'us-east': 70, 'eu-west': 30, 'ap-south': 0 } },
  },
  legacy: {
    name: 'legacy.example.com',
    type: 'A',
    ttl: 60,
    policy: { kind: 'failover', order: ['eu-west', 'us-east'] },
  },
} as const;

export const SECRET_ENV = 'GF_TEST_TSIG_SECRET';

export function makeConfig(
  server: string,
  records: readonly object[],
  over: Record<string, unknown> = {},
  zone = 'example.com',
  owner = OWNER,
): Config {
  return parseConfig(
    JSON.stringify({
      owner,
      regions: REGIONS,
      providers: {
        dns: {
          kind: 'rfc2136',
          server,
          tsig: { name: KEY_NAME, algorithm: 'hmac-sha256', secretEnv: SECRET_ENV },
          timeouts: { connect: '2s', response: '3s', transfer: '10s' },
          ...over,
        },
      },
      zones: [{ name: zone, provider: 'dns', records }],
    }),
  );
}

export function provider(config: Config, secret: string): Rfc2136Provider {
  const cfg = config.providers.dns;
  if (cfg?.kind !== 'rfc2136') throw new Error('test config has no rfc2136 provider "dns"');
  return new Rfc2136Provider('dns', cfg, config.owner, { env: { [SECRET_ENV]: secret } });
}

export { convergeZone as converge, planZone as plan } from '../../helpers/converge.ts';
