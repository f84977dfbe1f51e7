// Test helper: the small controller config most controller tests share (two or three regions with
// one endpoint each, three probers, one zone), with the parts a test cares about passed in.
import { type Config, parseConfig } from '../../src/config/index.ts';

export const KEYS = { p1: 'key-one-0123456789', p2: 'key-two-0123456789', p3: 'key-three-0123456789' };
export const KEY_ENV = { K1: KEYS.p1, K2: KEYS.p2, K3: KEYS.p3 };
export const ENDPOINTS = { 'us-east': 'use-a', 'eu-west': 'euw-a', 'ap-south': 'aps-a' } as const;

const REGIONS = [
  '  - { id: us-east, endpoints: [{ id: use-a, address: 192.0.2.10, check: { kind: tcp, port: 80 } }] }',
  '  - { id: eu-west, endpoints: [{ id: euw-a, address: 198.51.100.10, check: { kind: tcp, port: 80 } }] }',
  '  - { id: ap-south, endpoints: [{ id: aps-a, address: 203.0.113.10, check: { kind: tcp, port: 80 } }] }',
];

export const FAILOVER_2 =
  '      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west] } }';
export const FAILOVER_3 =
  '      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west, ap-south] } }';
export const WEIGHTED =
  '      - { name: api.example.com, type: A, ttl: 30, policy: { kind: weighted, weights: { us-east: 70, eu-west: 30 } } }';
export const GEO = `      - name: www.example.com
        type: A
        ttl: 30
        policy: { kind: geo, rules: [{ match: { continent: EU }, regions: [eu-west, us-east] }, { match: default, regions: [us-east, eu-west] }] }`;

export interface TestConfigOptions {
  owner: string;
  stateDir: string;
  regions?: 2 | 3;
  /** The provider `p`, as YAML flow, e.g. `{ kind: memory }`. */
  provider?: string;
  /** Record lines (FAILOVER_2, WEIGHTED, GEO…). */
  records?: string[];
  /** Health keys over the defaults, e.g. `{ failbackAfter: '1s' }`. */
  health?: Record<string, string | number>;
  /** Controller keys over the defaults, e.g. `{ tokenEnv: 'API_TOKEN' }`. */
  controller?: Record<string, string | number>;
  /** Extra top-level YAML (verify, geoip, notifications). */
  extra?: string;
}

const flow = (m: Record<string, string | number>) =>
  `{ ${Object.entries(m)
    .map(([k, v]) => `${k}: ${typeof v === 'string' && /[:*\s]/.test(v) ? JSON.stringify(v) : v}`)
    .join(', ')} }`;

export function controllerYaml(o: TestConfigOptions): string {
  const health = {
    interval: '1s',
    timeout: '500ms',
    fall: 2,
    rise: 2,
    minProbers: 2,
    staleAfter: '30s',
    failbackAfter: '60s',
    ...o.health,
  };
  const controller = { listen: '127.0.0.1:0', schedule: '0 0 1 1 *', stateDir: o.stateDir, ...o.controller };
  return `
owner: ${o.owner}
regions:
${REGIONS.slice(0, o.regions ?? 2).join('\n')}
probers: [{ id: p1, keyEnv: K1 }, { id: p2, keyEnv: K2 }, { id: p3, keyEnv: K3 }]
health: ${flow(health)}
providers: { p: ${o.provider ?? '{ kind: memory }'} }
zones:
  - name: example.com
    provider: p
    records:
${(o.records ?? [FAILOVER_2]).join('\n')}
controller: ${flow(controller)}
${o.extra ?? ''}
`;
}

export function controllerConfig(o: TestConfigOptions): Config {
  return parseConfig(controllerYaml(o));
}
