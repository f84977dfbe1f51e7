// Shared set-up for the PowerDNS adapter tests: a config pointing at the test's pdns_server, the
// adapter built through the provider factory, and plan/apply through the real planner and applier
// (every test ends by planning again and asserting zero changes).
import { Resolver } from 'node:dns/promises';
import { stringify } from 'yaml';
import { createProvider, type DnsProvider } from '../../../providers/index.ts';
import { type Config, parseConfig } from '../../../src/config/index.ts';

export const KEY_ENV = 'PDNS_TEST_API_KEY';
export const OWNER = 'shop-prod';

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
  {
    id: 'ap-south',
    endpoints: [{ id: 'aps-a', address: '203.0.113.30', check: { kind: 'tcp', port: 80 } }],
  },
  {
    id: 'cdn',
    endpoints: [{ id: 'cdn-a', address: 'edge.cdn.example.net', check: { kind: 'tcp', port: 80 } }],
  },
];

export function failover(name: string, order: string[], extra: Record<string, unknown> = {}) {
  return { name, type: 'A', ttl: 60, policy: { kind: 'failover', order }, ...extra };
}

export function weighted(name: string, weights: Record<string, number>) {
  return { name, type: 'A', ttl: 60, policy: { kind: 'weighted', weights } };
}

export function makeConfig(
  url: string,
  zone: string,
  records: unknown[],
  provider: Record<string, unknown> = {},
): Config {
  return parseConfig(
    stringify({
      owner: OWNER,
      regions: REGIONS,
      providers: { pdns: { kind: 'powerdns', url, apiKeyEnv: KEY_ENV, timeout: '3s', ...provider } },
      zones: [{ name: zone, provider: 'pdns', records }],
      health: { minProbers: 1 },
    }),
  );
}

export async function open(config: Config, key: string): Promise<DnsProvider> {
  return createProvider('pdns', { owner: config.owner, config, env: { [KEY_ENV]: key } });
}

/** What the server answers over DNS (its own listener on loopback). */
export async function dnsAnswer(port: number, name: string, type: 'A' | 'AAAA' | 'TXT'): Promise<string[]> {
  const r = new Resolver({ timeout: 2000, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  try {
    if (type === 'TXT') return (await r.resolveTxt(name)).map((chunks) => chunks.join('')).sort();
    return (type === 'A' ? await r.resolve4(name) : await r.resolve6(name)).sort();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENODATA' || (err as { code?: string }).code === 'ENOTFOUND')
      return [];
    throw err;
  }
}

export { convergeZone as converge, planZone as plan } from '../../helpers/converge.ts';
