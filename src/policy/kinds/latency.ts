// The latency policy kind: each client geography (a continent, a country, or the default) names the
// probers that stand for it, and is answered by the UP region those probers measure fastest, with
// hysteresis (a region must be faster by `margin` for `hold` before answers move). `regions` is the
// order used while measurements are stale or missing. Its records need geo sets the controller
// chooses at run time.
import { z } from 'zod';
import { duration, id, margin } from '../../config/fields/index.ts';
import { geoSetId } from '../../model/index.ts';
import { type CrossContext, definePolicy, type PolicyProblem } from './definition.ts';
import { steeringMatch, whenAllDown } from './fields.ts';

const geography = z.strictObject({
  match: z.union([z.literal('default'), steeringMatch]),
  /** The probers whose round-trip times stand for this geography's clients (their mean ranks). */
  probers: z.array(id).min(1, 'a geography needs at least one prober that stands for it'),
});

export const latencySchema = z.strictObject({
  kind: z.literal('latency'),
  /** Every region the record may answer from; this order ranks them while measurements are missing. */
  regions: z.array(id).min(1),
  geographies: z.array(geography).min(1),
  /** How much faster a challenger must be than the region ranked above it: "20ms" or "10%". */
  margin: margin.prefault('10%'),
  /** How long it must stay that much faster before the ranking (and the answer) moves. */
  hold: duration.prefault('30s'),
  whenAllDown,
});

type Latency = z.output<typeof latencySchema>;

function check(p: Latency): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const defaults = p.geographies.filter((g) => g.match === 'default').length;
  if (defaults === 0)
    out.push({
      at: ['geographies'],
      message:
        'a latency policy needs a `match: default` geography (clients no geography matches would get no answer)',
    });
  if (defaults > 1)
    out.push({ at: ['geographies'], message: 'a latency policy may have only one default geography' });
  const seen = new Set<string>();
  p.geographies.forEach((g, i) => {
    const setId = geoSetId(g.match);
    if (seen.has(setId))
      out.push({ at: ['geographies', i, 'match'], message: `duplicate geography ${setId}` });
    seen.add(setId);
  });
  p.regions.forEach((r, i) => {
    if (p.regions.indexOf(r) !== i)
      out.push({ at: ['regions', i], message: `region "${r}" is listed twice` });
  });
  return out;
}

function crossCheck(p: Latency, ctx: CrossContext): PolicyProblem[] {
  const known = new Set(ctx.probers);
  const out: PolicyProblem[] = [];
  p.geographies.forEach((g, i) => {
    g.probers.forEach((prober, j) => {
      if (!known.has(prober))
        out.push({
          at: ['geographies', i, 'probers', j],
          message: `unknown prober "${prober}" (the geography's round-trip times come from it); known: ${ctx.probers.join(', ') || '(none)'}`,
        });
    });
  });
  return out;
}

export const definition = definePolicy({
  kind: 'latency',
  schema: latencySchema,
  needs: ['geo', 'steeredGeo'],
  regions: (p) => p.regions.map((region, i) => ({ at: ['regions', i], region })),
  // Every geography ranks all the regions; which comes first depends on what is measured.
  chains: (p) => p.geographies.map(() => ({ own: [...p.regions], fallsTo: [] })),
  check,
  crossCheck,
});
