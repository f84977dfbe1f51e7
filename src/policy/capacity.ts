// Capacity-aware weighted failover: when regions of a weighted record declare a capacity, the traffic
// of the regions that do not serve (down, drained) is spread over the serving ones in proportion to
// their spare capacity (capacity minus configured weight). Each then fills the same fraction of its
// spare, so none is pushed past its capacity while another has room. When the lost traffic is more
// than all the spare, demand exceeds capacity: every serving region takes traffic in proportion to
// its capacity (each over by the same factor: load shed in proportion), and the reason says so.
// Pure arithmetic on configured weights; providers take integers 0-255, so the result is rounded
// (and scaled down when a weight would pass 255).
import { integerWeight } from './endpoint-weights.ts';
import type { RegionView } from './regions.ts';

export interface CapacityPlan {
  /** Integer weight of each serving region with a configured weight. */
  weights: Map<string, number>;
  /** Why the weights are what they are: the plan's `because` ("us-east down: its 50% split …"). */
  detail: string;
  /** The first region that does not serve (the reason names it). */
  lost: string;
  /** Demand above the serving regions' capacity. */
  overloaded: boolean;
  /** One region's part of it, for explain. */
  words: Map<string, string>;
}

const MAX_WEIGHT = 255;
const pct = (x: number) => `${Math.round(x * 10) / 10}%`;
const num = (x: number) => `${Math.round(x * 100) / 100}`;

/** A region's capacity in the unit of the record's weights (a share is of the configured total). */
export function capacityUnits(v: RegionView, total: number): number | undefined {
  const c = v.capacity;
  if (!c) return undefined;
  return 'weight' in c ? c.weight : (c.percent / 100) * total;
}

/**
 * The capacity-aware weights of a weighted record, or undefined when capacity does not apply: no
 * region declares one, a weighted region lacks one (validate refuses that), every weighted region
 * serves (configured weights stand), or none does (the last resort and whenAllDown decide).
 */
export function capacityPlan(
  entries: readonly (readonly [string, number])[],
  views: ReadonlyMap<string, RegionView>,
  serves: (v: RegionView) => boolean,
): CapacityPlan | undefined {
  const weighted = entries.filter(([, w]) => w > 0);
  if (weighted.length === 0 || weighted.some(([id]) => !views.get(id)?.capacity)) return undefined;
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  const on = weighted.filter(([id]) => serves(views.get(id)!));
  const off = weighted.filter(([id]) => !serves(views.get(id)!));
  if (off.length === 0 || on.length === 0) return undefined;
  const lost = off.reduce((s, [, w]) => s + w, 0);
  const cap = new Map(on.map(([id]) => [id, capacityUnits(views.get(id)!, total)!]));
  const spare = new Map(on.map(([id, w]) => [id, Math.max(0, cap.get(id)! - w)]));
  const totalSpare = [...spare.values()].reduce((s, x) => s + x, 0);
  const totalCap = [...cap.values()].reduce((s, x) => s + x, 0);
  const overloaded = lost > totalSpare + 1e-9;
  const real = new Map<string, number>();
  const words = new Map<string, string>();
  for (const [id, w] of on) {
    if (!overloaded) {
      const extra = totalSpare > 0 ? (lost * spare.get(id)!) / totalSpare : 0;
      real.set(id, w + extra);
      words.set(
        id,
        `weight ${num(w + extra)}: ${num(w)} configured + ${num(extra)} of the lost ${num(lost)} by spare capacity (${num(spare.get(id)!)} of ${num(totalSpare)} spare; capacity ${num(cap.get(id)!)})`,
      );
    } else {
      // Every serving region at capacity, the excess in proportion to capacity: total stays the demand.
      const share = (total * cap.get(id)!) / totalCap;
      real.set(id, share);
      words.set(
        id,
        `weight ${num(share)}: demand ${num(total)} is above the serving regions' capacity ${num(totalCap)}, so each takes ${pct((100 * total) / totalCap)} of its capacity ${num(cap.get(id)!)}`,
      );
    }
  }
  // Integer weights as providers take them, scaled to fit 0-255 with the shares kept.
  const top = Math.max(...real.values());
  const scale = top > MAX_WEIGHT ? MAX_WEIGHT / top : 1;
  const weights = new Map([...real].map(([id, x]) => [id, integerWeight(x * scale)]));
  const gone = off.map(([id]) => id);
  const lostShare = pct((100 * lost) / total);
  const why = gone
    .map((id) => `${id} ${views.get(id)!.status === 'drained' ? 'drained' : 'down'}`)
    .join(', ');
  const detail = overloaded
    ? `${why}: demand ${num(total)} exceeds the serving regions' capacity ${num(totalCap)} by ${pct((100 * (total - totalCap)) / totalCap)}; ${on
        .map(([id]) => `${id} ${pct((100 * real.get(id)!) / total)}`)
        .join(', ')} in proportion to capacity (load shed in proportion)`
    : `${why}: ${gone.length === 1 ? 'its' : 'their'} ${lostShare} split ${on
        .map(([id, w]) => `${id} ${pct((100 * (real.get(id)! - w)) / total)}`)
        .join(', ')} by spare capacity`;
  return { weights, detail, lost: gone[0]!, overloaded, words };
}
