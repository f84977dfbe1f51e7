// Test configs for policy and plan tests: three regions with IPv4, IPv6 and host-name endpoints,
// built through the real parser (JSON is YAML) so cross-reference checks apply.
import { type Config, parseConfig } from '../../../src/config/index.ts';
import type { RegionState, RegionStatus } from '../../../src/model/index.ts';

const tcp = { kind: 'tcp', port: 443 };

export const REGIONS = [
  {
    id: 'us-east',
    endpoints: [
      { id: 'use-a', address: '192.0.2.10', check: tcp },
      { id: 'use-b', address: '192.0.2.11', check: tcp },
      { id: 'use-6', address: '2001:DB8:0::10', check: tcp },
      { id: 'use-h', address: 'use.example.net', check: tcp },
      { id: 'use-h2', address: 'use2.example.net', check: tcp },
    ],
  },
  {
    id: 'eu-west',
    endpoints: [
      { id: 'euw-a', address: '198.51.100.10', check: tcp },
      { id: 'euw-6', address: '2001:db8::20', check: tcp },
      { id: 'euw-h', address: 'euw.example.net', check: tcp },
    ],
  },
  {
    id: 'ap-south',
    endpoints: [
      { id: 'aps-a', address: '203.0.113.10', check: tcp },
      { id: 'aps-6', address: '2001:db8::30', check: tcp },
      { id: 'aps-h', address: 'aps.example.net', check: tcp },
    ],
  },
];

export const V4: Record<string, string[]> = {
  'us-east': ['192.0.2.10', '192.0.2.11'],
  'eu-west': ['198.51.100.10'],
  'ap-south': ['203.0.113.10'],
};
export const V6: Record<string, string[]> = {
  'us-east': ['2001:db8::10'],
  'eu-west': ['2001:db8::20'],
  'ap-south': ['2001:db8::30'],
};
export const HOST: Record<string, string> = {
  'us-east': 'use.example.net.',
  'eu-west': 'euw.example.net.',
  'ap-south': 'aps.example.net.',
};

export function makeConfig(records: unknown[], extra: Record<string, unknown> = {}): Config {
  return parseConfig(
    JSON.stringify({
      owner: 'shop-prod',
      regions: REGIONS,
      providers: { mem: { kind: 'memory' } },
      zones: [{ name: 'example.com', provider: 'mem', records }],
      ...extra,
    }),
    'test-config',
  );
}

export function state(
  id: string,
  status: RegionStatus,
  upEndpoints?: string[],
  since = 1_700_000_000_000,
): RegionState {
  const all = REGIONS.find((r) => r.id === id)!.endpoints.map((e) => e.id);
  return { id, status, since, upEndpoints: upEndpoints ?? (status === 'down' ? [] : all) };
}

export function states(map: Record<string, RegionStatus>): Map<string, RegionState> {
  return new Map(Object.entries(map).map(([id, s]) => [id, state(id, s)]));
}

export const ALL_STATUSES: RegionStatus[] = ['up', 'down', 'drained'];

/** Every combination of up/down/drained over the three regions (27). */
export function everyCombination(): Record<string, RegionStatus>[] {
  const out: Record<string, RegionStatus>[] = [];
  for (const a of ALL_STATUSES)
    for (const b of ALL_STATUSES)
      for (const c of ALL_STATUSES) out.push({ 'us-east': a, 'eu-west': b, 'ap-south': c });
  return out;
}
