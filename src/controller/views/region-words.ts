// A region's state in one word and, when it takes no traffic, why in words an operator reads at a
// glance: "use-a and use-b fail: status 500, expected 200", "drained for maintenance until 14:05:00
// UTC (kernel updates)", "recovering: failback at 12:00:10 UTC (hold-down doubled to 20 s …)".

import type { EndpointSnapshot, RegionSnapshot } from '../../health/index.ts';
import { isoOrUndefined } from '../../model/index.ts';

/**
 * What the dashboard and status show for a region: a recovered region waiting out its hold-down is
 * `recovering`, not `down` (its endpoints are up; only the failback waits).
 */
export type RegionPhase =
  | 'up'
  | 'ramping'
  | 'forced-up'
  | 'down'
  | 'recovering'
  | 'drained'
  | 'maintenance'
  | 'undecided';

export function regionPhase(r: RegionSnapshot): RegionPhase {
  if (r.maintenance) return 'maintenance';
  if (r.drain) return 'drained';
  if (!r.decided) return 'undecided';
  if (r.override) return 'forced-up';
  if (r.status === 'down') return r.holdingFailback ? 'recovering' : 'down';
  return r.ramp ? 'ramping' : 'up';
}

/** "a", "a and b", "a, b and c". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** A time in a sentence: the clock time (UTC) within a day of now, the date as well beyond that. */
export function clockWords(ms: number, now: number): string {
  // A kept window may end past what a Date holds: say so instead of failing the whole view.
  const iso = isoOrUndefined(ms);
  if (iso === undefined) return 'a time too far off to show';
  return Math.abs(ms - now) < 86_400_000
    ? `${iso.slice(11, 19)} UTC`
    : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * Which endpoints are not up and what their checks last said, grouped by what they said:
 * "use-a and use-b fail: status 500, expected 200".
 */
export function failingWords(
  endpoints: readonly EndpointSnapshot[],
  vetoes: readonly VetoWords[] = [],
): string {
  const down = endpoints.filter((e) => e.state !== 'up');
  if (down.length === 0) return 'no endpoint is up';
  const byDetail = new Map<string, string[]>();
  for (const e of down) {
    const veto = vetoes.find((v) => v.endpoint === e.id);
    const detail = veto
      ? `held down by ${veto.words}`
      : e.state === 'unknown'
        ? 'not decided yet'
        : (e.lastFailure?.detail ?? 'no failing check on record');
    byDetail.set(detail, [...(byDetail.get(detail) ?? []), e.id]);
  }
  return [...byDetail]
    .map(([detail, ids]) => `${listWords(ids)} ${ids.length === 1 ? 'fails' : 'fail'}: ${detail}`)
    .join('; ');
}

/** A down veto signal in words, and the endpoint it holds down (none: the whole region). */
export interface VetoWords {
  endpoint?: string;
  words: string;
}

/** Why the region takes no traffic now, or undefined when it is serving. */
export function outWords(
  r: RegionSnapshot,
  endpoints: readonly EndpointSnapshot[],
  now: number,
  vetoes: readonly VetoWords[] = [],
): string | undefined {
  if (r.maintenance)
    return `drained for maintenance until ${clockWords(r.maintenance.end, now)} (${r.maintenance.reason})`;
  if (r.drain)
    return `drained by ${r.drain.author}${r.drain.until === undefined ? '' : ` until ${clockWords(r.drain.until, now)}`} (${r.drain.reason})`;
  if (!r.decided) return 'not decided yet: waiting for fresh reports';
  if (r.status !== 'down') return undefined;
  if (r.holdingFailback) {
    const at = r.failbackAt === undefined ? '' : ` at ${clockWords(r.failbackAt, now)}`;
    return `recovering: failback${at}${r.holdDownReason ? ` (${r.holdDownReason})` : ''}`;
  }
  const regionVeto = vetoes.find((v) => v.endpoint === undefined);
  if (regionVeto) return `held down by ${regionVeto.words}`;
  return failingWords(endpoints, vetoes);
}
