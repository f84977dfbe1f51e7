// The weighted policy kind: one set per region with its weight. Its records need weighted sets; a
// region whose endpoints weigh unequally needs endpoint weights, and a failback ramp changing weights.
import { z } from 'zod';
import { id } from '../../config/fields/index.ts';
import { definePolicy, type FeatureNeed, type NeedsContext, type PolicyProblem } from './definition.ts';
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
});
