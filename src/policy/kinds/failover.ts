// The failover policy kind: an ordered list of regions, the first UP one answers. Its records need
// no feature beyond plain record sets, except the weighted sets a failback ramp splits them into.
import { z } from 'zod';
import { id } from '../../config/fields/index.ts';
import { definePolicy } from './definition.ts';
import { whenAllDown } from './fields.ts';

export const failoverSchema = z.strictObject({
  kind: z.literal('failover'),
  order: z.array(id).min(1),
  whenAllDown,
});

export const definition = definePolicy({
  kind: 'failover',
  schema: failoverSchema,
  needs: [],
  regions: (p) => p.order.map((region, i) => ({ at: ['order', i], region })),
  chains: (p) => [{ own: [...p.order], fallsTo: [] }],
  // While its first region climbs the ramp, the answer is two weighted sets (src/policy/failover.ts).
  needsFor: (_p, ctx) => (ctx.ramp ? [{ feature: 'failbackRamp', at: ['policy', 'kind'] }] : []),
});
