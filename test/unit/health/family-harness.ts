// Test harness for per-address-family health: two dual-stack regions (eu-west with one single-address
// endpoint beside), a manual clock, and rounds in which chosen families of chosen endpoints fail.
import { type Config, configSchema } from '../../../src/config/index.ts';
import { HealthEngine, type HealthEvent } from '../../../src/health/index.ts';
import type { AddressFamily } from '../../../src/model/index.ts';

export const PROBERS = ['a', 'b', 'c'] as const;
export const INTERVAL = 5000;

export function dualStackConfig(
  health: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Config {
  return configSchema.parse({
    owner: 'test',
    regions: [
      {
        id: 'us-east',
        endpoints: [
          {
            id: 'use-a',
            addresses: { ipv4: '192.0.2.10', ipv6: '2001:db8::10' },
            check: { kind: 'tcp', port: 80 },
          },
        ],
      },
      {
        id: 'eu-west',
        endpoints: [
          {
            id: 'euw-a',
            addresses: { ipv4: '198.51.100.10', ipv6: '2001:db8:1::10' },
            check: { kind: 'tcp', port: 80 },
          },
          { id: 'euw-b', address: '198.51.100.11', check: { kind: 'tcp', port: 80 } },
        ],
      },
    ],
    probers: PROBERS.map((id) => ({ id, keyEnv: `K_${id}` })),
    health: { interval: '5s', staleAfter: '15s', failbackAfter: '60s', maxFailbackAfter: '600s', ...health },
    providers: { m: { kind: 'memory' } },
    ...extra,
  });
}

/** Which checks fail this round: endpoint id → the families that fail ('all' for a single address). */
export type Failing = Record<string, readonly (AddressFamily | 'all')[]>;

export class FamilyHarness {
  t = 1_000_000;
  seq = 1;
  readonly engine: HealthEngine;
  readonly events: HealthEvent[] = [];

  constructor(readonly config: Config = dualStackConfig()) {
    this.engine = new HealthEngine(config, { now: () => this.t });
  }

  /** Every prober reports every check (each family of a dual-stack endpoint), then time moves on. */
  round(failing: Failing = {}): void {
    for (const prober of PROBERS) {
      const results = this.config.regions.flatMap((r) =>
        r.endpoints.flatMap((e) => {
          const fails = failing[e.id] ?? [];
          const families: (AddressFamily | undefined)[] = e.addresses
            ? (['ipv4', 'ipv6'] as const).filter((f) => e.addresses![f] !== undefined)
            : [undefined];
          return families.map((family) => {
            const ok = !fails.includes(family ?? 'all');
            return {
              endpoint: e.id,
              ...(family === undefined ? {} : { family }),
              prober,
              ok,
              latencyMs: 1,
              detail: ok ? 'ok' : `${family ?? 'check'} fails`,
              at: this.t,
            };
          });
        }),
      );
      this.events.push(
        ...this.engine.ingest({ prober, seq: this.seq++, sentAt: this.t, impaired: false, results }, this.t),
      );
    }
    this.advance(INTERVAL);
  }

  rounds(n: number, failing: Failing = {}): void {
    for (let i = 0; i < n; i++) this.round(failing);
  }

  advance(ms: number): void {
    this.t += ms;
    this.events.push(...this.engine.tick(this.t));
  }

  state(region = 'us-east') {
    return this.engine.regionStates().get(region);
  }

  of(type: string, region = 'us-east'): HealthEvent[] {
    return this.events.filter((e) => e.type === type && e.region === region);
  }
}
