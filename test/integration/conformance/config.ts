// The configs the conformance table plans with: two regions and, at fixed names of the zone under
// test, one failover, one weighted and one geo record (TTL 60: the lowest every provider accepts).
import { type Config, parseConfig } from '../../../src/config/index.ts';
import type { Harness, TestZone } from './harness.ts';

export const OWNER = 'conformance';
export const US = ['192.0.2.10', '192.0.2.11'];
export const EU = ['198.51.100.10'];

const tcp = { kind: 'tcp', port: 80 };
const REGIONS = [
  {
    id: 'us-east',
    endpoints: [
      { id: 'use-a', address: US[0], check: tcp },
      { id: 'use-b', address: US[1], check: tcp },
    ],
  },
  { id: 'eu-west', endpoints: [{ id: 'euw-a', address: EU[0], check: tcp }] },
];

export type RecordKind = 'failover' | 'failover2' | 'weighted' | 'geo';

/** The name each record kind sits at in `zone`. */
export function nameOf(kind: RecordKind, zone: string): string {
  return `${{ failover: 'app', failover2: 'web', weighted: 'api', geo: 'www' }[kind]}.${zone}`;
}

/** The geo rules: Europe to eu-west first, everyone else to us-east first. */
export const GEO_RULES = [
  { match: { continent: 'EU' }, regions: ['eu-west', 'us-east'] },
  { match: 'default' as const, regions: ['us-east', 'eu-west'] },
];

export function recordOf(kind: RecordKind, zone: string) {
  const base = { name: nameOf(kind, zone), type: 'A', ttl: 60 };
  switch (kind) {
    case 'failover':
    case 'failover2':
      return { ...base, policy: { kind: 'failover', order: ['us-east', 'eu-west'] } };
    case 'weighted':
      return { ...base, policy: { kind: 'weighted', weights: { 'us-east': 70, 'eu-west': 30 } } };
    case 'geo':
      return { ...base, policy: { kind: 'geo', rules: GEO_RULES } };
  }
}

/** A config managing `kinds` in the test zone, on the harness's provider. */
export function tableConfig(h: Harness, z: TestZone, kinds: readonly RecordKind[]): Config {
  return parseConfig(
    JSON.stringify({
      owner: OWNER,
      regions: REGIONS,
      providers: { [h.id]: z.provider },
      zones: [{ name: z.name, provider: h.id, records: kinds.map((k) => recordOf(k, z.name)) }],
      health: { minProbers: 1 },
    }),
  );
}
