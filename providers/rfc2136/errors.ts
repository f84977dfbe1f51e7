// Turns what went wrong talking to the server (no connection, no answer, an rcode, a TSIG failure, a
// malformed message) into one typed error naming the provider, zone and server, with a remedy.
// NXRRSET/YXRRSET on an UPDATE is a lost compare-and-swap: a ConflictError, re-read and re-plan.
import { ConflictError, type GeofailoverError, ProviderError } from '../../src/model/index.ts';
import { TransportError } from './transport.ts';
import { rcodeName } from './wire.ts';

export interface ErrorScope {
  provider: string;
  zone: string;
  server: string;
  keyName: string;
  /** What we were doing: "zone transfer (AXFR)", "UPDATE message 2/3". */
  operation: string;
  /** Appended: what was or was not written, when this exchange wrote nothing. */
  written: string;
  /** Appended instead when this exchange's UPDATE was sent and its answer lost: it may have been applied. */
  unknown: string;
  /** An UPDATE (not a transfer). */
  update?: boolean;
  /** A transfer signed with this key just verified: the key itself is right. */
  keyProven?: boolean;
}

function where(s: ErrorScope): string {
  return `rfc2136 provider ${s.provider}, zone ${s.zone}, server ${s.server}: ${s.operation}`;
}

/** A response we could not parse or that does not answer our request. */
export class MalformedResponse extends Error {}

export type TsigProblem = 'missing' | 'bad-mac' | 'bad-time' | 'wrong-key' | 'server-error' | 'malformed';

/** A response that cannot be trusted: unsigned, wrong MAC, out of time, or the server's TSIG error. */
export class TsigError extends Error {
  constructor(
    readonly problem: TsigProblem,
    message: string,
    /** The TSIG error the server put in its response (BADSIG, BADKEY, BADTIME), if any. */
    readonly serverError?: string,
  ) {
    super(message);
    this.name = 'TsigError';
  }
}

export function mapError(err: unknown, s: ErrorScope): GeofailoverError {
  if (err instanceof ProviderError) return err;
  const ctx = { provider: s.provider, zone: s.zone, value: s.server, cause: err };
  if (err instanceof TransportError) {
    if (err.problem === 'aborted') return new ProviderError(`${where(s)} was aborted; ${s.written}`, ctx);
    const remedy =
      err.problem === 'connect'
        ? `check that the server runs and listens on ${s.server} over TCP (providers.${s.provider}.server / transfer)`
        : err.problem === 'timeout'
          ? `check that ${s.server} is the authoritative server for ${s.zone} and reachable over TCP, or raise providers.${s.provider}.timeouts`
          : `check the server's log for ${s.zone}; try again`;
    return new ProviderError(`${where(s)} failed: ${err.message}; ${s.written}`, {
      ...ctx,
      retryable: true,
      remedy,
    });
  }
  if (err instanceof TsigError) {
    // Knot answers an UPDATE its ACL does not allow with NOTAUTH + TSIG BADKEY: when the same key has
    // just verified a transfer, the key is right and the refusal is the ACL's.
    if (err.problem === 'server-error' && s.update && s.keyProven && err.serverError !== 'BADTIME')
      return rcodeError(9, { ...s, operation: `${s.operation} (TSIG ${err.serverError})` }, true);
    if (err.problem === 'server-error')
      return new ProviderError(
        `${where(s)}: the server rejected our TSIG key "${s.keyName}" (${err.serverError}); ${s.written}`,
        {
          ...ctx,
          remedy:
            err.serverError === 'BADTIME'
              ? 'our clock and the server clock differ by more than the fudge (300 s): fix time synchronisation'
              : `make providers.${s.provider}.tsig (name, algorithm, secret) match the key configured on the server, and check that the zone's ACL allows ${s.update ? 'updates' : 'transfers'} with that key (Knot answers a missing ACL entry with BADKEY too)`,
        },
      );
    return new ProviderError(
      `${where(s)}: the response failed TSIG verification (${err.message}); it was not trusted; ${s.written}`,
      {
        ...ctx,
        remedy: `check that ${s.server} holds the same key "${s.keyName}" and that nothing between us rewrites DNS messages`,
      },
    );
  }
  if (err instanceof MalformedResponse)
    return new ProviderError(`${where(s)}: malformed response (${err.message}); ${s.written}`, {
      ...ctx,
      retryable: true,
      remedy: `check that ${s.server} is a DNS server speaking RFC 2136 over TCP; if it is, report the server fault`,
    });
  return new ProviderError(
    `${where(s)} failed: ${(err as Error)?.message ?? String(err)}; ${s.written}`,
    ctx,
  );
}

/** The error for a response whose rcode is not NOERROR. */
export function rcodeError(rcode: number, s: ErrorScope, update: boolean): GeofailoverError {
  const name = rcodeName(rcode);
  const ctx = { provider: s.provider, zone: s.zone, value: name };
  if (update && (name === 'NXRRSET' || name === 'YXRRSET' || name === 'NXDOMAIN' || name === 'YXDOMAIN'))
    return new ConflictError(
      `${where(s)} was refused with ${name}: the records changed since the plan read them (a prerequisite failed); ${s.written}`,
      {
        ...ctx,
        retryable: true,
        remedy:
          're-read the zone and plan again (the next reconcile does this); never retry the same message',
      },
    );
  const acl = update
    ? `Knot: an acl with "key: ${s.keyName}" and "action: update" on the zone; BIND: "allow-update { key ${s.keyName}; };" or an update-policy granting the key`
    : `Knot: an acl with "key: ${s.keyName}" and "action: transfer" on the zone; BIND: "allow-transfer { key ${s.keyName}; };"`;
  if (name === 'REFUSED' || name === 'NOTAUTH')
    return new ProviderError(
      `${where(s)} was refused by the server (${name}): it does not allow ${update ? 'updates' : 'zone transfers'} of ${s.zone} with key "${s.keyName}", or is not authoritative for it; ${s.written}`,
      { ...ctx, remedy: `configure the server: ${acl}` },
    );
  if (name === 'NOTZONE')
    return new ProviderError(
      `${where(s)} was refused with NOTZONE: a record is outside ${s.zone}; ${s.written}`,
      {
        ...ctx,
        remedy: 'check the zone names in config',
      },
    );
  if (name === 'NOTIMP')
    return new ProviderError(
      `${where(s)} failed with NOTIMP: the server does not implement ${update ? 'dynamic UPDATE (RFC 2136)' : 'AXFR'} for ${s.zone}; ${s.written}`,
      {
        ...ctx,
        remedy: `point providers.${s.provider}.${update ? 'server' : 'transfer'} at the zone's primary, with ${update ? 'updates' : 'transfers'} enabled`,
      },
    );
  if (name === 'SERVFAIL')
    return new ProviderError(`${where(s)} failed on the server (SERVFAIL); ${s.written}`, {
      ...ctx,
      retryable: true,
      remedy: `check the server's log for ${s.zone} (journal, zone file permissions); the next reconcile retries`,
    });
  return new ProviderError(`${where(s)} failed with ${name}; ${s.written}`, {
    ...ctx,
    remedy: `check the server's log for ${s.zone}`,
  });
}
