// Test harness for the health engine: a small config, a manual clock and helpers that play rounds of
// probe results from chosen probers.
import { type Config, configSchema } from '../../../src/config/index.ts';
import { HealthEngine, type HealthEvent } from '../../../src/health/index.ts';

export const PROBERS = ['a', 'b', 'c'] as const;
export const INTERVAL = 5000;

export function makeConfig(health: Record<string, unknown> = {}, endpointsPerRegion = 1): Config {
  const region = (id: string) => ({
    id,
    endpoints: Array.from({ length: endpointsPerRegion }, (_, i) => ({
      id: `${id}-e${i}`,
      address: `192.0.2.${i + 1}`,
      check: { kind: 'tcp', port: 80 },
    })),
  });
  return configSchema.parse({
    owner: 'test',
    regions: [region('r1'), region('r2')],
    probers: PROBERS.map((id) => ({ id, keyEnv: `K_${id}` })),
    health: { interval: '5s', staleAfter: '15s', failbackAfter: '60s', maxFailbackAfter: '600s', ...health },
    providers: { m: { kind: 'memory' } },
  });
}

export class Harness {
  t = 1_000_000;
  seq = 1;
  readonly engine: HealthEngine;
  readonly events: HealthEvent[] = [];

  constructor(readonly config: Config = makeConfig()) {
    this.engine = new HealthEngine(config, { now: () => this.t });
  }

  /** One report from `prober` with one result per listed endpoint, at the current time. */
  report(prober: string, results: Record<string, boolean>, impaired = false): HealthEvent[] {
    const ev = this.engine.ingest(
      {
        prober,
        seq: this.seq++,
        sentAt: this.t,
        impaired,
        results: Object.entries(results).map(([endpoint, ok]) => ({
          endpoint,
          prober,
          ok,
          latencyMs: 1,
          detail: ok ? 'ok' : 'fail',
          at: this.t,
        })),
      },
      this.t,
    );
    this.events.push(...ev);
    return ev;
  }

  /** Every listed prober reports `ok` for every endpoint of r1 (and r2 up), then time advances one interval. */
  round(probers: readonly string[], r1ok: boolean, r2ok = true): void {
    for (const p of probers) this.report(p, { 'r1-e0': r1ok, 'r2-e0': r2ok });
    this.advance(INTERVAL);
  }

  advance(ms: number): HealthEvent[] {
    this.t += ms;
    const ev = this.engine.tick(this.t);
    this.events.push(...ev);
    return ev;
  }

  status(region = 'r1'): string | undefined {
    return this.engine.regionStates().get(region)?.status;
  }

  regionTransitions(region = 'r1'): HealthEvent[] {
    return this.events.filter((e) => e.type === 'region-transition' && e.region === region);
  }
}
