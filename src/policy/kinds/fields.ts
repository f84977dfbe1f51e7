// The field every policy kind has: what its record publishes when no region it can answer from is up.
import { z } from 'zod';

export const whenAllDown = z.enum(['fail-open', 'keep-last']).default('fail-open');

export type WhenAllDown = z.output<typeof whenAllDown>;

/** A continent code as geo databases and Route 53 write it. */
export const continentCode = z.enum(['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA']);

export const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE');

/** A client geography of the steering kinds: a continent or a country (no subdivisions). */
export const steeringMatch = z
  .strictObject({ continent: continentCode.optional(), country: countryCode.optional() })
  .refine((m) => (m.continent === undefined) !== (m.country === undefined), {
    message: 'a geography is one continent or one country, e.g. { continent: EU } or { country: JP }',
  });

export type SteeringMatch = z.output<typeof steeringMatch>;
