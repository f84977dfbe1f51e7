// Sends results to one controller as signed reports (DESIGN.md "Wire protocol"), batched, one request
// in flight, retried with exponential backoff. While the controller is unreachable results wait in a
// bounded buffer (newest kept, drops counted) and the agent keeps probing.
import type { Logger } from '../log/index.ts';
import { GeofailoverError } from '../model/index.ts';
import type { HttpReply, HttpsClient } from '../tls/index.ts';
import { ResultBuffer } from './buffer.ts';
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
  logger?: Logger;
  requestTimeoutMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
}

export interface ReporterStats {
  controller: string;
  buffered: number;
  dropped: number;
  reportsSent: number;
  resultsSent: number;
  failures: number;
  /** Reports the controller refused with a 4xx (not retried: the same report would be refused again). */
  refused: number;
  lastError?: string;
}

export class Reporter {
  private readonly buffer: ResultBuffer<ProbeResult>;
  private readonly url: string;
  private inFlight: Promise<void> | undefined;
  private backoffUntil = 0;
  private consecutiveFailures = 0;
  private loggedError: string | undefined;
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

  private async drain(): Promise<void> {
    while (this.buffer.size > 0 && !this.abort.signal.aborted) {
      const batch = this.buffer.take(MAX_RESULTS_PER_REPORT);
      const report: ProbeReport = {
        prober: this.opts.prober,
        seq: this.opts.nextSeq(),
        sentAt: Date.now(),
        impaired: this.opts.impaired(),
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
          this.opts.logger?.error(
            { controller: this.opts.controller, status, response: text.slice(0, 200) },
            'controller refused a report; dropping it (the response says why: prober key, clock, client certificate)',
          );
          continue;
        }
        if (status >= 300) throw new Error(`HTTP ${status}`);
      } catch (err) {
        this.buffer.putBack(batch);
        this.stats.failures++;
        this.consecutiveFailures++;
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        // A TLS failure says what is wrong and what to do (untrusted CA, client certificate wanted).
        const msg =
          err instanceof GeofailoverError
            ? err.describe()
            : `${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
        this.stats.lastError = msg;
        const base = Math.min(
          this.opts.maxBackoffMs ?? 30_000,
          250 * 2 ** Math.min(this.consecutiveFailures - 1, 16),
        );
        this.backoffUntil = performance.now() + base * (0.5 + (this.opts.random ?? Math.random)() / 2);
        // Once per outage, and again when the reason changes (refused → TLS untrusted → ...).
        if (this.consecutiveFailures === 1 || msg !== this.loggedError) {
          this.loggedError = msg;
          this.opts.logger?.warn(
            { controller: this.opts.controller, err: msg },
            'controller unreachable; buffering results and retrying with backoff',
          );
        }
        return;
      }
      if (this.consecutiveFailures > 0) {
        this.opts.logger?.info(
          { controller: this.opts.controller, after: this.consecutiveFailures },
          'controller reachable again; delivering buffered results',
        );
      }
      this.consecutiveFailures = 0;
      this.loggedError = undefined;
      this.stats.reportsSent++;
      this.stats.resultsSent += batch.length;
    }
  }
}
