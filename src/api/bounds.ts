// Bounds for numbers and times the API accepts: every one is checked against an allowed range and
// refused with 400 naming the field, the range and the value, so no input can reach a RangeError
// (Date arithmetic past year 275760, a timer past 2^31 ms) and answer 500.
import { HttpError } from './http-util.ts';

const DAY = 86_400_000;

/** The ranges the API allows, in milliseconds unless named otherwise. */
export const API_BOUNDS = {
  /** A drain, override or maintenance window: 1 s to 366 days. */
  durationMs: { min: 1000, max: 366 * DAY },
  /** Events per page. */
  eventsLimit: { min: 1, max: 10_000 },
  /** How far back the dashboard's timeline reaches: a minute to a week. */
  timelineWindowMs: { min: 60_000, max: 7 * DAY },
} as const;

function human(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** `value` as milliseconds within [min, max], else HttpError 400 naming the field and the range. */
export function boundedMs(
  value: unknown,
  field: string,
  range: { min: number; max: number } = API_BOUNDS.durationMs,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < range.min || value > range.max) {
    const got = typeof value === 'number' || typeof value === 'string' ? String(value) : typeof value;
    throw new HttpError(
      400,
      `"${field}" must be a number of milliseconds from ${range.min} (${human(range.min)}) to ${range.max} (${human(range.max)}); got ${got.slice(0, 40)}`,
      'bad-request',
    );
  }
  return Math.round(value);
}

/** An integer query parameter within [min, max]; absent gives `fallback`. */
export function boundedInt(
  raw: string | null,
  field: string,
  range: { min: number; max: number },
  fallback: number,
): number {
  if (raw === null || raw === '') return fallback;
  const n = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw new HttpError(
      400,
      `"${field}" must be a whole number from ${range.min} to ${range.max}; got ${raw.slice(0, 40)}`,
      'bad-request',
    );
  }
  return n;
}

/** A path segment, percent-decoded; a malformed escape (%ZZ) is a 400, not a URIError and a 500. */
export function pathParam(raw: string, field = 'path'): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(
      400,
      `the ${field} in the URL has a malformed %-escape: ${raw.slice(0, 60)}`,
      'bad-request',
    );
  }
}
