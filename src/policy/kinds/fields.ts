// The field every policy kind has: what its record publishes when no region it can answer from is up.
import { z } from 'zod';

export const whenAllDown = z.enum(['fail-open', 'keep-last']).default('fail-open');

export type WhenAllDown = z.output<typeof whenAllDown>;
