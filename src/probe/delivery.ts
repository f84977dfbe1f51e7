// How an agent's reports to one controller are failing, and the one-line summary and recovery line it
// logs: what failed (refused and why, cannot connect, a server error), for how long, how many results
// wait in the buffer, and what to check. Pure: the reporter records, the delivery log decides when.
import { refusalText } from './refusal-text.ts';

export interface DeliveryFailure {
  /** refused: the controller answered 4xx; unreachable: no answer (network, TLS, timeout); error: 5xx, 408, 429. */
  kind: 'refused' | 'unreachable' | 'error';
  /** The HTTP status of an answer. */
  status?: number;
  /** The controller's reason code for a refusal (bad-signature, stale-timestamp, client-cert-required…). */
  reason?: string;
  /** One line, at most 300 characters. */
  detail: string;
  /** The agent's clock minus the controller's, in seconds, when the controller measured it. */
  offsetSeconds?: number;
  /** Monotonic ms of the first failure of this streak. */
  since: number;
  /** Failed sends in this streak. */
  attempts: number;
}

/** What the agent knows about itself that a remedy can name (never the key itself). */
export interface AgentIdentity {
  prober: string;
  /** Where its key comes from, e.g. "PROBER_FRANKFURT_KEY (probers[frankfurt].keyEnv)". */
  keySource: string;
}

const clean = (s: string) =>
  s
    .replace(/\s*\n\s*/g, '; ')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 300);

/** The reason code, detail and clock offset out of a refusal's body (`{error, detail, reason, offsetSeconds}`). */
export function parseRefusal(text: string): { reason?: string; detail: string; offsetSeconds?: number } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { detail: clean(text) };
  }
  const d = (doc ?? {}) as Record<string, unknown>;
  const code = (v: unknown) => (typeof v === 'string' && /^[a-z][a-z-]{0,40}$/.test(v) ? v : undefined);
  // The report handler answers {error: code, detail}; the TLS listener and the router {error: text, reason}.
  const reason = code(d.reason) ?? code(d.error);
  const detail = typeof d.detail === 'string' ? d.detail : typeof d.error === 'string' ? d.error : text;
  const offset =
    typeof d.offsetSeconds === 'number' && Number.isFinite(d.offsetSeconds) ? d.offsetSeconds : undefined;
  return {
    ...(reason ? { reason } : {}),
    detail: clean(detail),
    ...(offset === undefined ? {} : { offsetSeconds: Math.round(offset) }),
  };
}

/**
 * Whether a refused report is kept for another try: refusals of the agent's key, clock or client
 * certificate (401, 403) end once that is fixed (NTP, a renewed certificate is re-read), and the
 * results must still be there then. Any other 4xx would refuse the same report again.
 */
export function keepRefused(status: number): boolean {
  return status === 401 || status === 403;
}

/** "40 s", "3 m", "2 h" for a span of milliseconds. */
export function span(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} m`;
  return `${Math.round(s / 3600)} h`;
}

/** What fixes a failure, naming this agent's own settings where they are the likely cause. */
export function remedyFor(f: DeliveryFailure, who: AgentIdentity): string {
  if (f.kind === 'unreachable')
    return 'check the controller URL (controllers[]), that the controller runs, and the network and firewall between (a TLS error names its own fix)';
  if (f.kind === 'error') return "the controller answers but fails: see the controller's log";
  switch (f.reason) {
    case 'bad-signature':
      return `check the key: ${who.keySource} must hold the same key as the controller's for prober ${who.prober}`;
    case 'unknown-prober':
      return `check the prober id: the controller's config has no prober ${who.prober} (use the same config on both)`;
    default:
      return refusalText(f.reason ?? `HTTP ${f.status}`, f.offsetSeconds).remedy;
  }
}

/** The failure in a few words: "bad signature (401)", "cannot connect: ECONNREFUSED". */
export function failureWhat(f: DeliveryFailure): string {
  if (f.kind === 'unreachable') return `cannot connect: ${f.detail}`;
  if (f.kind === 'error') return `HTTP ${f.status}: ${f.detail}`;
  if (!f.reason) return `HTTP ${f.status}: ${f.detail}`;
  const { what } = refusalText(f.reason, f.offsetSeconds);
  return `${what} (${f.status})`;
}

export interface BufferState {
  buffered: number;
  dropped: number;
}

const results = (n: number) => `${n} result${n === 1 ? '' : 's'}`;

/** The repeated one-line summary of a failing controller. */
export function failureLine(
  controller: string,
  f: DeliveryFailure,
  buf: BufferState,
  now: number,
  who: AgentIdentity,
): string {
  const over = f.attempts > 1 ? ` in ${span(now - f.since)}` : '';
  const count = f.attempts === 1 ? 'a report' : `${f.attempts} reports`;
  const head =
    f.kind === 'refused'
      ? `controller ${controller} rejected ${count}${over}: ${failureWhat(f)}`
      : f.kind === 'unreachable'
        ? `controller ${controller} unreachable${f.attempts > 1 ? ` for ${span(now - f.since)}` : ''} (${f.attempts} attempt${f.attempts === 1 ? '' : 's'}): ${f.detail}`
        : `controller ${controller} failed ${count}${over}: ${failureWhat(f)}`;
  const kept = `${results(buf.buffered)} buffered${buf.dropped > 0 ? `, ${buf.dropped} dropped` : ''}`;
  return `${head}; ${kept}; ${remedyFor(f, who)}`;
}

/** The line when a controller accepts a report again after failures. */
export function recoveryLine(controller: string, f: DeliveryFailure, buffered: number, now: number): string {
  return `controller ${controller} accepted a report again after ${span(now - f.since)} (${f.attempts} failed: ${failureWhat(f)}); delivering ${results(buffered)} buffered`;
}

/** The delay before the next repeat of a summary, after `lines` lines: 5 s, 10 s, 20 s, then every 30 s. */
export function summaryDelayMs(lines: number): number {
  return Math.min(30_000, 5000 * 2 ** Math.max(0, lines - 1));
}

/** A URL without its user name and password, for logs and the health endpoint. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url.replace(/\/+$/, '');
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return '(invalid URL)';
  }
}
