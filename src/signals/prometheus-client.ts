// Asks a Prometheus server one instant query (GET /api/v1/query) and returns its numbers: a scalar
// or one value per series of an instant vector. Bounded: the time (timeout), the answer's size and
// the series kept. Every failure is a PrometheusQueryError saying how it failed, with Prometheus's
// own error text when it gave one (a bad expression answers 400, errorType bad_data).
import { capText } from '../model/index.ts';
import { PrometheusQueryError } from './errors.ts';

/** Octets of an answer read at most: a query that needs more should aggregate (max(...), topk). */
export const MAX_ANSWER_BYTES = 1024 * 1024;
/** Series kept from an instant vector. */
export const MAX_SERIES = 10_000;

export interface QueryTarget {
  /** The signal's name (named in errors). */
  signal: string;
  url: string;
  query: string;
  timeoutMs: number;
  /** Bearer token for a Prometheus behind authentication. */
  token?: string;
}

export interface SeriesValue {
  labels: Record<string, string>;
  value: number;
}

/** A scalar is one series without labels; an empty list is an empty vector. */
export interface QueryResult {
  resultType: 'scalar' | 'vector';
  series: SeriesValue[];
  /** Series the answer had beyond MAX_SERIES (not kept). */
  dropped: number;
}

/** The query URL: the server's own path kept (Prometheus behind a path prefix). */
export function queryUrl(base: string, query: string): URL {
  const u = new URL('api/v1/query', base.endsWith('/') ? base : `${base}/`);
  u.searchParams.set('query', query);
  return u;
}

async function readCapped(res: Response, signal: string): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new PrometheusQueryError(
        'bad-response',
        `signal ${signal}: Prometheus answered more than ${MAX_ANSWER_BYTES} bytes; aggregate the query (e.g. max(...)) so it returns a few series`,
        signal,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Prometheus writes sample values as strings, infinities as +Inf and -Inf. */
const num = (v: unknown): number =>
  v === '+Inf'
    ? Number.POSITIVE_INFINITY
    : v === '-Inf'
      ? Number.NEGATIVE_INFINITY
      : typeof v === 'string'
        ? Number(v)
        : Number.NaN;

/** The numbers of a successful answer's `data`; anything else is a bad-response error. */
export function resultOf(data: unknown, signal: string): QueryResult {
  const d = (data ?? {}) as { resultType?: unknown; result?: unknown };
  const fail = (what: string) =>
    new PrometheusQueryError('bad-response', `signal ${signal}: ${what}`, signal);
  if (d.resultType === 'scalar') {
    const pair = d.result as unknown[];
    if (!Array.isArray(pair) || pair.length !== 2) throw fail('a scalar answer without [time, value]');
    return { resultType: 'scalar', series: [{ labels: {}, value: num(pair[1]) }], dropped: 0 };
  }
  if (d.resultType === 'vector') {
    if (!Array.isArray(d.result)) throw fail('a vector answer without a result list');
    const series: SeriesValue[] = [];
    for (const s of d.result.slice(0, MAX_SERIES) as { metric?: unknown; value?: unknown }[]) {
      const labels: Record<string, string> = {};
      if (s?.metric && typeof s.metric === 'object')
        for (const [k, v] of Object.entries(s.metric).slice(0, 64))
          if (typeof v === 'string') labels[k.slice(0, 128)] = v.slice(0, 256);
      const value = Array.isArray(s?.value) ? num(s.value[1]) : Number.NaN;
      series.push({ labels, value });
    }
    return { resultType: 'vector', series, dropped: Math.max(0, d.result.length - MAX_SERIES) };
  }
  if (d.resultType === 'matrix' || d.resultType === 'string')
    throw new PrometheusQueryError(
      'rejected',
      `signal ${signal}: the query returns a ${d.resultType === 'matrix' ? 'range vector (matrix)' : 'string'}; a signal needs a scalar or an instant vector (drop the [range], or wrap it in a function such as avg_over_time)`,
      signal,
    );
  throw fail(`an answer of unknown resultType ${capText(String(d.resultType), 40)}`);
}

/** Runs the query once. Throws PrometheusQueryError; never anything else. */
export async function queryPrometheus(t: QueryTarget, abort?: AbortSignal): Promise<QueryResult> {
  let url: URL;
  try {
    url = queryUrl(t.url, t.query);
  } catch (err) {
    throw new PrometheusQueryError(
      'failed',
      `signal ${t.signal}: bad url ${t.url}`,
      t.signal,
      undefined,
      err,
    );
  }
  const timeout = AbortSignal.timeout(t.timeoutMs);
  const signal = abort ? AbortSignal.any([abort, timeout]) : timeout;
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      signal,
      headers: { accept: 'application/json', ...(t.token ? { authorization: `Bearer ${t.token}` } : {}) },
    });
    text = await readCapped(res, t.signal);
  } catch (err) {
    if (err instanceof PrometheusQueryError) throw err;
    if (timeout.aborted)
      throw new PrometheusQueryError(
        'timeout',
        `signal ${t.signal}: Prometheus at ${t.url} did not answer within ${t.timeoutMs} ms`,
        t.signal,
        undefined,
        err,
      );
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new PrometheusQueryError(
      'unreachable',
      `signal ${t.signal}: Prometheus at ${t.url} is unreachable (${cause?.code ?? cause?.message ?? (err as Error).message})`,
      t.signal,
      undefined,
      err,
    );
  }
  let doc: { status?: unknown; data?: unknown; errorType?: unknown; error?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    throw new PrometheusQueryError(
      'bad-response',
      `signal ${t.signal}: ${t.url} answered HTTP ${res.status} with something that is not Prometheus JSON: ${capText(text.trim(), 200)}`,
      t.signal,
    );
  }
  if (doc.status === 'success') return resultOf(doc.data, t.signal);
  const errorType = typeof doc.errorType === 'string' ? capText(doc.errorType, 60) : undefined;
  const error = typeof doc.error === 'string' ? capText(doc.error, 1000) : undefined;
  const prometheus = { status: res.status, ...(errorType ? { errorType } : {}), ...(error ? { error } : {}) };
  // bad_data on 400 is Prometheus refusing the expression; other errors may pass (timeouts, overload).
  if (res.status === 400 && errorType === 'bad_data')
    throw new PrometheusQueryError(
      'rejected',
      `signal ${t.signal}: Prometheus rejects the query: ${error ?? 'bad_data'}`,
      t.signal,
      prometheus,
    );
  throw new PrometheusQueryError(
    'failed',
    `signal ${t.signal}: Prometheus answered HTTP ${res.status}${errorType ? ` ${errorType}` : ''}${error ? `: ${error}` : ''}`,
    t.signal,
    prometheus,
  );
}
