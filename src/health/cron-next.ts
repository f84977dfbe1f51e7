// The next start of a cron schedule in UTC (maintenance windows): node-cron parses the expression
// (the same dialect as controller.schedule), this walks the calendar. UTC only, so there is no DST
// gap or doubled hour to reason about. Day of month AND day of week must both match (node-cron's rule).
import cron from 'node-cron';

export interface CronSpec {
  second: number[];
  minute: number[];
  hour: number[];
  dayOfMonth: number[];
  month: number[];
  dayOfWeek: number[];
}

const DAY = 86_400_000;
/** How far ahead to look: a schedule such as "0 0 30 2 *" never fires, and must not loop forever. */
const HORIZON_DAYS = 366 * 5;

/**
 * The parsed schedule, or a message saying what is wrong. The `L` and `#` day forms are refused:
 * a maintenance window is best written with plain numbers that anyone can check by eye.
 */
export function parseCron(expression: string): CronSpec | string {
  const v = cron.validateDetailed(expression);
  if (!v.valid) {
    const e = v.errors[0];
    return `not a cron expression (5 fields, or 6 with seconds first): ${e ? `${e.field}: ${e.message}` : expression}`;
  }
  const f = cron.parse(expression);
  const nums = (xs: (number | string)[]) =>
    xs.every((x) => typeof x === 'number') ? (xs as number[]) : undefined;
  const dom = nums(f.dayOfMonth);
  const dow = nums(f.dayOfWeek);
  if (!dom || !dow)
    return 'the L and # day forms are not supported in maintenance windows; use plain day numbers';
  return {
    second: [...f.second].sort((a, b) => a - b),
    minute: [...f.minute].sort((a, b) => a - b),
    hour: [...f.hour].sort((a, b) => a - b),
    dayOfMonth: dom,
    month: f.month,
    // node-cron accepts 7 for Sunday.
    dayOfWeek: dow.map((d) => d % 7),
  };
}

/** The first start at or after `from` (epoch ms), or undefined when none falls within five years. */
export function nextStart(spec: CronSpec, from: number): number | undefined {
  const first = Math.ceil(from / 1000) * 1000;
  let day = Math.floor(first / DAY) * DAY;
  for (let i = 0; i < HORIZON_DAYS; i++, day += DAY) {
    const d = new Date(day);
    if (
      !spec.month.includes(d.getUTCMonth() + 1) ||
      !spec.dayOfMonth.includes(d.getUTCDate()) ||
      !spec.dayOfWeek.includes(d.getUTCDay())
    )
      continue;
    for (const h of spec.hour)
      for (const m of spec.minute)
        for (const s of spec.second) {
          const t = day + h * 3_600_000 + m * 60_000 + s * 1000;
          if (t >= first) return t;
        }
  }
  return undefined;
}
