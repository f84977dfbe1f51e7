// Turns Cloud DNS client errors into our typed errors with the provider, zone, record and a remedy.
// A deletion that no longer matches (412 conditionNotMet) or an addition of a set that appeared
// meanwhile (409 alreadyExists) is a lost compare-and-swap: a ConflictError, re-read and re-planned,
// never retried as the same change.
import {
  ConflictError,
  type GeofailoverError,
  InvalidChangeError,
  ProviderError,
} from '../../src/model/index.ts';

/** What the client library's ApiError carries (HTTP status as `code`, the body's `errors`). */
interface ApiErrorish {
  name?: string;
  code?: number | string;
  message?: string;
  errors?: { reason?: string; message?: string }[];
}

export interface ErrorScope {
  provider: string;
  zone: string;
  project: string;
  managedZone: string;
  /** The operation, for the message: "list", "change 2/3", ... */
  operation: string;
  /** Appended to the message: what earlier changes already wrote. */
  note?: string;
  /** The Change sent, so an error naming `entity.change.deletions[3]` can name the record. */
  change?: {
    additions: readonly { name: string; type: string }[];
    deletions: readonly { name: string; type: string }[];
  };
}

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

export function reasons(err: unknown): string[] {
  const e = (err ?? {}) as ApiErrorish;
  return (e.errors ?? []).map((x) => x.reason ?? '').filter((r) => r.length > 0);
}

export function statusOf(err: unknown): number | undefined {
  const c = (err as ApiErrorish | undefined)?.code;
  return typeof c === 'number' ? c : undefined;
}

/** Throttling (429, or 403 with a rate-limit reason) and 5xx: worth another attempt after a backoff. */
export function isThrottleOr5xx(err: unknown): boolean {
  const s = statusOf(err);
  if (s === 429 || (s !== undefined && s >= 500)) return true;
  return reasons(err).some((r) => RATE_REASONS.has(r));
}

/** The connection failed, so the request may or may not have reached Cloud DNS. */
export function isNetwork(err: unknown): boolean {
  const e = (err ?? {}) as ApiErrorish & { type?: string; cause?: { code?: string } };
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (e.cause?.code && NETWORK_CODES.has(e.cause.code)) return true;
  return e.type === 'system' || /socket hang up|ECONNRESET|ECONNREFUSED|network/i.test(e.message ?? '');
}

/** The error without the HTTP response the client attaches (request headers carry the bearer token). */
export function slimCause(err: unknown): Error {
  const e = (err ?? {}) as ApiErrorish;
  const out = new Error(e.message ?? String(err));
  out.name = e.name ?? 'Error';
  Object.assign(out, { code: e.code, reasons: reasons(err) });
  return out;
}

/**
 * The record a Cloud DNS message names: `'app.example.com. (A)'`, or an index into the Change sent
 * (`entity.change.deletions[3]`).
 */
export function namedRecord(message: string, change?: ErrorScope['change']): string | undefined {
  const named = /'([^' ]+\.) \(([A-Z]+)\)'/.exec(message);
  if (named) return `${named[1]} ${named[2]}`;
  const at = /entity\.change\.(additions|deletions)\[(\d+)\]/.exec(message);
  const rr = at && change?.[at[1] as 'additions' | 'deletions'][Number(at[2])];
  return rr ? `${rr.name} ${rr.type}` : undefined;
}

export function mapError(err: unknown, scope: ErrorScope): GeofailoverError {
  if (err instanceof ProviderError) return err;
  const e = (err ?? {}) as ApiErrorish;
  const where = `googlecloud provider ${scope.provider}, zone ${scope.zone} (project ${scope.project}, managed zone ${scope.managedZone})`;
  const tail = scope.note ? ` (${scope.note})` : '';
  const ctx = { provider: scope.provider, zone: scope.zone, cause: slimCause(err) };
  const status = statusOf(err);
  const why = reasons(err);
  const msg = e.message ?? String(err);
  const record = namedRecord(msg, scope.change);
  const inChange = /entity\.change/.test(msg);
  if (/Could not load the default credentials|Unable to detect a Project Id/i.test(msg))
    return new ProviderError(`${where}: no Google Cloud credentials found; nothing was read or written`, {
      ...ctx,
      remedy: `set providers.${scope.provider}.keyFile to a service-account key file, or GOOGLE_APPLICATION_CREDENTIALS, or run with a workload identity`,
    });
  if (status === 401 || why.includes('authError'))
    return new ProviderError(
      `${where}: Google refused the credentials during ${scope.operation} (${msg}); nothing was written${tail}`,
      {
        ...ctx,
        remedy: 'check the service-account key (not revoked, of this project) or the default credentials',
      },
    );
  if (status === 404 && !inChange && scope.operation !== 'get-change')
    return new ProviderError(
      `${where}: the managed zone does not exist or these credentials cannot see it (${msg}); nothing was written${tail}`,
      {
        ...ctx,
        value: scope.managedZone,
        remedy: `check providers.${scope.provider}.project and .managedZone (the zone's name in Cloud DNS, not its DNS name)`,
      },
    );
  if (status === 403 && !why.some((r) => RATE_REASONS.has(r)))
    return new ProviderError(`${where}: permission denied during ${scope.operation} (${msg})${tail}`, {
      ...ctx,
      remedy:
        'grant the service account dns.managedZones.get, dns.resourceRecordSets.list/create/update/delete, dns.changes.create and dns.changes.get on the project (roles/dns.admin has them, or a custom role)',
    });
  if (
    status === 412 ||
    status === 409 ||
    (status === 404 && inChange) ||
    why.includes('conditionNotMet') ||
    why.includes('alreadyExists')
  )
    return new ConflictError(
      `${where}: ${scope.operation} was rejected because ${record ? `set ${record} changed since it was read` : 'the records changed since they were read'} (${msg}); nothing in this change was written${tail}`,
      {
        ...ctx,
        record,
        retryable: true,
        remedy: 're-read the zone and plan again (the next reconcile does this); never retry the same change',
      },
    );
  if (status === 400)
    return new InvalidChangeError(
      `${where}: Cloud DNS rejected ${scope.operation}${record ? ` because of record ${record}` : ''}: ${msg}; nothing in this change was written${tail}`,
      { ...ctx, record, remedy: 'fix or remove that record (see the message), then apply again' },
    );
  if (isThrottleOr5xx(err))
    return new ProviderError(
      `${where}: ${scope.operation} still failing after retries (${status ?? ''} ${why.join(',')}: ${msg})${tail}`,
      {
        ...ctx,
        retryable: true,
        remedy:
          "Cloud DNS is throttling or unavailable; check the project's DNS API quota, lower the reconcile rate or try again later",
      },
    );
  if (isNetwork(err))
    return new ProviderError(
      `${where}: ${scope.operation} failed on the network (${msg}); the change may or may not have been applied${tail}`,
      {
        ...ctx,
        retryable: true,
        remedy: 'the next reconcile re-reads the zone and converges; check connectivity to the Cloud DNS API',
      },
    );
  return new ProviderError(`${where}: ${scope.operation} failed (${msg})${tail}`, ctx);
}
