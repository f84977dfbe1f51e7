// The region fields steering reads: where a region is (proximity), how far its pull reaches (bias),
// how much traffic it can take (capacity), and the latency policy's margin. Field helpers, so the
// config schema and the policy definitions share one parsed form.
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../duration.ts';

/** Degrees of latitude and longitude (WGS 84), as a map shows them. */
export const location = z.strictObject({
  lat: z
    .number({ error: 'lat must be a number of degrees (-90 to 90), e.g. 50.1' })
    .min(-90, 'lat must be between -90 and 90 degrees')
    .max(90, 'lat must be between -90 and 90 degrees'),
  lon: z
    .number({ error: 'lon must be a number of degrees (-180 to 180), e.g. 8.7' })
    .min(-180, 'lon must be between -180 and 180 degrees')
    .max(180, 'lon must be between -180 and 180 degrees'),
});

export type Location = z.output<typeof location>;

export const BIAS_MIN = -99;
export const BIAS_MAX = 99;
const biasText = `bias must be a whole number from ${BIAS_MIN} to ${BIAS_MAX} (percent by which the region's distances shrink; negative grows them), as Route 53 geoproximity takes it`;

/**
 * Proximity bias, as Route 53 geoproximity has it: distances to the region count (1 - bias/100) times
 * their length, so a positive bias draws clients from further away and a negative one fewer.
 */
export const bias = z
  .number({ error: biasText })
  .int(biasText)
  .min(BIAS_MIN, biasText)
  .max(BIAS_MAX, biasText);

/** A region's capacity: in the unit of the records' weights, or a share of a record's total traffic. */
export type Capacity = { weight: number } | { percent: number };

const capacityText =
  'capacity must be above 0: a number in the unit of the weights (e.g. 60) or a share of total traffic (e.g. "40%")';

export const capacity = z
  .union([z.number(), z.string()], { error: capacityText })
  .transform((v, ctx): Capacity => {
    const percent = typeof v === 'string' ? /^(\d+(?:\.\d+)?)%$/.exec(v.trim()) : null;
    const n = typeof v === 'number' ? v : percent ? Number(percent[1]) : Number.NaN;
    if (!(Number.isFinite(n) && n > 0)) {
      ctx.addIssue({ code: 'custom', message: `${capacityText}; got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return typeof v === 'number' ? { weight: n } : { percent: n };
  })
  .describe('Traffic the region can take: a number in the unit of the weights, or a share such as "40%".');

/** How much faster a region must be to move answers: milliseconds or a share of the slower time. */
export type Margin = { ms: number } | { percent: number };

const marginText = 'margin must be a duration such as 20ms or a share such as "10%"';

export const margin = z
  .union([z.string(), z.number()], { error: marginText })
  .transform((v, ctx): Margin => {
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return { ms: v };
    const text = String(v).trim();
    const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
    if (percent && Number(percent[1]) < 100) return { percent: Number(percent[1]) };
    const ms = DURATION_PATTERN.test(text) ? parseDuration(text) : undefined;
    if (ms !== undefined) return { ms };
    ctx.addIssue({ code: 'custom', message: `${marginText} (a share below 100%); got ${JSON.stringify(v)}` });
    return z.NEVER;
  })
  .describe('How much faster a region must be to move answers: "20ms" or "10%".');

export function formatMargin(m: Margin): string {
  return 'ms' in m ? `${m.ms} ms` : `${m.percent}%`;
}
