// Turns SDK errors into our typed errors with the zone, the record Route 53 named and a remedy. A
// stale DELETE or a CREATE of something that appeared meanwhile is a lost compare-and-swap: a
// ConflictError, retryable by re-reading and re-planning, never by blind retry of the same batch.
import type { Change as WireChange } from '@aws-sdk/client-route-53';
import {
  ConflictError,
  type GeofailoverError,
  InvalidChangeError,
  ProviderError,
} from '../../src/model/index.ts';
import { isRetryable } from './retry.ts';

interface SdkError {
  name?: string;
  message?: string;
  messages?: unknown;
  /** Present when Route 53 answered with its own <InvalidChangeBatch><Messages> body (see below). */
  Messages?: { Message?: unknown };
  $metadata?: { httpStatusCode?: number };
}

export interface ErrorScope {
  provider: string;
  zone: string;
  hostedZoneId: string;
  /** The operation, for the message: "list", "change batch 2/4", ... */
  operation: string;
  /** Appended to the message: what earlier batches already wrote. */
  note?: string;
}

const CONFLICT = /but it was not found|do not match the current values|but it already exists/i;

/** Every message Route 53 put in the error (InvalidChangeBatch carries a list, sometimes in brackets). */
export function errorMessages(err: SdkError): string[] {
  const raw = err.Messages?.Message;
  if (raw !== undefined) return (Array.isArray(raw) ? raw : [raw]).map(String);
  const list = Array.isArray(err.messages) ? err.messages.map(String) : [];
  if (list.length > 0) return list;
  const m = (err.message ?? '').trim();
  const inner = m.startsWith('[') && m.endsWith(']') ? m.slice(1, -1) : m;
  return inner.split(/,\s*(?=Tried to |RRSet )/).filter((s) => s.length > 0);
}

/** The record a Route 53 message names, as "name type [set-id]", if it names one. */
export function namedRecord(message: string): string | undefined {
  const a = /\[name='([^']*)', type='([^']*)'(?:, set-identifier='([^']*)')?\]/.exec(message);
  if (a) return [a[1], a[2], a[3]].filter(Boolean).join(' ');
  const b = /Name=([^,\]]+), Type=([^,\]]+)(?:, SetIdentifier=([^,\]]+))?/.exec(message);
  if (b) return [b[1], b[2], b[3] && b[3] !== 'null' ? b[3] : undefined].filter(Boolean).join(' ');
  const c = /RRSet with DNS name (\S+?)\.? (?:is not permitted|)/.exec(message);
  if (c) return c[1];
  return undefined;
}

/**
 * Route 53's value errors ("... encountered with '192.0.2.300'") name a value, not a record: find
 * the record in the batch that carries it, so the error can name it.
 */
export function recordOfValue(message: string, batch: readonly WireChange[]): string | undefined {
  const m = /encountered with '([^']*)'/.exec(message);
  if (!m) return undefined;
  const hit = batch.find((c) => c.ResourceRecordSet?.ResourceRecords?.some((r) => r.Value === m[1]));
  const rr = hit?.ResourceRecordSet;
  return rr ? [rr.Name, rr.Type, rr.SetIdentifier].filter(Boolean).join(' ') : undefined;
}

/**
 * The SDK error without its raw HTTP exchange: `$response` holds the signed request headers and the
 * socket, which must not reach logs (and make a test failure print 60 kB).
 */
export function slimCause(err: unknown): Error {
  const e = (err ?? {}) as SdkError & { $metadata?: { requestId?: string } };
  const out = new Error(e.message ?? String(err));
  out.name = e.name ?? 'Error';
  Object.assign(out, {
    httpStatusCode: e.$metadata?.httpStatusCode,
    requestId: e.$metadata?.requestId,
    ...(e.Messages?.Message !== undefined ? { messages: errorMessages(e) } : {}),
  });
  return out;
}

export function mapError(
  err: unknown,
  scope: ErrorScope,
  batch: readonly WireChange[] = [],
): GeofailoverError {
  if (err instanceof ProviderError) return err;
  const e = (err ?? {}) as SdkError;
  const where = `route53 provider ${scope.provider}, zone ${scope.zone} (hosted zone ${scope.hostedZoneId})`;
  const tail = scope.note ? ` (${scope.note})` : '';
  const ctx = { provider: scope.provider, zone: scope.zone, cause: slimCause(err) };
  // Route 53 sends InvalidChangeBatch as a root <InvalidChangeBatch><Messages> document, not an
  // <ErrorResponse>; SDK v3 then finds no error code and throws "Unknown" with the Messages attached
  // (the Go SDKs carry a customisation for exactly this). Recognise it by its Messages.
  const name = e.Messages?.Message !== undefined ? 'InvalidChangeBatch' : (e.name ?? 'Error');
  if (name === 'NoSuchHostedZone' || (name === 'NotFound' && scope.operation !== 'get-change'))
    return new ProviderError(
      `${where}: the hosted zone does not exist or these credentials cannot see it; nothing was written${tail}`,
      {
        ...ctx,
        value: scope.hostedZoneId,
        remedy: `check providers.${scope.provider}.hostedZoneId and that the credentials belong to the account owning it`,
      },
    );
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? ''))
    return new ProviderError(`${where}: no AWS credentials found; nothing was read or written`, {
      ...ctx,
      remedy:
        'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an instance/container role',
    });
  if (
    /^(InvalidClientTokenId|SignatureDoesNotMatch|AccessDenied|AccessDeniedException|UnrecognizedClientException|ExpiredToken)$/.test(
      name,
    )
  )
    return new ProviderError(`${where}: AWS refused the credentials (${name}) during ${scope.operation}`, {
      ...ctx,
      remedy:
        'check the access key, its expiry and its IAM permissions for route53:ListResourceRecordSets, ChangeResourceRecordSets and GetChange',
    });
  if (name === 'InvalidChangeBatch' || name === 'InvalidInput') {
    const msgs = errorMessages(e);
    const conflict = name === 'InvalidChangeBatch' && msgs.some((m) => CONFLICT.test(m));
    const record =
      msgs.map(namedRecord).find((r) => r !== undefined) ??
      msgs.map((m) => recordOfValue(m, batch)).find((r) => r !== undefined);
    const detail = msgs.join('; ');
    if (conflict)
      return new ConflictError(
        `${where}: ${scope.operation} was rejected because the records changed since they were read (${detail}); nothing in this batch was written${tail}`,
        {
          ...ctx,
          record,
          retryable: true,
          remedy:
            're-read the zone and plan again (the next reconcile does this); never retry the same batch',
        },
      );
    return new InvalidChangeError(
      `${where}: Route 53 rejected ${scope.operation}${record ? ` because of record ${record}` : ''}: ${detail}; nothing in this batch was written${tail}`,
      { ...ctx, record, remedy: 'fix or remove that record (see the message), then apply again' },
    );
  }
  if (isRetryable(err))
    return new ProviderError(
      `${where}: ${scope.operation} still failing after retries (${name}: ${e.message ?? ''})${tail}`,
      {
        ...ctx,
        retryable: true,
        remedy: 'Route 53 is throttling or unavailable; lower requestsPerSecond or try again later',
      },
    );
  return new ProviderError(
    `${where}: ${scope.operation} failed (${name}: ${e.message ?? String(err)})${tail}`,
    ctx,
  );
}
