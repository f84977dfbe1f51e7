// The latency ranking's hysteresis: a first decision ranks at once, a lasting change moves the
// ranking exactly once after the hold, jitter inside the margin moves nothing, and stale or missing
// times fall back to the configured order.
import { describe, expect, it } from 'vitest';
import type { HeldRanking } from '../../../src/model/index.ts';
import { beats, geographyTimes, holdRanking, rankNow } from '../../../src/policy/latency-rank.ts';

const REGIONS = ['us-east', 'eu-west', 'ap-south'];
const S = { margin: { ms: 20 }, holdMs: 30_000 };
const t = (o: Record<string, number>) => new Map(Object.entries(o));

/** Run the hysteresis over `steps` of times, one per second; returns every order it held. */
function run(times: (sec: number) => Map<string, number>, seconds: number, start?: HeldRanking) {
  let held = start;
  const orders: string[][] = [];
  for (let s = 0; s <= seconds; s++) {
    held = holdRanking(held, REGIONS, times(s), S, s * 1000);
    orders.push(held.order);
  }
  return { held: held!, orders };
}

/** How many times the first place changed along a run. */
const moves = (orders: string[][]) => orders.filter((o, i) => i > 0 && o[0] !== orders[i - 1]![0]).length;

describe('latency ranking', () => {
  it('ranks by time, measured before unmeasured, the rest in the configured order', () => {
    expect(rankNow(REGIONS, t({ 'ap-south': 30, 'eu-west': 90 }))).toEqual([
      'ap-south',
      'eu-west',
      'us-east',
    ]);
    expect(rankNow(REGIONS, t({}))).toEqual(REGIONS);
    expect(rankNow(REGIONS, t({ 'us-east': 50, 'eu-west': 50 }))).toEqual(['us-east', 'eu-west', 'ap-south']);
  });

  it('averages the fresh times of the geography’s probers', () => {
    const rtt = new Map([
      ['a', new Map([['us-east', 10]])],
      [
        'b',
        new Map([
          ['us-east', 30],
          ['eu-west', 50],
        ]),
      ],
    ]);
    expect(geographyTimes(REGIONS, ['a', 'b'], rtt)).toEqual(t({ 'us-east': 20, 'eu-west': 50 }));
    expect(geographyTimes(REGIONS, ['c'], rtt).size).toBe(0);
  });

  it('needs the margin, in ms or as a share of the slower time', () => {
    expect(beats('eu-west', 'us-east', t({ 'us-east': 100, 'eu-west': 81 }), REGIONS, { ms: 20 })).toBe(
      false,
    );
    expect(beats('eu-west', 'us-east', t({ 'us-east': 100, 'eu-west': 80 }), REGIONS, { ms: 20 })).toBe(true);
    expect(beats('eu-west', 'us-east', t({ 'us-east': 100, 'eu-west': 91 }), REGIONS, { percent: 10 })).toBe(
      false,
    );
    expect(beats('eu-west', 'us-east', t({ 'us-east': 100, 'eu-west': 90 }), REGIONS, { percent: 10 })).toBe(
      true,
    );
    // Equal times never swap, whatever the margin.
    expect(beats('eu-west', 'us-east', t({ 'us-east': 50, 'eu-west': 50 }), REGIONS, { ms: 0 })).toBe(false);
  });

  it('a first decision ranks at once; a lasting change moves the first place once, after the hold', () => {
    const times = (s: number) => t({ 'us-east': s < 10 ? 40 : 140, 'eu-west': 100, 'ap-south': 200 });
    const { orders } = run(times, 60);
    expect(orders[0]).toEqual(['us-east', 'eu-west', 'ap-south']);
    expect(moves(orders)).toBe(1);
    // Slower from second 10 on: eu-west takes the first place when the 30 s hold is over, not before.
    const at = orders.findIndex((o) => o[0] === 'eu-west');
    expect(at).toBe(40);
    expect(orders.at(-1)).toEqual(['eu-west', 'us-east', 'ap-south']);
  });

  it('jitter of ±40 ms around times 100 ms apart moves nothing', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const jitter = () => (rand() * 2 - 1) * 40;
    const times = () =>
      t({ 'us-east': 60 + jitter(), 'eu-west': 160 + jitter(), 'ap-south': 260 + jitter() });
    const { orders } = run(times, 300);
    expect(new Set(orders.map((o) => o.join()))).toEqual(new Set(['us-east,eu-west,ap-south']));
  });

  it('a swap that does not last the whole hold does not happen, and its timer restarts', () => {
    // eu-west is faster for 20 s, then not, then faster again for 20 s: never 30 s in a row.
    const faster = (s: number) => (s >= 5 && s < 25) || (s >= 30 && s < 50);
    const times = (s: number) => t({ 'us-east': 100, 'eu-west': faster(s) ? 50 : 100, 'ap-south': 300 });
    const { orders, held } = run(times, 70);
    expect(moves(orders)).toBe(0);
    expect(held.pending).toEqual([]);
  });

  it('the fastest region that beat the holder for the whole hold takes its place', () => {
    // us-east 100, eu-west 92 (not faster by 20), ap-south 70: ap-south takes the first place.
    const start = holdRanking(undefined, REGIONS, t({ 'us-east': 10, 'eu-west': 92, 'ap-south': 200 }), S, 0);
    const { orders } = run(() => t({ 'us-east': 100, 'eu-west': 92, 'ap-south': 70 }), 40, start);
    expect(orders.at(-1)).toEqual(['ap-south', 'us-east', 'eu-west']);
    expect(moves(orders)).toBe(1);
  });

  it('stale or missing times fall back to the configured order, after the hold', () => {
    const start = holdRanking(
      undefined,
      REGIONS,
      t({ 'us-east': 200, 'eu-west': 100, 'ap-south': 20 }),
      S,
      0,
    );
    expect(start.order).toEqual(['ap-south', 'eu-west', 'us-east']);
    const { orders } = run(() => t({}), 40, start);
    expect(orders[29]).toEqual(['ap-south', 'eu-west', 'us-east']);
    expect(orders.at(-1)).toEqual(REGIONS);
  });

  it('a region whose times stop (it fails its checks) drops below the measured ones', () => {
    const start = holdRanking(
      undefined,
      REGIONS,
      t({ 'us-east': 20, 'eu-west': 100, 'ap-south': 200 }),
      S,
      0,
    );
    const { held } = run(() => t({ 'eu-west': 100, 'ap-south': 200 }), 40, start);
    expect(held.order).toEqual(['eu-west', 'ap-south', 'us-east']);
  });
});
