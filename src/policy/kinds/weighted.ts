// The weighted policy kind: one set per region with its weight. Its records need weighted sets; a
// region whose endpoints weigh unequally needs endpoint weights, and a failback ramp changing weights.
import { z } from 'zod';
import { id } from '../../config/fields/index.ts';
import {
  type CrossContext,
  definePolicy,
  type FeatureNeed,
  type NeedsContext,
  type PolicyProblem,
} from './definition.ts';
import { whenAllDown } from './fields.ts';

export const weightedSchema = z.strictObject({
  kind: z.literal('weighted'),
  weights: z.record(id, z.number().int()),
  whenAllDown,
});

type Weighted = z.output<typeof weightedSchema>;

/** Regions a provider must weight endpoint by endpoint (their endpoints weigh unequally), in policy order. */
function unequal(
  p: Weighted,
  ctx: NeedsContext,
): { region: string; endpoints: { id: string; weight: number }[] }[] {
  return Object.keys(p.weights)
    .map((region) => ({ region, endpoints: [...ctx.endpoints(region)] }))
    .filter((r) => new Set(r.endpoints.map((e) => e.weight)).size > 1);
}

function needsFor(p: Weighted, ctx: NeedsContext): FeatureNeed[] {
  const split = unequal(p, ctx);
  const at = (region: string) => ['policy', 'weights', region];
  // Without weighted sets the record is refused (or flattened) as a whole: one message is enough.
  const out: FeatureNeed[] = split.map((r) => ({
    feature: 'endpointWeights',
    at: at(r.region),
    given: ['weighted'],
    ...r,
  }));
  if (!ctx.ramp) return out;
  for (const r of split)
    out.push({ feature: 'rampedEndpointWeights', at: at(r.region), given: ['failbackRamp'], ...r });
  out.push({ feature: 'failbackRamp', at: ['policy', 'kind'], given: ['weighted'] });
  return out;
}

function check(p: Weighted): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  for (const [region, w] of Object.entries(p.weights)) {
    if (w < 0 || w > 255) out.push({ at: ['weights', region], message: `weight ${w} is outside 0-255` });
  }
  if (Object.keys(p.weights).length > 100)
    out.push({ at: ['weights'], message: 'more than 100 weighted regions for one name' });
  return out;
}

/**
 * Capacity-aware failover spreads a lost region's traffic by spare capacity: once one region of the
 * record declares a capacity, every region with a weight must (a region without one has no spare to
 * count). A weight above the region's capacity overloads it even with every region up: a warning.
 */
function crossCheck(p: Weighted, ctx: CrossContext): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const entries = Object.entries(p.weights);
  const capacityOf = (id: string) => ctx.regions.find((r) => r.id === id)?.capacity;
  const declared = entries.filter(([id]) => capacityOf(id) !== undefined).map(([id]) => id);
  if (declared.length === 0) return out;
  const total = entries.reduce((s, [, w]) => s + Math.max(0, w), 0);
  for (const [id, w] of entries) {
    const c = capacityOf(id);
    if (c === undefined) {
      if (w > 0)
        out.push({
          at: ['weights', id],
          message: `region "${id}" has no capacity, but ${declared.join(', ')} ${declared.length === 1 ? 'has' : 'have'} one: a down region's traffic is spread by spare capacity, so every region with a weight needs regions[].capacity (or none of them)`,
        });
      continue;
    }
    const units = 'weight' in c ? c.weight : (c.percent / 100) * total;
    if (w > units)
      out.push({
        at: ['weights', id],
        severity: 'warning',
        message: `weight ${w} of region "${id}" is above its capacity (${'weight' in c ? c.weight : `${c.percent}% of ${total} = ${Math.round(units * 100) / 100}`}): it is overloaded even with every region up`,
      });
  }
  return out;
}

export const definition = definePolicy({
  kind: 'weighted',
  schema: weightedSchema,
  needs: ['weighted'],
  regions: (p) => Object.keys(p.weights).map((region) => ({ at: ['weights', region], region })),
  // Regions configured with weight 0 take no traffic: the record answers from the others (all of them
  // when none has a weight).
  chains: (p) => {
    const all = Object.keys(p.weights);
    const weighted = all.filter((r) => (p.weights[r] ?? 0) > 0);
    return [{ own: weighted.length > 0 ? weighted : all, fallsTo: [] }];
  },
  needsFor,
  check,
  crossCheck,
});
