// What one check run produces before it is stamped with endpoint, prober and time, and the shape of
// a compiled (validated, ready-to-run) check.

export interface CheckOutcome {
  ok: boolean;
  latencyMs: number;
  detail: string;
  status?: number;
  certDaysLeft?: number;
}

/** A check validated at start-up; run() never rejects (every failure is an outcome with ok: false). */
export interface RunnableCheck {
  /** e.g. "https GET https://10.0.0.1/healthz" — for logs and errors. */
  readonly description: string;
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
  return code && !msg.includes(code) ? `${code}: ${msg}` : msg;
}
