// Maintenance window evaluation costs microseconds whatever the cron and the duration: it runs on
// every health tick and every status request, and an every-second cron lasting days once stalled the
// event loop for seconds. The fast calendar searches are checked against a plain second-by-second
// walk (the oracle) on schedules and durations where that walk is affordable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CronSpec,
  evaluateWindows,
  type MaintenanceWindow,
  nextStart,
  parseCron,
  prevStart,
  windowAt,
} from '../../../src/health/index.ts';

const DAY = 86_400_000;
const MIN = 60_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

function spec(expr: string): CronSpec {
  const s = parseCron(expr);
  if (typeof s === 'string') throw new Error(s);
  return s;
}

function win(cron: string, durationMs: number, id = 'w'): MaintenanceWindow {
  return { id, region: 'r1', reason: 'patching', cron, durationMs, notifyBeforeMs: 0, source: 'api' };
}

/**
 * The oracle's step: `t` itself when the schedule fires at that whole second, else the next second
 * worth looking at (the start of the next day, hour or minute when that field does not match).
 */
function step(s: CronSpec, t: number): { fires: boolean; next: number } {
  const d = new Date(t);
  const day =
    s.dayOfMonth.includes(d.getUTCDate()) &&
    s.month.includes(d.getUTCMonth() + 1) &&
    s.dayOfWeek.includes(d.getUTCDay());
  if (!day) return { fires: false, next: Math.floor(t / DAY) * DAY + DAY };
  if (!s.hour.includes(d.getUTCHours()))
    return { fires: false, next: Math.floor(t / 3_600_000) * 3_600_000 + 3_600_000 };
  if (!s.minute.includes(d.getUTCMinutes())) return { fires: false, next: Math.floor(t / MIN) * MIN + MIN };
  return { fires: s.second.includes(d.getUTCSeconds()), next: t + 1000 };
}

const fires = (s: CronSpec, t: number) => step(s, t).fires;

/** The oracle's next start: a walk second by second (skipping what cannot match), at most `span` ms ahead. */
function walkNext(s: CronSpec, from: number, span: number): number | undefined {
  for (let t = Math.ceil(from / 1000) * 1000; t <= from + span; ) {
    const r = step(s, t);
    if (r.fires) return t;
    t = r.next;
  }
  return undefined;
}

/** The oracle's window: every start in (now - d, now] walked, merged as the engine merges them. */
function walkWindow(s: CronSpec, d: number, now: number) {
  let first: number | undefined;
  let last: number | undefined;
  for (let t = Math.ceil((now - d + 1) / 1000) * 1000; t <= now; ) {
    const r = step(s, t);
    if (r.fires) {
      first ??= t;
      last = t;
    }
    t = r.next;
  }
  return first === undefined ? undefined : { start: first, end: last! + d };
}

// Schedules that fire often enough for the second-by-second walk to find their starts quickly.
const FREQUENT = [
  '* * * * *',
  '*/7 * * * *',
  '0 * * * *',
  '15,45 */2 * * *',
  '30 0 4 * * *',
  '*/20 * * * * *',
  '0 0 * * *',
  '0 9 * * MON-FRI',
  '0 2 * * 0',
  '59 23 * * *',
  '5 4 1,15 * *',
];

