// The fixed-rate scheduler: runs on a grid from a fixed start (no drift), never overlaps runs of the
// same job, bounds concurrency. Fake timers (including performance.now) make it exact and load-proof.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FixedRateScheduler } from '../../../src/probe/index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FixedRateScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

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
    await vi.advanceTimersByTimeAsync(560);
    const stopping = s.stop();
    await vi.advanceTimersByTimeAsync(100);
    await stopping;
    // A schedule from completion would start at 0, 120, 240, ...; ours stays on the 50 ms grid.
    expect(starts).toEqual([0, 100, 200, 300, 400, 500]);
    expect(s.skipped).toBe(6);
  });

  it('after a stalled event loop it skips the missed slots instead of bunching them', async () => {
    const starts: number[] = [];
    const t0 = performance.now();
    const s = new FixedRateScheduler({
      intervalMs: 100,
      jobs: 1,
      concurrency: 1,
      spread: 0,
      run: async () => {
        starts.push(performance.now() - t0);
      },
    });
    s.begin(t0);
    await vi.advanceTimersByTimeAsync(1);
    // Simulate a 350 ms stall: the clock jumps, then timers fire.
    const perf = performance.now();
    vi.spyOn(performance, 'now').mockImplementation(() => perf + 350);
    await vi.advanceTimersByTimeAsync(100);
    vi.restoreAllMocks();
    await s.stop();
    expect(starts.length).toBe(2);
    expect(s.skipped).toBeGreaterThanOrEqual(2);
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
    await vi.advanceTimersByTimeAsync(400);
    const stopping = s.stop();
    await vi.advanceTimersByTimeAsync(50);
    await stopping;
    expect(peak).toBe(3);
    for (const n of runs) {
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(5);
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
    await vi.advanceTimersByTimeAsync(10);
    let stopped = false;
    const stopping = s.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(5);
    expect(stopped).toBe(false); // a run is still in progress
    await vi.advanceTimersByTimeAsync(40);
    await stopping;
    expect(finished).toBe(s.started);
    await vi.advanceTimersByTimeAsync(200);
    expect(finished).toBe(s.started);
  });
});
