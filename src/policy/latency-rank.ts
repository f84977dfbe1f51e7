// Ranking regions by measured round-trip time for one latency geography, and the hysteresis that
// keeps jitter from moving answers: a region moves above another only after it has been faster by
// the margin for the whole hold time. A region without a fresh time ranks after every measured one,
// and unmeasured regions keep the configured order. Pure: times, the held ranking and a clock in.
import type { Margin } from '../config/index.ts';
import type { HeldRanking } from '../model/index.ts';

/** The mean of the geography's probers' fresh times to each region (a region none measured is absent). */
export function geographyTimes(
  regions: readonly string[],
  probers: readonly string[],
  rtt: ReadonlyMap<string, ReadonlyMap<string, number>> | undefined,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const region of regions) {
    const seen = probers.map((p) => rtt?.get(p)?.get(region)).filter((x): x is number => x !== undefined);
    if (seen.length > 0) out.set(region, seen.reduce((s, x) => s + x, 0) / seen.length);
  }
  return out;
}

/** How much faster `a` must be than `b` (whose time is `slower`) to count as faster. */
export function marginMs(margin: Margin, slower: number): number {
  return 'ms' in margin ? margin.ms : (margin.percent / 100) * slower;
}

/**
 * Does `a` deserve a place above `b`? Both measured: faster by at least the margin (and by something).
 * A measured region beats an unmeasured one; two unmeasured ones keep the configured order.
 */
export function beats(
  a: string,
  b: string,
  times: ReadonlyMap<string, number>,
  regions: readonly string[],
  margin: Margin,
): boolean {
  const ta = times.get(a);
  const tb = times.get(b);
  if (ta !== undefined && tb !== undefined) {
    const d = tb - ta;
    return d > 0 && d >= marginMs(margin, tb);
  }
  if (ta !== undefined) return true;
  if (tb !== undefined) return false;
  return regions.indexOf(a) < regions.indexOf(b);
}

/** Fastest first, measured before unmeasured, ties and unmeasured in the configured order. */
function key(
  region: string,
  times: ReadonlyMap<string, number>,
  regions: readonly string[],
): [number, number] {
  return [times.get(region) ?? Number.POSITIVE_INFINITY, regions.indexOf(region)];
}

function faster(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** The ranking the times give as they are (no history): what a first decision or `plan` uses. */
export function rankNow(regions: readonly string[], times: ReadonlyMap<string, number>): string[] {
  return [...regions].sort((a, b) => faster(key(a, times, regions), key(b, times, regions)));
}

/** A held order with regions no longer configured dropped and new ones appended in config order. */
export function alignOrder(held: readonly string[], regions: readonly string[]): string[] {
  const kept = held.filter((r) => regions.includes(r));
  return [...kept, ...regions.filter((r) => !kept.includes(r))];
}

export interface HoldSettings {
  margin: Margin;
  holdMs: number;
}

/** The pairs of `order` where a lower region beats a higher one now, with since when (kept from `prev`). */
function pendingOf(
  order: readonly string[],
  times: ReadonlyMap<string, number>,
  regions: readonly string[],
  margin: Margin,
  prev: ReadonlyMap<string, number>,
  now: number,
): HeldRanking['pending'] {
  const out: HeldRanking['pending'] = [];
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      const [over, region] = [order[i]!, order[j]!];
      if (beats(region, over, times, regions, margin))
        out.push({ region, over, since: prev.get(`${region}>${over}`) ?? now });
    }
  }
  return out;
}

/**
 * One step of the hysteresis. Without a previous ranking the times rank at once (a first decision
 * has nothing to flap from). Otherwise each place, from the top, goes to the fastest region below it
 * that has beaten the one holding it (by the margin) for the whole hold time; every other region
 * keeps its place. Pairs still inside the hold are carried in `pending` with their start.
 */
export function holdRanking(
  prev: HeldRanking | undefined,
  regions: readonly string[],
  times: ReadonlyMap<string, number>,
  s: HoldSettings,
  now: number,
): HeldRanking {
  if (!prev) {
    const order = rankNow(regions, times);
    return { order, since: now, pending: pendingOf(order, times, regions, s.margin, new Map(), now) };
  }
  const before = alignOrder(prev.order, regions);
  const started = new Map(prev.pending.map((p) => [`${p.region}>${p.over}`, p.since]));
  const pending = pendingOf(before, times, regions, s.margin, started, now);
  const ripe = new Set(pending.filter((p) => now - p.since >= s.holdMs).map((p) => `${p.region}>${p.over}`));
  const rest = [...before];
  const order: string[] = [];
  while (rest.length > 0) {
    const holder = rest[0]!;
    const challengers = rest.filter((r) => ripe.has(`${r}>${holder}`));
    const pick =
      challengers.sort((a, b) => faster(key(a, times, regions), key(b, times, regions)))[0] ?? holder;
    order.push(pick);
    rest.splice(rest.indexOf(pick), 1);
  }
  const moved = order.some((r, i) => r !== before[i]);
  return {
    order,
    since: moved || before.length !== prev.order.length ? now : prev.since,
    pending: pendingOf(order, times, regions, s.margin, started, now),
  };
}
