// The demo's topology and the config it generates: three regions on distinct loopback addresses (so a
// `dig` answer shows which region serves), three probers with random keys, fast health settings, and
// failover, weighted and geo records on the builtin DNS server. Pure: no I/O, no clock.
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import type { ConfigInput } from '../config/index.ts';

export const DEMO_ZONE = 'demo.geofailover.test';
export const DEMO_OWNER = 'geofailover-demo';
export const DEMO_TOKEN_ENV = 'GEOFAILOVER_API_TOKEN';

export interface DemoEndpointLayout {
  id: string;
  /** The address published in DNS (and, where the machine allows, the backend's listen address). */
  address: string;
}

export interface DemoRegionLayout {
  id: string;
  endpoints: DemoEndpointLayout[];
}

/** us-east answers 127.0.0.1x, eu-west 127.0.0.2x, ap-south 127.0.0.3x. */
export const DEMO_LAYOUT: readonly DemoRegionLayout[] = [
  {
    id: 'us-east',
    endpoints: [
      { id: 'use-a', address: '127.0.0.11' },
      { id: 'use-b', address: '127.0.0.12' },
    ],
  },
  { id: 'eu-west', endpoints: [{ id: 'euw-a', address: '127.0.0.21' }] },
  { id: 'ap-south', endpoints: [{ id: 'aps-a', address: '127.0.0.31' }] },
];

export const DEMO_PROBERS = ['virginia', 'frankfurt', 'mumbai'] as const;

/** The environment variable holding a demo prober's signing key. */
export function proberKeyEnv(prober: string): string {
  return `DEMO_PROBER_${prober.toUpperCase().replace(/-/g, '_')}_KEY`;
}

/** Fresh random secrets: one key per prober and the API token. Passed to children only via env. */
export function demoSecrets(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of DEMO_PROBERS) env[proberKeyEnv(p)] = randomBytes(32).toString('hex');
  env[DEMO_TOKEN_ENV] = randomBytes(16).toString('hex');
  return env;
}

/** Where the probers reach each endpoint's backend (host may differ from the published address). */
export interface BackendTarget {
  endpoint: string;
  host: string;
  port: number;
}

export interface DemoConfigOptions {
  targets: readonly BackendTarget[];
  controllerPort: number;
  dnsPort: number;
  stateDir: string;
  /** Duration string; the demo default is 10s so a failback can be watched. */
  failbackAfter?: string;
  /** Cap of the flap-lengthened failback wait (default 2m); the failover bench sets it to failbackAfter. */
  maxFailbackAfter?: string;
  layout?: readonly DemoRegionLayout[];
}

export function demoConfig(o: DemoConfigOptions): ConfigInput {
  const layout = o.layout ?? DEMO_LAYOUT;
  const target = (endpoint: string): BackendTarget => {
    const t = o.targets.find((x) => x.endpoint === endpoint);
    if (!t) throw new Error(`demo: no backend for endpoint ${endpoint}`);
    return t;
  };
  const regionIds = layout.map((r) => r.id);
  const [first, second, third] = regionIds as [string, string, string];
  const name = (n: string) => `${n}.${DEMO_ZONE}`;
  return {
    owner: DEMO_OWNER,
    regions: layout.map((r) => ({
      id: r.id,
      endpoints: r.endpoints.map((e) => {
        const t = target(e.id);
        return {
          id: e.id,
          address: e.address,
          check: { kind: 'http', url: `http://${t.host}:${t.port}/healthz`, expectStatus: [200] },
        };
      }),
    })),
    probers: DEMO_PROBERS.map((id) => ({ id, keyEnv: proberKeyEnv(id) })),
    controllers: [`http://127.0.0.1:${o.controllerPort}`],
    health: {
      interval: '1s',
      timeout: '500ms',
      fall: 2,
      rise: 2,
      quorum: 'majority',
      minProbers: 2,
      staleAfter: '5s',
      minHealthy: 1,
      failbackAfter: o.failbackAfter ?? '10s',
      maxFailbackAfter: o.maxFailbackAfter ?? '2m',
    },
    providers: { demo: { kind: 'builtin', listen: `127.0.0.1:${o.dnsPort}` } },
    zones: [
      {
        name: DEMO_ZONE,
        provider: 'demo',
        records: [
          {
            name: name('app'),
            type: 'A',
            ttl: 5,
            policy: { kind: 'failover', order: regionIds, whenAllDown: 'fail-open' },
          },
          {
            name: name('api'),
            type: 'A',
            ttl: 5,
            policy: { kind: 'weighted', weights: { [first]: 50, [second]: 30, [third]: 20 } },
          },
          {
            name: name('www'),
            type: 'A',
            ttl: 5,
            policy: {
              kind: 'geo',
              rules: [
                { match: { continent: 'EU' }, regions: [second, first] },
                { match: { continent: 'AS' }, regions: [third, second] },
                { match: 'default', regions: [first, second] },
              ],
            },
          },
        ],
      },
    ],
    controller: {
      listen: `127.0.0.1:${o.controllerPort}`,
      schedule: '*/15 * * * * *',
      mode: 'apply',
      stateDir: o.stateDir,
      tokenEnv: DEMO_TOKEN_ENV,
    },
    geoip: {
      networks: [
        { cidr: '81.0.0.0/8', country: 'DE', continent: 'EU' },
        { cidr: '49.0.0.0/8', country: 'IN', continent: 'AS' },
      ],
    },
  };
}

/** The config as YAML, with a header saying where it came from. */
export function demoConfigYaml(o: DemoConfigOptions): string {
  return `# Generated by \`geofailover demo\`; rewritten on every start. Secrets come from the environment.\n${stringify(demoConfig(o))}`;
}
