// The chaos topology and its config: which host has which 198.18.0.x address, the regions' backends,
// the probers, the controller(s) with the builtin DNS server, and the health settings the issue names
// (interval 1s, timeout 500ms, fall 2). Pure: no I/O.
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import type { Host } from './netns.ts';

export const ZONE = 'chaos.test';
export const APP = `app.${ZONE}`;
/** Same order as APP but whenAllDown: keep-last. */
export const LAST = `last.${ZONE}`;
/** The HA scenario's shared-provider zone (Route 53, emulated by moto_server on the etcd host). */
export const SHARED_ZONE = 'shared.chaos.test';
export const SHARED_APP = `app.${SHARED_ZONE}`;
export const MOTO_PORT = 5000;
export const BACKEND_PORT = 80;
export const API_PORT = 8080;
export const DNS_PORT = 53;
export const ETCD_PORT = 2379;

export const HOSTS = {
  client: { name: 'client', address: '198.18.0.2' },
  etcd: { name: 'etcd', address: '198.18.0.5' },
  ctrl: { name: 'ctrl', address: '198.18.0.10' },
  ctrl2: { name: 'ctrl2', address: '198.18.0.11' },
  use: { name: 'use', address: '198.18.0.21' },
  euw: { name: 'euw', address: '198.18.0.22' },
  aps: { name: 'aps', address: '198.18.0.23' },
  p1: { name: 'p1', address: '198.18.0.31' },
  p2: { name: 'p2', address: '198.18.0.32' },
  p3: { name: 'p3', address: '198.18.0.33' },
  /** A web server outside every region: the probers' canary (proves a prober's own network works). */
  canary: { name: 'canary', address: '198.18.0.40' },
} as const satisfies Record<string, Host>;

export const ALL_HOSTS: Host[] = Object.values(HOSTS);

export interface RegionLayout {
  id: string;
  endpoint: string;
  host: Host;
}

export const REGIONS: readonly RegionLayout[] = [
  { id: 'us-east', endpoint: 'use-a', host: HOSTS.use },
  { id: 'eu-west', endpoint: 'euw-a', host: HOSTS.euw },
  { id: 'ap-south', endpoint: 'aps-a', host: HOSTS.aps },
];
export const PROBERS: readonly Host[] = [HOSTS.p1, HOSTS.p2, HOSTS.p3];
export const REGION_HOSTS: readonly Host[] = REGIONS.map((r) => r.host);

export const keyEnv = (prober: string) => `CHAOS_${prober.toUpperCase()}_KEY`;
export const TOKEN_ENV = 'CHAOS_API_TOKEN';

export function secrets(): Record<string, string> {
  const env: Record<string, string> = { [TOKEN_ENV]: randomBytes(16).toString('hex') };
  for (const p of PROBERS) env[keyEnv(p.name)] = randomBytes(32).toString('hex');
  return env;
}

export interface Timing {
  interval: string;
  timeout: string;
  fall: number;
  rise: number;
  staleAfter: string;
  failbackAfter: string;
  maxFailbackAfter: string;
}

export interface ChaosConfigOptions {
  stateDir: string;
  timing: Timing;
  /** Controller hosts (one, or two replicas with etcd). */
  controllers: readonly Host[];
  /** etcd coordination: client URL. */
  etcd?: string;
  /** A zone on a provider every replica shares (Route 53 on moto_server): only the leader may write it. */
  route53?: { endpoint: string; hostedZoneId: string };
  leaseTtl?: string;
  /** etcd key prefix, the same for every replica of one run. */
  etcdPrefix?: string;
}

export const url = (h: Host, port: number) => `http://${h.address}:${port}`;

/** The config of one controller replica (its own listen address and state dir). */
export function chaosConfig(o: ChaosConfigOptions, self: Host): Record<string, unknown> {
  const order = REGIONS.map((r) => r.id);
  return {
    owner: 'chaos',
    regions: REGIONS.map((r) => ({
      id: r.id,
      endpoints: [
        {
          id: r.endpoint,
          address: r.host.address,
          check: {
            kind: 'http',
            url: `${url(r.host, BACKEND_PORT)}/healthz`,
            expectStatus: [200],
          },
        },
      ],
    })),
    // Without canaries an agent that sees every endpoint fail calls itself impaired and its DOWN votes
    // stop counting, so "every region down" could never be decided; with one, it can.
    probers: PROBERS.map((p) => ({
      id: p.name,
      keyEnv: keyEnv(p.name),
      canaries: [`${url(HOSTS.canary, BACKEND_PORT)}/healthz`],
    })),
    // Plain HTTP on purpose: the chaos hosts share a private test network (198.18.0.0/15, RFC 2544).
    controllers: o.controllers.map((c) => ({ url: url(c, API_PORT), allowPlaintext: true })),
    health: {
      interval: o.timing.interval,
      timeout: o.timing.timeout,
      fall: o.timing.fall,
      rise: o.timing.rise,
      quorum: 'majority',
      minProbers: 2,
      staleAfter: o.timing.staleAfter,
      minHealthy: 1,
      failbackAfter: o.timing.failbackAfter,
      maxFailbackAfter: o.timing.maxFailbackAfter,
    },
    providers: {
      // Each replica serves its own builtin store (every replica writes it).
      dns: { kind: 'builtin', listen: `${self.address}:${DNS_PORT}` },
      ...(o.route53
        ? {
            aws: {
              kind: 'route53',
              hostedZoneId: o.route53.hostedZoneId,
              endpoint: o.route53.endpoint,
              requestsPerSecond: 50,
              syncTimeout: '10s',
            },
          }
        : {}),
    },
    zones: [
      {
        name: ZONE,
        provider: 'dns',
        records: [
          { name: APP, type: 'A', ttl: 5, policy: { kind: 'failover', order, whenAllDown: 'fail-open' } },
          { name: LAST, type: 'A', ttl: 5, policy: { kind: 'failover', order, whenAllDown: 'keep-last' } },
        ],
      },
      ...(o.route53
        ? [
            {
              name: SHARED_ZONE,
              provider: 'aws',
              records: [{ name: SHARED_APP, type: 'A', ttl: 60, policy: { kind: 'failover', order } }],
            },
          ]
        : []),
    ],
    controller: {
      listen: `${self.address}:${API_PORT}`,
      allowPlaintext: true,
      schedule: '*/15 * * * * *',
      mode: 'apply',
      stateDir: o.stateDir,
      tokenEnv: TOKEN_ENV,
      ...(o.etcd
        ? {
            coordination: {
              kind: 'etcd',
              endpoints: [o.etcd],
              leaseTtl: o.leaseTtl ?? '3s',
              prefix: o.etcdPrefix ?? '/gfochaos/',
            },
          }
        : {}),
    },
  };
}

export function chaosConfigYaml(o: ChaosConfigOptions, self: Host): string {
  return `# Generated by the chaos suite (test/e2e/chaos) for ${self.name}.\n${stringify(chaosConfig(o, self))}`;
}

/** Which region an answer points at ('' for none/several). */
export function regionOf(values: readonly string[]): string {
  if (values.length !== 1) return values.length === 0 ? '' : 'several';
  return REGIONS.find((r) => r.host.address === values[0])?.id ?? 'other';
}
