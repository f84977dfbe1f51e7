// Typed errors of the signal sources: a Prometheus query that failed (and how: rejected by
// Prometheus, unreachable, or an answer we cannot use), and a delivery (webhook, push) we refuse.
import { GeofailoverError } from '../model/index.ts';

/** How a Prometheus query failed: `rejected` is Prometheus refusing the expression itself (bad_data). */
export type QueryFailure = 'rejected' | 'unreachable' | 'timeout' | 'failed' | 'bad-response';

export class PrometheusQueryError extends GeofailoverError {
  constructor(
    readonly failure: QueryFailure,
    message: string,
    readonly signal: string,
    /** Prometheus's own errorType and error text, when it answered with one. */
    readonly prometheus?: { status: number; errorType?: string; error?: string },
    cause?: unknown,
  ) {
    super(message, {
      value: signal,
      ...(cause === undefined ? {} : { cause }),
      remedy:
        failure === 'rejected'
          ? 'fix the PromQL in signals[].query (try it in the Prometheus UI), then validate again'
          : failure === 'unreachable' || failure === 'timeout'
            ? "check the signal's url and that Prometheus answers there"
            : undefined,
    });
  }
}

/** Why a delivery was refused: its HTTP status follows from it (signal-routes.ts). */
export type InputRefusal = 'malformed-json' | 'bad-payload' | 'too-large';

/** A webhook payload or push body we refuse; nothing it carried was applied. */
export class SignalInputError extends GeofailoverError {
  constructor(
    readonly reason: InputRefusal,
    message: string,
  ) {
    super(message);
  }
}
