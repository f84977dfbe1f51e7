// The controller's process metrics carry the standard names (process_*, nodejs_*), as every
// Node.js and Prometheus dashboard expects, and never a doubled prefix such as
// geofailover_process_process_cpu_seconds_total; the controller's own metrics keep geofailover_.
import { describe, expect, it } from 'vitest';
import { ControllerMetrics } from '../../../src/api/index.ts';

describe('controller metrics', () => {
  it('exports process and Node.js metrics under their standard names', async () => {
    const text = await new ControllerMetrics().registry.metrics();
    const names = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    for (const n of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
    ])
      expect(names.has(n), n).toBe(true);
    expect([...names].filter((n) => /process_process_|^geofailover_(process|nodejs)_/.test(n))).toEqual([]);
    // Everything else is the controller's own, under its prefix.
    const own = [...names].filter((n) => !/^(process|nodejs)_/.test(n));
    expect(own.length).toBeGreaterThan(10);
    expect(own.filter((n) => !n.startsWith('geofailover_'))).toEqual([]);
  });
});
