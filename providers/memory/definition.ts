// The memory provider kind (tests, plans, demos): no options, every policy.
import { z } from 'zod';
import { defineProvider } from '../definition.ts';

export const definition = defineProvider({
  kind: 'memory',
  schema: z.strictObject({ kind: z.literal('memory') }),
  supports: () => ({
    weighted: true,
    endpointWeights: true,
    failbackRamp: true,
    rampedEndpointWeights: true,
    apexCname: true,
    alias: true,
    fallback: true,
  }),
});