describe('cron searches agree with a second-by-second walk', () => {
  it('nextStart and prevStart find the same starts as the walk', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FREQUENT),
        fc.integer({ min: 0, max: 4 * 365 * DAY }),
        (expr, offset) => {
          const s = spec(expr);
          const from = T0 + offset;
          const next = nextStart(s, from)!;
          expect(next).toBe(walkNext(s, from, 17 * DAY));
          // The start before `next` is the last one at or before next - 1 ms.
          const prev = prevStart(s, next - 1, next - 17 * DAY);
          expect(prev === undefined || prev < next).toBe(true);
          if (prev !== undefined) {
            expect(fires(s, prev)).toBe(true);
            expect(walkNext(s, prev + 1, next - prev)).toBe(next);
          }
          expect(prevStart(s, next, next)).toBe(next);
          expect(prevStart(s, next + 999, next)).toBe(next);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('windowAt matches the walked occurrences, overlapping durations included', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FREQUENT),
        fc.constantFrom(1000, 59_000, MIN, 90 * MIN, 7 * 3_600_000, 26 * 3_600_000),
        fc.integer({ min: 0, max: 3 * 365 * DAY }),
        (expr, d, offset) => {
          const now = T0 + offset;
          const at = windowAt(win(expr, d), now);
          const want = walkWindow(spec(expr), d, now);
          expect(at.active ? { start: at.active.start, end: at.active.end } : undefined).toEqual(want);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('finds starts at the edges: leap days, month ends, the turn of a year', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(nextStart(spec('0 0 29 2 *'), at('2026-03-01T00:00:00Z'))).toBe(at('2028-02-29T00:00:00Z'));
    expect(prevStart(spec('0 0 29 2 *'), at('2028-03-01T00:00:00Z'), at('2024-03-01T00:00:00Z'))).toBe(
      at('2028-02-29T00:00:00Z'),
    );
    expect(nextStart(spec('0 12 31 * *'), at('2026-04-01T00:00:00Z'))).toBe(at('2026-05-31T12:00:00Z'));
    expect(prevStart(spec('0 12 31 * *'), at('2026-05-01T00:00:00Z'), 0)).toBe(at('2026-03-31T12:00:00Z'));
    expect(nextStart(spec('30 23 31 12 *'), at('2026-12-31T23:30:01Z'))).toBe(at('2027-12-31T23:30:00Z'));
    expect(prevStart(spec('0 0 1 1 *'), at('2027-01-01T00:00:00Z'), 0)).toBe(at('2027-01-01T00:00:00Z'));
    // A lower bound after every start: none.
    expect(prevStart(spec('0 0 1 1 *'), at('2027-06-01T00:00:00Z'), at('2027-01-01T00:00:01Z'))).toBe(
      undefined,
    );
    // Times a Date cannot hold find nothing, and do not loop.
    expect(nextStart(spec('* * * * *'), 8.64e15)).toBe(8.64e15);
    expect(nextStart(spec('* * * * *'), 8.64e15 + 1)).toBeUndefined();
    expect(nextStart(spec('* * * * *'), Number.NaN)).toBeUndefined();
    expect(prevStart(spec('* * * * *'), Number.POSITIVE_INFINITY, 0)).toBeUndefined();
  });
});

describe('window evaluation cost', () => {
  /** Evaluates `windows` at `n` times; stops early once over twice the budget, so a stall fails fast. */
  function timed(windows: MaintenanceWindow[], n: number, at: (i: number) => number, budgetMs: number) {
    const t = performance.now();
    let done = 0;
    while (done < n && performance.now() - t < 2 * budgetMs) {
      evaluateWindows(windows, at(done));
      done++;
    }
    return { done, ms: performance.now() - t };
  }

  it('four every-second windows lasting days: 4,000 evaluations well under a second', () => {
    const windows = [0, 1, 2, 3].map((i) => win('* * * * * *', 3 * DAY + i * 3_600_000, `w${i}`));
    expect(evaluateWindows(windows, T0 + 5 * DAY).inForce).toHaveLength(4);
    // Spread over the day: the old walk's cost grew with the time of day.
    const r = timed(windows, 1000, (i) => T0 + (i + 1) * 86_399_000, 500);
    // About 10 ms here; the second-by-second walk took over 300 ms for ONE evaluation.
    expect(r.done).toBe(1000);
    expect(r.ms).toBeLessThan(500);
  });

  it('rare schedules and long durations cost no more', () => {
    const windows = [
      win('0 0 29 2 1', 366 * DAY, 'leap-monday'),
      win('0 0 31 * 1', 366 * DAY, 'monday-31st'),
      win('* * * * *', 366 * DAY, 'every-minute'),
      win('0 0 1 1 *', 366 * DAY, 'new-year'),
    ];
    const r = timed(windows, 1000, (i) => T0 + i * 7_919_000, 500);
    expect(r.done).toBe(1000);
    expect(r.ms).toBeLessThan(500);
  });
});
