// POST /v1/reports: the controller's intake of probe reports. Verifies the
// HMAC signature (constant time) within a 30 s window, refuses unknown probers, replayed or old seq,
// bodies over 1 MiB, malformed JSON and invalid shapes, each with a 4xx, a JSON reason and a count.
// A rejected report never reaches the engine; nothing here throws out of the handler.
//
// Sequence numbers: per prober the highest accepted seq is kept and a report must carry a larger one.
// Agents start seq at Date.now() (ms) and count up, so a restarted agent still increases without the
// controller persisting anything; a restarted controller accepts the next report of each prober.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config/index.ts';
import type { HealthEngine, HealthEvent } from '../health/index.ts';
import {
  MAX_REPORT_BYTES,
  PROBER_HEADER,
  type ProbeReport,
  probeReportSchema,
  SIGNATURE_HEADER,
  verifyReport,
} from '../probe/index.ts';

export const REJECT_REASONS = [
  'method',
  'too-large',
  'unsigned',
  'unknown-prober',
  'bad-signature',
  'stale-timestamp',
  'malformed-json',
  'invalid-body',
  'prober-mismatch',
  'replay',
  'clock-skew',
  'body-error',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

const STATUS: Record<RejectReason, number> = {
  method: 405,
  'too-large': 413,
  unsigned: 401,
  'unknown-prober': 403,
  'bad-signature': 401,
  'stale-timestamp': 401,
  'malformed-json': 400,
  'invalid-body': 422,
  'prober-mismatch': 400,
  replay: 409,
  'clock-skew': 400,
  'body-error': 400,
};

/** A result is measured before its report is sent; this much later is rounding, more is a bad clock. */
const RESULT_SLACK_MS = 1000;

/** How far a seq may run ahead of the clock (an agent sending 100 reports/s for a day stays below). */
const SEQ_AHEAD_MS = 7 * 86_400_000;

/** Beyond this many bytes the connection is cut instead of drained to answer 413 politely. */
const HARD_CAP_BYTES = 16 * 1024 * 1024;

export interface ReportHandlerOptions {
  config: Config;
  /** Prober id → HMAC key (src/config proberKeys()). */
  keys: ReadonlyMap<string, string>;
  engine: HealthEngine;
  /** Transitions caused by an accepted report (the controller reconciles, records, notifies). */
  onEvents?: (events: HealthEvent[], report: ProbeReport) => void;
  /**
   * Every rejection, e.g. to count it in geofailover_report_rejected_total{reason,prober}. `prober` is
   * the configured prober the report claims to come from (unverified: a bad signature names whom it
   * failed for); a name that is not configured comes as `extra.claimed` instead.
   */
  onReject?: (reason: RejectReason, prober: string | undefined, detail: string, extra: RejectExtra) => void;
  onAccept?: (report: ProbeReport) => void;
  now?: () => number;
  maxBytes?: number;
}

/** What a rejection knows beyond its reason. */
export interface RejectExtra {
  /** The sender's clock minus the controller's, in whole seconds (stale-timestamp, clock-skew). */
  offsetSeconds?: number;
  /** A prober name the request gave that is not configured (unknown-prober), cut to 64 characters. */
  claimed?: string;
}

export type ReportOutcome =
  | { status: 200; accepted: true; report: ProbeReport; events: HealthEvent[] }
  | ({
      status: number;
      accepted: false;
      reason: RejectReason;
      detail: string;
      prober?: string;
    } & RejectExtra);

export interface ReportHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Accepted reports and rejections by reason since start (a plain object: cheap to read and to export). */
  readonly counts: Record<RejectReason | 'accepted', number>;
  /** The decision for a fully read body, without HTTP (benchmarks, other transports). */
  process(headers: IncomingHttpHeaders, body: Buffer, now?: number): ReportOutcome;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function createReportHandler(opts: ReportHandlerOptions): ReportHandler {
  const now = opts.now ?? Date.now;
  const maxBytes = opts.maxBytes ?? MAX_REPORT_BYTES;
  const configured = new Set(opts.config.probers.map((p) => p.id));
  const highestSeq = new Map<string, number>();
  const counts = Object.fromEntries([...REJECT_REASONS, 'accepted'].map((r) => [r, 0])) as Record<
    RejectReason | 'accepted',
    number
  >;

  const reject = (
    reason: RejectReason,
    detail: string,
    prober?: string,
    extra: RejectExtra = {},
  ): ReportOutcome => {
    counts[reason]++;
    try {
      opts.onReject?.(reason, prober, detail, extra);
    } catch {
      // a metrics hook must not turn a rejection into a crash
    }
    return { status: STATUS[reason], accepted: false, reason, detail, prober, ...extra };
  };

  /** A prober header naming a configured prober (unverified), for attributing early rejections. */
  const claimedProber = (headers: IncomingHttpHeaders): string | undefined => {
    const named = header(headers, PROBER_HEADER);
    return named !== undefined && configured.has(named) ? named : undefined;
  };
  const seconds = (ms: number) => Math.round(ms / 1000);

  const keyFor = (prober: string): string | undefined =>
    configured.has(prober) ? opts.keys.get(prober) : undefined;

  const process = (headers: IncomingHttpHeaders, body: Buffer, at: number = now()): ReportOutcome => {
    if (body.length > maxBytes)
      return reject(
        'too-large',
        `body is ${body.length} bytes; the limit is ${maxBytes}`,
        claimedProber(headers),
      );
    const signature = header(headers, SIGNATURE_HEADER);
    if (!signature) return reject('unsigned', `missing ${SIGNATURE_HEADER} header`, claimedProber(headers));
    const named = header(headers, PROBER_HEADER);
    let parsed: unknown;
    let prober: string;
    // With the prober header the signature is checked before any JSON is parsed.
    if (named !== undefined) {
      const key = keyFor(named);
      if (key === undefined)
        return reject('unknown-prober', `prober "${named.slice(0, 64)}" is not configured`, undefined, {
          claimed: named.slice(0, 64),
        });
      const sig = verifyReport(signature, body, key, at);
      if (!sig.ok)
        return reject(
          sig.reason,
          sig.detail,
          named,
          sig.offsetMs === undefined ? {} : { offsetSeconds: seconds(sig.offsetMs) },
        );
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch (err) {
        return reject('malformed-json', `body is not JSON: ${(err as Error).message.slice(0, 120)}`, named);
      }
      prober = named;
    } else {
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch (err) {
        return reject('malformed-json', `body is not JSON: ${(err as Error).message.slice(0, 120)}`);
      }
      const p = (parsed as { prober?: unknown } | null)?.prober;
      if (typeof p !== 'string') return reject('invalid-body', 'body has no "prober" string');
      const key = keyFor(p);
      if (key === undefined)
        return reject('unknown-prober', `prober "${p.slice(0, 64)}" is not configured`, undefined, {
          claimed: p.slice(0, 64),
        });
      const sig = verifyReport(signature, body, key, at);
      if (!sig.ok)
        return reject(
          sig.reason,
          sig.detail,
          p,
          sig.offsetMs === undefined ? {} : { offsetSeconds: seconds(sig.offsetMs) },
        );
      prober = p;
    }
    const checked = probeReportSchema.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      return reject('invalid-body', `${issue.path.join('.') || '(body)'}: ${issue.message}`, prober);
    }
    const report = checked.data;
    if (report.prober !== prober) {
      return reject(
        'prober-mismatch',
        `header names prober "${prober}" but the body "${report.prober}"`,
        prober,
      );
    }
    for (const r of report.results) {
      if (r.prober !== prober) {
        return reject(
          'prober-mismatch',
          `a result names prober "${r.prober}" in a report of "${prober}"`,
          prober,
        );
      }
    }
    // Clocks: a report sent too far from our now (either way), or holding a result measured after the
    // report was sent, is refused. Accepted, a result from the future would count as fresh for as long
    // as it is ahead, and lock out the prober's real results (older timestamps are skipped as out of
    // order) until its clock caught up.
    const skewMs = report.sentAt - at;
    if (Math.abs(skewMs) > opts.config.health.maxClockSkew) {
      return reject(
        'clock-skew',
        `report sentAt is ${Math.abs(seconds(skewMs))} s ${skewMs > 0 ? 'ahead of' : 'behind'} the controller's clock (health.maxClockSkew ${opts.config.health.maxClockSkew / 1000} s): fix the prober's clock (NTP)`,
        prober,
        { offsetSeconds: seconds(skewMs) },
      );
    }
    const ahead = report.results.find((r) => r.at > report.sentAt + RESULT_SLACK_MS);
    if (ahead) {
      return reject(
        'clock-skew',
        `result for ${ahead.endpoint.slice(0, 64)} is timestamped ${Math.round((ahead.at - report.sentAt) / 1000)} s after the report was sent: fix the prober's clock (NTP)`,
        prober,
      );
    }
    // Agents number reports from their clock (ms), so a seq far ahead of ours is a bad clock too, and
    // accepted it would refuse every later report of that prober as a replay until a restart.
    if (report.seq > at + SEQ_AHEAD_MS) {
      return reject(
        'clock-skew',
        `seq ${report.seq} is ahead of the controller's clock (${at} ms): agents number reports from their clock; fix the prober's clock (NTP)`,
        prober,
      );
    }
    const last = highestSeq.get(prober);
    if (last !== undefined && report.seq <= last) {
      return reject('replay', `seq ${report.seq} is not above the last accepted ${last}`, prober);
    }
    highestSeq.set(prober, report.seq);
    counts.accepted++;
    const events = opts.engine.ingest(report, at);
    opts.onAccept?.(report);
    if (events.length > 0) opts.onEvents?.(events, report);
    return { status: 200, accepted: true, report, events };
  };

  const send = (res: ServerResponse, status: number, payload: unknown, close = false) => {
    if (res.headersSent) return;
    const text = JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...(close ? { connection: 'close' } : {}),
    });
    res.end(text);
  };

  const answer = (res: ServerResponse, outcome: ReportOutcome) => {
    if (outcome.accepted) {
      send(res, 200, { ok: true, seq: outcome.report.seq, results: outcome.report.results.length });
    } else {
      // offsetSeconds lets an agent say how far off its clock is without parsing the detail.
      send(
        res,
        outcome.status,
        {
          error: outcome.reason,
          detail: outcome.detail,
          ...(outcome.offsetSeconds === undefined ? {} : { offsetSeconds: outcome.offsetSeconds }),
        },
        outcome.status === 413,
      );
    }
  };

  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    try {
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        answer(res, reject('method', `${req.method} is not allowed; POST a signed report`));
        req.resume();
        return;
      }
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > HARD_CAP_BYTES) {
        answer(
          res,
          reject(
            'too-large',
            `declared ${declared} bytes; the limit is ${maxBytes}`,
            claimedProber(req.headers),
          ),
        );
        res.on('finish', () => req.destroy());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      req.on('data', (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        // Past the limit nothing more is kept; the rest is drained so the client can read the 413.
        if (size <= maxBytes) chunks.push(chunk);
        else chunks.length = 0;
        if (size > HARD_CAP_BYTES) {
          done = true;
          answer(
            res,
            reject(
              'too-large',
              `body exceeds ${HARD_CAP_BYTES} bytes; the limit is ${maxBytes}`,
              claimedProber(req.headers),
            ),
          );
          res.on('finish', () => req.destroy());
        }
      });
      req.on('error', () => {
        if (done) return;
        done = true;
        counts['body-error']++;
      });
      req.on('end', () => {
        if (done) return;
        done = true;
        try {
          if (size > maxBytes) {
            answer(
              res,
              reject(
                'too-large',
                `body is ${size} bytes; the limit is ${maxBytes}`,
                claimedProber(req.headers),
              ),
            );
            return;
          }
          answer(res, process(req.headers, Buffer.concat(chunks, size)));
        } catch (err) {
          send(res, 500, { error: 'internal', detail: (err as Error).message.slice(0, 200) });
        }
      });
    } catch (err) {
      send(res, 500, { error: 'internal', detail: (err as Error).message.slice(0, 200) });
    }
  }) as ReportHandler;
  Object.defineProperty(handler, 'counts', { value: counts });
  Object.defineProperty(handler, 'process', { value: process });
  return handler;
}
