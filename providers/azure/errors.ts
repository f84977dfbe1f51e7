// Turns Azure SDK errors into our typed errors with the provider, zone, record and a remedy. A 412
// (an If-Match or If-None-Match that failed) is a lost compare-and-swap: a ConflictError, re-read
// and re-planned, never overwritten.
import {
  ConflictError,
  type GeofailoverError,
  InvalidChangeError,
  ProviderError,
} from '../../src/model/index.ts';

interface RestErrorish {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
}

export interface ErrorScope {
  provider: string;
  zone: string;
  subscriptionId: string;
  resourceGroup: string;
  /** The operation, for the message: "list", "update app A", ... */
  operation: string;
  record?: string;
  /** Appended to the message: what earlier writes already did. */
  note?: string;
}

/** The error without the request/response the SDK attaches (its headers carry the bearer token). */
export function slimCause(err: unknown): Error {
  const e = (err ?? {}) as RestErrorish;
  const out = new Error(e.message ?? String(err));
  out.name = e.name ?? 'Error';
  Object.assign(out, { code: e.code, statusCode: e.statusCode });
  return out;
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialUnavailableError',
  'AuthenticationError',
  'AuthenticationRequiredError',
  'AggregateAuthenticationError',
]);

export function mapError(err: unknown, scope: ErrorScope): GeofailoverError {
  if (err instanceof ProviderError) return err;
  const e = (err ?? {}) as RestErrorish;
  const where = `azure provider ${scope.provider}, zone ${scope.zone} (resource group ${scope.resourceGroup})`;
  const tail = scope.note ? ` (${scope.note})` : '';
  const ctx = { provider: scope.provider, zone: scope.zone, record: scope.record, cause: slimCause(err) };
  const msg = (e.message ?? String(err)).split('\n')[0]!;
  const status = e.statusCode;
  if (CREDENTIAL_ERRORS.has(e.name ?? ''))
    return new ProviderError(
      `${where}: could not get an Azure token (${/AADSTS\d+: [^.]*\./.exec(msg)?.[0] ?? msg}); nothing was read or written${tail}`,
      {
        ...ctx,
        remedy: `check providers.${scope.provider}.tenantId, clientId and the client secret (or the managed identity / az login for default credentials)`,
      },
    );
  if (status === 401 || e.code === 'InvalidAuthenticationToken' || e.code === 'AuthenticationFailed')
    return new ProviderError(
      `${where}: Azure refused the credentials during ${scope.operation} (${e.code}: ${msg}); nothing was written${tail}`,
      {
        ...ctx,
        remedy:
          'check the service principal (tenant, client id, secret not expired) or the identity the default credentials found',
      },
    );
  if (status === 403)
    return new ProviderError(
      `${where}: permission denied during ${scope.operation} (${e.code}: ${msg})${tail}`,
      {
        ...ctx,
        remedy:
          'assign the identity "DNS Zone Contributor" on the zone, or a custom role with Microsoft.Network/dnszones/read, dnszones/recordsets/read and dnszones/{A,AAAA,CNAME,TXT}/{read,write,delete}',
      },
    );
  if (
    status === 404 &&
    /^(ResourceNotFound|ResourceGroupNotFound|ParentResourceNotFound|SubscriptionNotFound)$/.test(
      e.code ?? '',
    )
  )
    return new ProviderError(
      `${where}: the DNS zone does not exist or these credentials cannot see it (${e.code}: ${msg}); nothing was written${tail}`,
      {
        ...ctx,
        value: `${scope.subscriptionId}/${scope.resourceGroup}/${scope.zone}`,
        remedy: `check providers.${scope.provider}.subscriptionId and .resourceGroup, and that the zone ${scope.zone.replace(/\.$/, '')} exists there`,
      },
    );
  if (status === 412)
    return new ConflictError(
      `${where}: ${scope.operation} was rejected because the record set changed since it was read (${e.code}: ${msg}); it was not overwritten${tail}`,
      { ...ctx, retryable: true, remedy: 're-read the zone and plan again (the next reconcile does this)' },
    );
  if (status === 400)
    return new InvalidChangeError(
      `${where}: Azure DNS rejected ${scope.operation} (${e.code}: ${msg}); it was not written${tail}`,
      {
        ...ctx,
        remedy: 'fix or remove that record (see the message), then apply again',
      },
    );
  if (status === 429 || (status !== undefined && status >= 500))
    return new ProviderError(
      `${where}: ${scope.operation} still failing after retries (${status} ${e.code ?? ''}: ${msg})${tail}`,
      {
        ...ctx,
        retryable: true,
        remedy:
          'Azure Resource Manager is throttling or unavailable (subscription write limits); try again later or reconcile less often',
      },
    );
  if (
    status === undefined &&
    /REQUEST_SEND_ERROR|ECONNRESET|ECONNREFUSED|socket hang up|ETIMEDOUT/i.test(`${e.code} ${msg}`)
  )
    return new ProviderError(
      `${where}: ${scope.operation} failed on the network (${msg}); it may or may not have been applied${tail}`,
      {
        ...ctx,
        retryable: true,
        remedy:
          'the next reconcile re-reads the zone and converges; check connectivity to Azure Resource Manager',
      },
    );
  return new ProviderError(`${where}: ${scope.operation} failed (${e.code ?? e.name}: ${msg})${tail}`, ctx);
}
