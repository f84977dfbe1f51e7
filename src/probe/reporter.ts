// Sends results to one controller as signed reports, batched, one request
// in flight, retried with exponential backoff. While the controller is unreachable, or refuses the
// agent's key, clock or certificate, results wait in a bounded buffer (newest kept, drops counted) and
// the agent keeps probing. It records how delivery fails and tells onDelivery when a streak of
// failures starts and ends; the agent's delivery log turns that into log lines.
import { type AddressFamily, GeofailoverError } from '../model/index.ts';
import type { HttpReply, HttpsClient } from '../tls/index.ts';
import { ResultBuffer } from './buffer.ts';
import { type DeliveryFailure, keepRefused, parseRefusal } from './delivery.ts';
import {
  MAX_RESULTS_PER_REPORT,
  PROBER_HEADER,
  type ProbeReport,
  type ProbeResult,
  SIGNATURE_HEADER,
  signReport,
} from './wire.ts';

export interface ReporterOptions {
  controller: string;
  prober: string;
  key: string;
  /** For an https:// controller: the CA to trust and client certificate to present (re-read on change). */
  tls?: HttpsClient;
  bufferSize: number;
  /** Shared, strictly increasing report sequence (starts at Date.now() so restarts still increase). */
  nextSeq: () => number;
  impaired: () => boolean;
  /** Families on which the prober's own path looks broken (see ProbeReport.impairedFamilies). */
  impairedFamilies?: () => AddressFamily[];
  /** A streak of failed sends began (its first failure), or ended with an accepted report. */
  onDelivery?: (event: DeliveryEvent) => void;
  requestTimeoutMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
}

export type DeliveryEvent =
  | { kind: 'failing'; controller: string; failure: DeliveryFailure }
  | { kind: 'recovered'; controller: string; failure: DeliveryFailure };

/** While refused, a retry sends only this many results: it is a question, not a delivery. */
const PROBE_BATCH = 50;

export interface ReporterStats {
  controller: string;
  buffered: number;
  dropped: number;
  reportsSent: number;
  resultsSent: number;
  failures: number;
  /** Reports the controller refused with a 4xx (401/403 kept for a retry, others dropped). */
  refused: number;
  lastError?: string;
  /** When the controller last accepted a report (the agent's clock). */
  lastAcceptedAt?: string;
}

export class Reporter {
  private readonly buffer: ResultBuffer<ProbeResult>;
  private readonly url: string;
  private inFlight: Promise<void> | undefined;
  private backoffUntil = 0;
  private consecutiveFailures = 0;
  private failing: DeliveryFailure | undefined;
  private acceptedMono: number | undefined;
  private readonly abort = new AbortController();
  readonly stats: ReporterStats;

  constructor(private readonly opts: ReporterOptions) {
    this.buffer = new ResultBuffer(opts.bufferSize);
    this.url = `${opts.controller.replace(/\/+$/, '')}/v1/reports`;
    this.stats = {
      controller: opts.controller,
      buffered: 0,
      dropped: 0,
      reportsSent: 0,
      resultsSent: 0,
      failures: 0,
      refused: 0,
    };
  }

  add(result: ProbeResult): void {
    this.buffer.push(result);
  }

  /** The controller's base URL, as configured. */
  get controller(): string {
    return this.opts.controller;
  }

  /** How sending fails now; undefined while reports are accepted (or none was sent yet). */
  get failure(): DeliveryFailure | undefined {
    return this.failing;
  }

  /** performance.now() of the last accepted report. */
  get lastAccepted(): number | undefined {
    return this.acceptedMono;
  }

  get buffered(): { buffered: number; dropped: number } {
    return { buffered: this.buffer.size, dropped: this.buffer.dropped };
  }

