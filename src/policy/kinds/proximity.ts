// The proximity policy kind: each client geography (every continent by default, every country, or a
// list) is answered by the UP region nearest to it, by great-circle distance from the geography's
// centre to the region's `location`, scaled by the region's `bias`; failover goes to the next
// nearest. Clients of no known location (the default set) get the first UP region of `regions`. Its
// records need geo sets the controller chooses at run time.
import { z } from 'zod';
import { id } from '../../config/fields/index.ts';
import { CONTINENT_CODES, geoSetId, knownCountries } from '../../model/index.ts';
import { type CrossContext, definePolicy, type PolicyProblem } from './definition.ts';
import { steeringMatch, whenAllDown } from './fields.ts';

export const proximitySchema = z.strictObject({
  kind: z.literal('proximity'),
  /** Every region the record may answer from; clients of unknown location get the first UP one. */
  regions: z.array(id).min(1),
  /** The geo sets to publish: one per continent, one per country, or the geographies listed. */
  geographies: z
    .union([z.literal('continents'), z.literal('countries'), z.array(steeringMatch).min(1)], {
      error:
        'geographies must be continents, countries or a list such as [{ continent: EU }, { country: JP }]',
    })
    .default('continents'),
  whenAllDown,
});

type Proximity = z.output<typeof proximitySchema>;

/** The geographies a proximity policy publishes a set for (the default set comes on top). */
export function proximityMatches(
  p: Pick<Proximity, 'geographies'>,
): { continent?: string; country?: string }[] {
  if (p.geographies === 'continents') return CONTINENT_CODES.map((continent) => ({ continent }));
  if (p.geographies === 'countries') return knownCountries().map((country) => ({ country }));
  return p.geographies;
}

function check(p: Proximity): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  if (Array.isArray(p.geographies)) {
    const seen = new Set<string>();
    p.geographies.forEach((g, i) => {
      const setId = geoSetId(g);
      if (seen.has(setId)) out.push({ at: ['geographies', i], message: `duplicate geography ${setId}` });
      seen.add(setId);
    });
  }
  p.regions.forEach((r, i) => {
    if (p.regions.indexOf(r) !== i)
      out.push({ at: ['regions', i], message: `region "${r}" is listed twice` });
  });
  return out;
}

function crossCheck(p: Proximity, ctx: CrossContext): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  p.regions.forEach((region, i) => {
    const r = ctx.regions.find((x) => x.id === region);
    if (r && r.location === undefined)
      out.push({
        at: ['regions', i],
        message: `region "${region}" has no location; a proximity policy needs one on each of its regions (regions[].location: { lat, lon } in degrees)`,
      });
  });
  return out;
}

export const definition = definePolicy({
  kind: 'proximity',
  schema: proximitySchema,
  needs: ['geo', 'steeredGeo'],
  regions: (p) => p.regions.map((region, i) => ({ at: ['regions', i], region })),
  // Each geography (and the default set, last) ranks all the regions, nearest first.
  chains: (p) => [...proximityMatches(p), 'default'].map(() => ({ own: [...p.regions], fallsTo: [] })),
  check,
  crossCheck,
});
