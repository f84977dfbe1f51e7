// What a Prometheus answer says about a signal: down while the value meets `downWhen` (with several
// series: while any does; the worst one is shown), up otherwise, missing when there is no number to
// compare (no series, or NaN only). A failed query is missing too, in its own words. Pure.
import type { SignalOp } from '../config/index.ts';
import type { SignalObservation } from '../health/index.ts';
import type { PrometheusQueryError } from './errors.ts';
import type { QueryResult, SeriesValue } from './prometheus-client.ts';

export function meets(value: number, op: SignalOp, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/** The series to show: for > and >= the highest, for < and <= the lowest, else the first. */
function worst(series: readonly SeriesValue[], op: SignalOp): SeriesValue {
  const pick = (better: (a: number, b: number) => boolean) =>
    series.reduce((w, s) => (better(s.value, w.value) ? s : w));
  if (op === '>' || op === '>=') return pick((a, b) => a > b);
  if (op === '<' || op === '<=') return pick((a, b) => a < b);
  return series[0]!;
}

function labelText(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).filter(([k]) => k !== '__name__');
  return pairs.length === 0 ? '' : `{${pairs.map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
}

/** A short, stable rendering of a number for words (0.31, 1.5e-7, 12345). */
export function numberText(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

export function verdict(result: QueryResult, downWhen: { op: SignalOp; value: number }): SignalObservation {
  const numbers = result.series.filter((s) => !Number.isNaN(s.value));
  if (numbers.length === 0)
    return {
      outcome: 'missing',
      detail:
        result.series.length === 0
          ? 'no data: the query returned no series'
          : 'no data: the query returned NaN',
    };
  const { op, value: threshold } = downWhen;
  const down = numbers.filter((s) => meets(s.value, op, threshold));
  const shown = worst(down.length > 0 ? down : numbers, op);
  // Which series only matters when there are several (one series' labels are only noise).
  const count = result.series.length + result.dropped;
  const context = count > 1 ? `${labelText(shown.labels)}; ${count} series`.replace(/^; /, '') : '';
  const words = `value ${numberText(shown.value)} ${down.length > 0 ? op : `is not ${op}`} ${numberText(threshold)}`;
  return {
    outcome: down.length > 0 ? 'down' : 'up',
    value: shown.value,
    detail: context ? `${words} (${context})` : words,
  };
}

/** A failed query: no data, in the failure's words (whenMissing decides what it means). */
export function failedVerdict(err: PrometheusQueryError): SignalObservation {
  return { outcome: 'missing', detail: `no data: ${err.message.replace(/^signal [^:]+: /, '')}` };
}
