// Builds the etcd3 client for coordination. The library's default fault handling (retries plus a
// circuit breaker that refuses calls for 5 s after three failures, exponential watch backoff) would
// delay noticing a recovered etcd; the election loop retries on its own schedule, so calls pass
// straight through and watches reconnect on a short constant backoff. With several members, a member
// that just failed is skipped for a moment, so the next call goes to another one (the pool tries the
// next host only when a policy refuses the call before it is made). TLS and the user come from
// etcd-access.ts; the password-for-token exchange gets a deadline like every other call.
import {
  castGrpcError,
  Etcd3,
  GRPCDeadlineExceededError,
  GRPCUnavailableError,
  type IOptions,
  isRecoverableError,
} from 'etcd3';
import type { EtcdAccess } from './etcd-access.ts';

type FaultHandling = NonNullable<IOptions['faultHandling']>;
type Policy = ReturnType<NonNullable<FaultHandling['host']>>;

const passThrough = {
  execute: <T>(fn: (ctx: { signal: AbortSignal; attempt: number }) => PromiseLike<T> | T) =>
    Promise.resolve().then(() => fn({ signal: new AbortController().signal, attempt: 0 })),
} as unknown as Policy;

const MEMBER_PAUSE_MS = 1000;

const memberFailed = (err: unknown) => {
  if (!(err instanceof Error)) return false;
  const e = castGrpcError(err);
  return isRecoverableError(e) || e instanceof GRPCDeadlineExceededError || e instanceof GRPCUnavailableError;
};

function memberBreaker(): Policy {
  let skipUntil = 0;
  return {
    execute: async <T>(fn: (ctx: { signal: AbortSignal; attempt: number }) => PromiseLike<T> | T) => {
      if (Date.now() < skipUntil) throw new Error('etcd member skipped for a moment after a failure');
      try {
        return await fn({ signal: new AbortController().signal, attempt: 0 });
      } catch (err) {
        if (memberFailed(err)) skipUntil = Date.now() + MEMBER_PAUSE_MS;
        throw err;
      }
    },
  } as unknown as Policy;
}

function constantBackoff(ms: number) {
  const b = { duration: ms, next: () => b };
  return b;
}

type Credentials = NonNullable<IOptions['credentials']>;

function credentialsOf(access: EtcdAccess): Credentials | undefined {
  const m = access.tls?.material;
  if (!access.secure || !m) return undefined;
  return {
    // grpc-js takes null for "the system's trust store"; etcd3's type insists on a Buffer.
    rootCertificate: (m.ca === undefined ? null : Buffer.from(m.ca)) as Buffer,
    ...(m.cert && m.key ? { certChain: Buffer.from(m.cert), privateKey: Buffer.from(m.key) } : {}),
  };
}

/**
 * endpoints: http://host:port or https://host:port (checked by the config). The scheme is kept: with
 * https:// and no tls files the client still speaks TLS, trusting the system's CAs.
 */
export function createEtcdClient(
  endpoints: readonly string[],
  dialTimeoutMs: number,
  access: EtcdAccess = { secure: false },
): Etcd3 {
  const hosts = endpoints.map((e) => e.replace(/\/+$/, ''));
  const credentials = credentialsOf(access);
  return new Etcd3({
    hosts,
    dialTimeout: dialTimeoutMs,
    ...(credentials ? { credentials } : {}),
    ...(access.auth
      ? {
          auth: {
            username: access.auth.user,
            password: access.auth.password,
            // Every call first waits for the token: without a deadline a frozen etcd would hang them all.
            callOptions: () => within(dialTimeoutMs),
          },
        }
      : {}),
    faultHandling: {
      host: () => (hosts.length > 1 ? memberBreaker() : passThrough),
      global: passThrough,
      watchBackoff: constantBackoff(250) as unknown as FaultHandling['watchBackoff'],
    },
  });
}

/** gRPC call options with a deadline `ms` from now: no etcd call may hang (a frozen etcd never answers). */
export const within = (ms: number) => ({ deadline: new Date(Date.now() + ms) });
