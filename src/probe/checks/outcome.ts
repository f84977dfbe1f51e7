// What one check run produces before it is stamped with endpoint, prober and time, and the shape of
// a compiled (validated, ready-to-run) check.

export interface CheckOutcome {
  ok: boolean;
  latencyMs: number;
  detail: string;
  status?: number;
  certDaysLeft?: number;
  /** Several checks on one endpoint: the ones that failed, by name, with what each said. */
  failed?: FailedCheck[];
}

export interface FailedCheck {
  /** The sub-check's name: its `name`, or its label ("grpc payments", "http /healthz"). */
  check: string;
  detail: string;
}

/** A check validated at start-up; run() never rejects (every failure is an outcome with ok: false). */
export interface RunnableCheck {
  /** e.g. "https GET https://10.0.0.1/healthz" — for logs and errors. */
  readonly description: string;
  /** A short name among an endpoint's several checks ("grpc payments", "http /healthz"). */
  readonly label?: string;
  readonly timeoutMs: number;
  run(signal?: AbortSignal): Promise<CheckOutcome>;
  /** Releases kept-alive sockets (keepAlive checks only). */
  close?(): void;
}

export function elapsed(start: number): number {
  return Math.round((performance.now() - start) * 100) / 100;
}

/** A short, secret-free description of a socket/TLS/DNS error. */
export function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const code = e?.code;
  const msg = e?.message ?? String(err);
  if (code?.startsWith('ERR_SSL_')) return `${code}: ${sslReason(msg)}`;
  return code && !msg.includes(code) ? `${code}: ${msg}` : msg;
}

/**
 * OpenSSL's "4073…:error:0A00010B:SSL routines:tls_validate_record_header:wrong version number:
 * ../deps/openssl/…c:78:" as "TLS handshake failed: wrong version number", with what it usually means.
 */
function sslReason(msg: string): string {
  const reason = /SSL routines:[^:]*:([^:]+):/.exec(msg)?.[1] ?? msg.trim();
  const hint = /wrong version number|packet length too long|http request/i.test(reason)
    ? ' (the port does not speak TLS)'
    : '';
  return `TLS handshake failed: ${reason}${hint}`;
}
