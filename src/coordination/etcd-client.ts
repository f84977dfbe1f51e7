// Builds the etcd3 client for coordination. The library's default fault handling (retries plus a
// circuit breaker that refuses calls for 5 s after three failures, exponential watch backoff) would
// delay noticing a recovered etcd; the election loop retries on its own schedule, so calls pass
// straight through and watches reconnect on a short constant backoff. With several members, a member
// that just failed is skipped for a moment, so the next call goes to another one (the pool tries the
// next host only when a policy refuses the call before it is made).
import {
  castGrpcError,
  Etcd3,
  GRPCDeadlineExceededError,
  GRPCUnavailableError,
  type IOptions,
  isRecoverableError,
} from 'etcd3';

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

/** endpoints: URLs (http://host:port) or host:port; the client wants host:port. */
export function createEtcdClient(endpoints: readonly string[], dialTimeoutMs: number): Etcd3 {
  const hosts = endpoints.map((e) => e.replace(/^https?:\/\//, '').replace(/\/+$/, ''));
  return new Etcd3({
    hosts,
    dialTimeout: dialTimeoutMs,
    faultHandling: {
      host: () => (hosts.length > 1 ? memberBreaker() : passThrough),
      global: passThrough,
      watchBackoff: constantBackoff(250) as unknown as FaultHandling['watchBackoff'],
    },
  });
}

/** gRPC call options with a deadline `ms` from now: no etcd call may hang (a frozen etcd never answers). */
export const within = (ms: number) => ({ deadline: new Date(Date.now() + ms) });
