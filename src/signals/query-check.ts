// Checks each prometheus signal's query against its Prometheus before the controller relies on it:
// `validate` (when Prometheus is reachable from there) and controller start. A query Prometheus
// rejects (400 bad_data, or one that returns a range vector) is an error with Prometheus's own text;
// an unreachable Prometheus leaves the query unchecked, which is only a warning.
import type { PrometheusQueryError } from './errors.ts';
import type { PolledSignal } from './poller.ts';
import { queryPrometheus } from './prometheus-client.ts';

export interface QueryCheck {
  /** The signal's index in `signals` (for the YAML path and line). */
  index: number;
  name: string;
  result: 'ok' | 'rejected' | 'unchecked';
  message?: string;
}

/** Every prometheus signal's query, checked at once (in parallel), each within `timeoutMs`. */
export async function checkQueries(
  signals: readonly PolledSignal[],
  timeoutMs = 3000,
): Promise<QueryCheck[]> {
  return Promise.all(
    signals.map(async (p): Promise<QueryCheck> => {
      const base = { index: p.index, name: p.config.name };
      try {
        await queryPrometheus({ ...p.target, timeoutMs: Math.min(timeoutMs, p.target.timeoutMs) });
        return { ...base, result: 'ok' };
      } catch (err) {
        const e = err as PrometheusQueryError;
        if (e.failure === 'rejected') return { ...base, result: 'rejected', message: e.message };
        return { ...base, result: 'unchecked', message: e.message };
      }
    }),
  );
}
