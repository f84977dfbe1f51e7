// Typed errors of the PowerDNS adapter: every failed request becomes one message naming the provider,
// the zone, the API URL and, where PowerDNS names one, the record; with what to do about it. Text the
// server sent is bounded before it goes into a message.
import { ConflictError, capText, InvalidChangeError, ProviderError } from '../../src/model/index.ts';

export interface Where {
  provider: string;
  zone: string;
  /** The API base URL (never the key). */
  url: string;
  serverId: string;
  /** Where the key comes from, for the remedy: "environment variable X" or "file F". */
  keySource: string;
  /** "read", "pre-write read", "write of 3 RRsets", ... */
  operation: string;
  /** Whether anything may have been written: only a PATCH that got no answer is in doubt. */
  writing?: boolean;
}

function head(w: Where): string {
  return `powerdns provider ${w.provider}, zone ${w.zone}`;
}

function nothing(w: Where): string {
  return w.writing ? 'nothing was written' : 'nothing was read or written';
}

/** The record a PowerDNS error message names ("RRset x. IN A: ...", "Record x./A '...': ..."). */
export function namedRecord(message: string): string | undefined {
  const a = /RRset (\S+) IN (\S+?):/.exec(message);
  if (a) return `${a[1]} ${a[2]}`;
  const b = /Record (\S+?)\/(\S+)/.exec(message);
  if (b) return `${b[1]} ${b[2]}`;
  return undefined;
}

/**
 * No (complete) HTTP answer: connection refused, DNS failure, reset, or our timeout; `status` when
 * the headers had come and the body had not.
 */
export function networkError(err: unknown, w: Where, timeoutMs: number, status?: number): ProviderError {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const timedOut = e.name === 'TimeoutError';
  const code = capText(e.cause?.code ?? e.cause?.message ?? e.message ?? String(err), 300);
  const what =
    status === undefined
      ? timedOut
        ? `no answer within ${timeoutMs} ms`
        : `cannot reach the PowerDNS API (${code})`
      : timedOut
        ? `the answer (HTTP ${status}) did not complete within ${timeoutMs} ms`
        : `the answer (HTTP ${status}) broke off (${code})`;
  // A write whose answer never came may or may not have been applied: say so; re-planning shows it.
  const outcome = w.writing
    ? 'the write may or may not have been applied; the next plan reads the zone again and shows what is left'
    : nothing(w);
  return new ProviderError(`${head(w)}: ${w.operation} failed: ${what} at ${w.url}; ${outcome}`, {
    provider: w.provider,
    zone: w.zone,
    value: w.url,
    retryable: true,
    cause: err,
    remedy: timedOut
      ? `check that pdns_server answers at ${w.url}, or raise providers.${w.provider}.timeout`
      : `check that pdns_server runs with api=yes and webserver=yes listening at ${w.url} (webserver-address, webserver-port, webserver-allow-from)`,
  });
}

/**
 * A non-2xx HTTP answer, with PowerDNS's `{"error": "..."}` body where it sent one. `whole` is set
 * when only the start of the body was read (what the whole was).
 */
export function httpError(status: number, body: string, w: Where, whole?: string): ProviderError {
  const detail = apiMessage(body, whole);
  const ctx = { provider: w.provider, zone: w.zone };
  if (status === 401)
    return new ProviderError(
      `${head(w)}: PowerDNS refused the API key (HTTP 401) during ${w.operation}; ${nothing(w)}`,
      {
        ...ctx,
        remedy: `put the server's api-key (pdns.conf) in ${w.keySource}`,
      },
    );
  if (status === 403)
    return new ProviderError(
      `${head(w)}: PowerDNS refused this client (HTTP 403) during ${w.operation}; ${nothing(w)}`,
      { ...ctx, remedy: "add this host's address to the server's webserver-allow-from" },
    );
  if (status === 404)
    return new ProviderError(
      `${head(w)}: zone ${w.zone} does not exist on PowerDNS server "${w.serverId}" at ${w.url} (HTTP 404); ${nothing(w)}`,
      {
        ...ctx,
        value: w.zone,
        remedy: `create the zone first (pdnsutil create-zone ${w.zone.replace(/\.$/, '')}), or fix the zone name or providers.${w.provider}.serverId`,
      },
    );
  if (status === 422 || status === 400) {
    const record = namedRecord(detail);
    return new InvalidChangeError(
      `${head(w)}: PowerDNS rejected the ${w.operation}${record ? ` because of record ${record}` : ''}: ${detail}; nothing in this request was written`,
      {
        ...ctx,
        ...(record ? { record } : {}),
        remedy:
          'fix or remove that record (a hand-made record of another type at the name conflicts too), then apply again',
      },
    );
  }
  const retryable = status === 429 || status >= 500;
  return new ProviderError(
    `${head(w)}: ${w.operation} failed with HTTP ${status}${detail ? ` (${detail})` : ''}; ${
      w.writing && status >= 500
        ? 'PowerDNS applies a PATCH all or nothing, so nothing was written'
        : nothing(w)
    }`,
    {
      ...ctx,
      value: status,
      retryable,
      remedy: retryable
        ? 'the PowerDNS server is overloaded or failing (its log says why); the next reconcile tries again'
        : 'see the PowerDNS server log',
    },
  );
}

/** The records changed between the plan's read and the write: a lost compare-and-swap. */
export function conflictError(w: Where, record: string, detail: string): ConflictError {
  return new ConflictError(
    `${head(w)}: record ${record} changed since it was read (${detail}); nothing was written`,
    {
      provider: w.provider,
      zone: w.zone,
      record,
      retryable: true,
      remedy:
        're-read the zone and plan again (the next reconcile does this); another writer manages it too if this repeats',
    },
  );
}

/**
 * A zone document that is not what the API answers (the wrong service behind the URL, a proxy's
 * page, a version with another shape): what was wrong, field by field.
 */
export function badDocument(w: Where, request: string, problems: readonly string[]): ProviderError {
  return new ProviderError(
    `${head(w)}: ${w.operation}: ${request} answered a document that is not a PowerDNS zone: ${problems.map((p) => capText(p, 300)).join('; ')}; ${nothing(w)}`,
    {
      provider: w.provider,
      zone: w.zone,
      value: request,
      retryable: true,
      remedy: `check that providers.${w.provider}.url (${w.url}) reaches the PowerDNS Authoritative API itself (not a proxy's page or another service) and that the server runs PowerDNS 4.x or later`,
    },
  );
}

/** The text of PowerDNS's `{"error": "..."}`, or the start of the body; bounded either way. */
function apiMessage(body: string, whole?: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed?.error === 'string') return capText(parsed.error, undefined, whole);
  } catch {
    // not JSON (PowerDNS answers plain text for 401/404), or only its start was read
    const start = /^\s*\{\s*"error"\s*:\s*"((?:[^"\\]|\\.)*)/.exec(body);
    if (start && whole !== undefined) return capText(unescapeJson(start[1]!), undefined, whole);
  }
  const text = body.trim();
  return text === '' ? '' : capText(text, 300, whole);
}

/** A JSON string's content (without its quotes), possibly cut mid-escape, unescaped. */
function unescapeJson(s: string): string {
  const safe = s.replace(/\\(u[0-9a-fA-F]{0,3})?$/, '');
  try {
    return JSON.parse(`"${safe}"`) as string;
  } catch {
    return safe;
  }
}