  /** Sends what is buffered unless a send is in flight or (unless forced) backing off. Never rejects. */
  flush(force = false): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (
      this.buffer.size === 0 ||
      (!force && performance.now() < this.backoffUntil) ||
      this.abort.signal.aborted
    ) {
      this.refreshStats();
      return Promise.resolve();
    }
    this.inFlight = this.drain().finally(() => {
      this.inFlight = undefined;
      this.refreshStats();
    });
    return this.inFlight;
  }

  /** Aborts a send in flight (used on shutdown after the last flush had its chance). */
  close(): void {
    this.abort.abort();
  }

  private async post(body: string): Promise<HttpReply> {
    const headers = {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signReport(this.opts.key, body),
      [PROBER_HEADER]: this.opts.prober,
    };
    const signal = AbortSignal.any([
      this.abort.signal,
      AbortSignal.timeout(this.opts.requestTimeoutMs ?? 5000),
    ]);
    if (this.opts.tls)
      return this.opts.tls.request(new URL(this.url), { method: 'POST', headers, body, signal });
    const res = await fetch(this.url, { method: 'POST', body, headers, signal });
    return { status: res.status, text: await res.text().catch(() => '') };
  }

  private refreshStats(): void {
    this.stats.buffered = this.buffer.size;
    this.stats.dropped = this.buffer.dropped;
  }

  /** Counts one failed send into the current streak (starting one), and tells onDelivery at its start. */
  private failed(f: Omit<DeliveryFailure, 'since' | 'attempts'>): void {
    const first = this.failing === undefined;
    this.failing = {
      ...f,
      since: this.failing?.since ?? performance.now(),
      attempts: (this.failing?.attempts ?? 0) + 1,
    };
    if (first)
      this.opts.onDelivery?.({ kind: 'failing', controller: this.opts.controller, failure: this.failing });
  }

  private backOff(): void {
    this.consecutiveFailures++;
    const base = Math.min(
      this.opts.maxBackoffMs ?? 30_000,
      250 * 2 ** Math.min(this.consecutiveFailures - 1, 16),
    );
    this.backoffUntil = performance.now() + base * (0.5 + (this.opts.random ?? Math.random)() / 2);
  }

  private families(): Pick<ProbeReport, 'impairedFamilies'> {
    const f = this.opts.impairedFamilies?.() ?? [];
    return f.length > 0 ? { impairedFamilies: f } : {};
  }

  private async drain(): Promise<void> {
    while (this.buffer.size > 0 && !this.abort.signal.aborted) {
      const batch = this.buffer.take(this.failing?.kind === 'refused' ? PROBE_BATCH : MAX_RESULTS_PER_REPORT);
      const report: ProbeReport = {
        prober: this.opts.prober,
        seq: this.opts.nextSeq(),
        sentAt: Date.now(),
        impaired: this.opts.impaired(),
        ...this.families(),
        results: batch,
      };
      const body = JSON.stringify(report);
      let status: number;
      try {
        const res = await this.post(body);
        status = res.status;
        const text = res.text;
        if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
          this.stats.refused++;
          this.stats.lastError = `HTTP ${status} ${text.slice(0, 200)}`;
          const keep = keepRefused(status);
          // Put back first: the failure's first summary counts what is buffered.
          if (keep) this.buffer.putBack(batch);
          this.failed({ kind: 'refused', status, ...parseRefusal(text) });
          if (keep) {
            this.backOff();
            return;
          }
          continue;
        }
        if (status >= 300) {
          this.buffer.putBack(batch);
          this.stats.failures++;
          this.stats.lastError = `HTTP ${status} ${text.slice(0, 200)}`;
          this.failed({ kind: 'error', status, detail: parseRefusal(text).detail || `HTTP ${status}` });
          this.backOff();
          return;
        }
      } catch (err) {
        this.buffer.putBack(batch);
        this.stats.failures++;
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        // A TLS failure says what is wrong and what to do (untrusted CA, client certificate wanted).
        const msg =
          err instanceof GeofailoverError
            ? err.describe()
            : `${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
        this.stats.lastError = msg;
        this.failed({ kind: 'unreachable', detail: msg.replace(/\s*\n\s*/g, '; ').slice(0, 300) });
        this.backOff();
        return;
      }
      const ended = this.failing;
      this.consecutiveFailures = 0;
      this.failing = undefined;
      this.acceptedMono = performance.now();
      this.stats.lastAcceptedAt = new Date().toISOString();
      this.stats.reportsSent++;
      this.stats.resultsSent += batch.length;
      if (ended)
        this.opts.onDelivery?.({ kind: 'recovered', controller: this.opts.controller, failure: ended });
    }
  }
}
