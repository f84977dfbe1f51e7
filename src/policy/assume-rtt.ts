// Round-trip times from `plan --assume-rtt PROBER:REGION=MS`: what-if planning of latency records
// without probes. Assumed times rank at once (no hysteresis: there is no history to hold against);
// a region no assumed time covers ranks after the measured ones, in the configured order.
import type { Config } from '../config/index.ts';
import { type SteeringInput, UsageError } from '../model/index.ts';

export function assumeSteering(
  config: Config,
  assumed: ReadonlyMap<string, ReadonlyMap<string, number>>,
): SteeringInput {
  const probers = config.probers.map((p) => p.id);
  const regions = config.regions.map((r) => r.id);
  for (const [prober, row] of assumed) {
    if (!probers.includes(prober))
      throw new UsageError(`--assume-rtt names unknown prober "${prober}"`, {
        value: prober,
        remedy: `use one of: ${probers.join(', ') || '(no probers configured)'}`,
      });
    for (const [region, ms] of row) {
      if (!regions.includes(region))
        throw new UsageError(`--assume-rtt ${prober}:${region}: unknown region "${region}"`, {
          region,
          value: `${prober}:${region}=${ms}`,
          remedy: `use one of: ${regions.join(', ')}`,
        });
      if (!(ms >= 0 && ms < 600_000))
        throw new UsageError(`--assume-rtt ${prober}:${region}=${ms}: a time must be 0-600000 ms`, {
          value: String(ms),
          remedy: 'give the round-trip time in milliseconds, e.g. 20',
        });
    }
  }
  return { rtt: assumed, held: new Map(), source: 'assumed' };
}
