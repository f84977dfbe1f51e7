// The next and the previous start of a cron schedule in UTC (maintenance windows): node-cron parses
// the expression (the same dialect as controller.schedule), this finds start times arithmetically.
// UTC only, so there is no DST gap or doubled hour to reason about. Day of month AND day of week must
// both match (node-cron's rule).
//
// Both searches walk months, then the allowed days of an allowed month, then pick the time of day
// from the sorted hour/minute/second lists, so their cost does not depend on how often the schedule
// fires: a few hundred steps at worst (a date that comes round once in years), a handful usually.
// They run on every health tick and every status request, so they must never walk second by second.
import cron from 'node-cron';

export interface CronSpec {
  /** Each list sorted ascending. */
  second: number[];
  minute: number[];
  hour: number[];
  dayOfMonth: number[];
  month: number[];
  dayOfWeek: number[];
}

const DAY = 86_400_000;
/** How far to look: a schedule such as "0 0 30 2 *" never fires, and must not loop forever. */
const HORIZON_DAYS = 366 * 5;
/** The last instant a Date can hold: a start past it could not be shown, so there is none. */
const LAST_DATE = 8.64e15;
/** Months a search may visit within the horizon (one more for a start in the middle of a month). */
const HORIZON_MONTHS = 61;

const ascending = (xs: readonly number[]) => [...new Set(xs)].sort((a, b) => a - b);

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
    second: ascending(f.second),
    minute: ascending(f.minute),
    hour: ascending(f.hour),
    dayOfMonth: ascending(dom),
    month: ascending(f.month),
    // node-cron accepts 7 for Sunday.
    dayOfWeek: ascending(dow.map((d) => d % 7)),
  };
}

const LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysIn(year: number, month0: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month0 === 1 && leap ? 29 : LENGTHS[month0]!;
}

/** 0 = Sunday; 1970-01-01 was a Thursday. */
const weekday = (day: number) => (((Math.floor(day / DAY) + 4) % 7) + 7) % 7;

/** The first time of day (seconds) at or after `sec` the schedule allows, if any. */
function timeAtOrAfter(spec: CronSpec, sec: number): number | undefined {
  const h0 = Math.floor(sec / 3600);
  const m0 = Math.floor((sec % 3600) / 60);
  const s0 = sec % 60;
  for (const h of spec.hour) {
    if (h < h0) continue;
    if (h > h0) return h * 3600 + spec.minute[0]! * 60 + spec.second[0]!;
    for (const m of spec.minute) {
      if (m < m0) continue;
      if (m > m0) return h * 3600 + m * 60 + spec.second[0]!;
      for (const s of spec.second) if (s >= s0) return h * 3600 + m * 60 + s;
    }
  }
  return undefined;
}

/** The last time of day (seconds) at or before `sec` the schedule allows, if any. */
function timeAtOrBefore(spec: CronSpec, sec: number): number | undefined {
  const h0 = Math.floor(sec / 3600);
  const m0 = Math.floor((sec % 3600) / 60);
  const s0 = sec % 60;
  const lastMinute = spec.minute.at(-1)!;
  const lastSecond = spec.second.at(-1)!;
  for (let i = spec.hour.length - 1; i >= 0; i--) {
    const h = spec.hour[i]!;
    if (h > h0) continue;
    if (h < h0) return h * 3600 + lastMinute * 60 + lastSecond;
    for (let j = spec.minute.length - 1; j >= 0; j--) {
      const m = spec.minute[j]!;
      if (m > m0) continue;
      if (m < m0) return h * 3600 + m * 60 + lastSecond;
      for (let k = spec.second.length - 1; k >= 0; k--) {
        const s = spec.second[k]!;
        if (s <= s0) return h * 3600 + m * 60 + s;
      }
    }
  }
  return undefined;
}

/** Whether the schedule allows the weekday of this day (midnight UTC, epoch ms). */
const weekdayAllowed = (spec: CronSpec, day: number) => spec.dayOfWeek.includes(weekday(day));

/** The first start at or after `from` (epoch ms), or undefined when none falls within five years. */
export function nextStart(spec: CronSpec, from: number): number | undefined {
  if (!Number.isFinite(from)) return undefined;
  const first = Math.ceil(from / 1000) * 1000;
  const day0 = Math.floor(first / DAY) * DAY;
  const limit = day0 + HORIZON_DAYS * DAY;
  const d0 = new Date(day0);
  let year = d0.getUTCFullYear();
  let month0 = d0.getUTCMonth();
  if (Number.isNaN(year)) return undefined;
  for (let i = 0; i <= HORIZON_MONTHS; i++) {
    const monthStart = Date.UTC(year, month0, 1);
    if (!Number.isFinite(monthStart) || monthStart >= limit) return undefined;
    if (spec.month.includes(month0 + 1)) {
      const length = daysIn(year, month0);
      for (const dom of spec.dayOfMonth) {
        if (dom > length) break;
        const day = monthStart + (dom - 1) * DAY;
        if (day >= limit) return undefined;
        if (day < day0 || !weekdayAllowed(spec, day)) continue;
        const t = timeAtOrAfter(spec, day === day0 ? (first - day0) / 1000 : 0);
        if (t !== undefined) return day + t * 1000 <= LAST_DATE ? day + t * 1000 : undefined;
      }
    }
    if (++month0 === 12) {
      month0 = 0;
      year++;
    }
  }
  return undefined;
}

/**
 * The last start at or before `at` and at or after `notBefore` (epoch ms), or undefined when there is
 * none; it looks back five years at most.
 */
export function prevStart(spec: CronSpec, at: number, notBefore: number): number | undefined {
  if (!Number.isFinite(at)) return undefined;
  const last = Math.floor(at / 1000) * 1000;
  const low = Math.max(Number.isFinite(notBefore) ? notBefore : last, last - HORIZON_DAYS * DAY);
  if (low > last) return undefined;
  const day0 = Math.floor(last / DAY) * DAY;
  const d0 = new Date(day0);
  let year = d0.getUTCFullYear();
  let month0 = d0.getUTCMonth();
  if (Number.isNaN(year)) return undefined;
  for (let i = 0; i <= HORIZON_MONTHS; i++) {
    const monthStart = Date.UTC(year, month0, 1);
    if (!Number.isFinite(monthStart)) return undefined;
    const length = daysIn(year, month0);
    if (monthStart + length * DAY <= low) return undefined;
    if (spec.month.includes(month0 + 1)) {
      for (let k = spec.dayOfMonth.length - 1; k >= 0; k--) {
        const dom = spec.dayOfMonth[k]!;
        if (dom > length) continue;
        const day = monthStart + (dom - 1) * DAY;
        if (day > day0 || !weekdayAllowed(spec, day)) continue;
        if (day + DAY <= low) return undefined;
        const t = timeAtOrBefore(spec, day === day0 ? (last - day0) / 1000 : 86_399);
        if (t !== undefined) {
          const s = day + t * 1000;
          return s >= low ? s : undefined;
        }
      }
    }
    if (--month0 === -1) {
      month0 = 11;
      year--;
    }
  }
  return undefined;
}
