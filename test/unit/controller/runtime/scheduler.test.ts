// The reconcile scheduler: health bursts coalesce into one pass, at most one pass per zone runs at
// a time, triggers during a pass get a pass of their own, stop() waits for the pass in flight.
import { describe, expect, it } from 'vitest';
import { ReconcileScheduler, type Trigger } from '../../../../src/controller/runtime/scheduler.ts';
import { silentLogger } from '../../../../src/log/index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ReconcileScheduler', () => {
  it('coalesces a burst of health triggers into one pass per zone', async () => {
    const passes: { zone: string; triggers: readonly Trigger[] }[] = [];
    const s = new ReconcileScheduler(
      async (zone, triggers) => {
        passes.push({ zone, triggers });
      },
      { zones: ['a.', 'b.'], debounceMs: 20, logger: silentLogger() },
    );
    await Promise.all([
      s.trigger({ kind: 'health', detail: '1' }),
      s.trigger({ kind: 'health', detail: '2' }),
      s.trigger({ kind: 'health', detail: '3' }, ['a.']),
    ]);
    expect(passes.map((p) => p.zone).sort()).toEqual(['a.', 'b.']);
    expect(passes.find((p) => p.zone === 'a.')!.triggers).toHaveLength(3);
    await s.stop();
  });

  it('never runs two passes of one zone at once and re-runs for triggers that arrived mid-pass', async () => {
    let running = 0;
    let maxRunning = 0;
    let count = 0;
    const s = new ReconcileScheduler(
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        count++;
        await sleep(30);
        running--;
      },
      { zones: ['a.'], debounceMs: 5, logger: silentLogger() },
    );
    const first = s.trigger({ kind: 'api' });
    await sleep(10);
    const second = s.trigger({ kind: 'api' });
    const third = s.trigger({ kind: 'health' });
    await Promise.all([first, second, third]);
    expect(maxRunning).toBe(1);
    expect(count).toBe(2);
    await s.stop();
  });

  it('keeps scheduling after a pass throws', async () => {
    let n = 0;
    const s = new ReconcileScheduler(
      async () => {
        n++;
        if (n === 1) throw new Error('boom');
      },
      { zones: ['a.'], debounceMs: 1, logger: silentLogger() },
    );
    await s.trigger({ kind: 'api' });
    await s.trigger({ kind: 'api' });
    expect(n).toBe(2);
    await s.stop();
  });

  it('stop() waits for the pass in flight', async () => {
    let finished = false;
    const s = new ReconcileScheduler(
      async () => {
        await sleep(50);
        finished = true;
      },
      { zones: ['a.'], debounceMs: 1, logger: silentLogger() },
    );
    void s.trigger({ kind: 'api' });
    await sleep(5);
    await s.stop();
    expect(finished).toBe(true);
  });

  it('runs the cron schedule (seconds allowed)', async () => {
    let n = 0;
    const s = new ReconcileScheduler(
      async () => {
        n++;
      },
      { zones: ['a.'], debounceMs: 1, schedule: '* * * * * *', logger: silentLogger() },
    );
    s.start();
    await sleep(2300);
    await s.stop();
    expect(n).toBeGreaterThanOrEqual(1);
  });
});
