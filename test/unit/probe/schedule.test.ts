// The fixed-rate scheduler: runs on a grid from a fixed start (no drift), never overlaps runs of the
// same job, bounds concurrency. Real timers with generous bounds; assertions are about counts/order.
import { describe, expect, it } from 'vitest';
import { FixedRateScheduler } from '../../../src/probe/index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FixedRateScheduler', () => {
  it('keeps to the grid when runs are slow (no drift) and skips overlapping slots', async () => {
    const starts: number[] = [];
    const t0 = performance.now();
    const s = new FixedRateScheduler({
      intervalMs: 50,
      jobs: 1,
      concurrency: 4,
      spread: 0,
      run: async () => {
        starts.push(performance.now() - t0);
        await sleep(70); // longer than the interval: every other slot overlaps
      },
    });
    s.begin(t0);
    await sleep(560);
    await s.stop();
    expect(s.skipped).toBeGreaterThanOrEqual(3);
    // Every start sits on the 50 ms grid (k × 50 + small timer lateness), never shifted by run time.
    for (const at of starts) {
      const offset = at % 50;
      expect(Math.min(offset, 50 - offset)).toBeLessThan(25);
    }
    // No two runs of the same job overlapped: starts are at least the run time apart.
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(69);
  });

  it('bounds concurrency and runs every job once per interval', async () => {
    let active = 0;
    let peak = 0;
    const runs = new Array(20).fill(0);
    const s = new FixedRateScheduler({
      intervalMs: 100,
      jobs: 20,
      concurrency: 3,
      run: async (i) => {
        active++;
        peak = Math.max(peak, active);
        runs[i]++;
        await sleep(5);
        active--;
      },
    });
    s.begin();
    await sleep(350);
    await s.stop();
    expect(peak).toBeLessThanOrEqual(3);
    for (const n of runs) {
      expect(n).toBeGreaterThanOrEqual(2);
      expect(n).toBeLessThanOrEqual(4);
    }
  });

  it('stop() waits for runs in progress and schedules nothing more', async () => {
    let finished = 0;
    const s = new FixedRateScheduler({
      intervalMs: 20,
      jobs: 2,
      concurrency: 2,
      spread: 0,
      run: async () => {
        await sleep(40);
        finished++;
      },
    });
    s.begin();
    await sleep(10);
    await s.stop();
    const after = finished;
    expect(after).toBe(s.started);
    await sleep(60);
    expect(finished).toBe(after);
  });
});
