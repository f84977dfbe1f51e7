// The geo policy kind: rules by the client's continent, country or subdivision, each answered by its
// first UP region, and a required default rule. Its records need geo sets.
import { z } from 'zod';
import { id } from '../../config/fields/index.ts';
import { definePolicy, type PolicyProblem } from './definition.ts';
import { whenAllDown } from './fields.ts';

const geoMatch = z
  .strictObject({
    continent: z.enum(['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA']).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE')
      .optional(),
    subdivision: z
      .string()
      .regex(/^[A-Z0-9]{1,3}$/, 'must be a subdivision code such as CA')
      .optional(),
  })
  .refine((m) => m.continent !== undefined || m.country !== undefined, {
    message: 'a geo match needs a continent or a country (or use `match: default`)',
  });

const geoRule = z.strictObject({
  match: z.union([z.literal('default'), geoMatch]),
  regions: z.array(id).min(1),
});

export const geoSchema = z.strictObject({
  kind: z.literal('geo'),
  rules: z.array(geoRule).min(1),
  whenAllDown,
});

type Geo = z.output<typeof geoSchema>;

function check(p: Geo): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const defaults = p.rules.filter((r) => r.match === 'default').length;
  if (defaults === 0)
    out.push({
      at: ['rules'],
      message: 'a geo policy needs a `match: default` rule (clients no rule matches would get no answer)',
    });
  if (defaults > 1) out.push({ at: ['rules'], message: 'a geo policy may have only one default rule' });
  const seen = new Set<string>();
  p.rules.forEach((rule, i) => {
    if (rule.match === 'default') return;
    const at = ['rules', i, 'match'];
    if (rule.match.continent !== undefined && rule.match.country !== undefined)
      out.push({ at, message: 'a geo match takes a continent or a country, not both' });
    if (rule.match.subdivision !== undefined && rule.match.country === undefined)
      out.push({ at, message: 'a subdivision needs its country' });
    const k = JSON.stringify(rule.match);
    if (seen.has(k)) out.push({ at, message: `duplicate geo match ${k}` });
    seen.add(k);
  });
  return out;
}

export const definition = definePolicy({
  kind: 'geo',
  schema: geoSchema,
  needs: ['geo'],
  regions: (p) =>
    p.rules.flatMap((rule, i) =>
      rule.regions.map((region, j) => ({ at: ['rules', i, 'regions', j], region })),
    ),
  // A rule none of whose regions is up falls through to the default rule's before the fallback.
  chains: (p) => {
    const def = p.rules.find((r) => r.match === 'default')?.regions ?? [];
    return p.rules.map((r) => ({ own: [...r.regions], fallsTo: r.match === 'default' ? [] : [...def] }));
  },
  check,
});
