// The wire protocol between probe agents and controllers: the report
// shape, its zod schema, and HMAC-SHA256 signing/verification of `t + "." + body`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AddressFamily } from '../model/index.ts';

/** One check's outcome, as the health model defines it. */
export interface ProbeResult {
  endpoint: string;
  /** The address family probed, for a dual-stack endpoint (its check runs once per family). */
  family?: AddressFamily;
  prober: string;
  ok: boolean;
  latencyMs: number;
  /** Short human-readable reason ("status 500", "timeout after 2000ms", "ok"). */
  detail: string;
  /** When the check finished, epoch ms on the agent's clock. */
  at: number;
  /** HTTP status, when an HTTP response arrived. */
  status?: number;
  /** Days until the TLS certificate expires (https and tls checks; the soonest of several). */
  certDaysLeft?: number;
  /** An endpoint with several checks: the ones that failed, by name (at most 16, details cut to 200
   *  characters). Older agents never send it; older controllers drop it and keep `detail`. */
  failed?: { check: string; detail: string }[];
}

/** A batch of results, the body of `POST /v1/reports`. */
export interface ProbeReport {
  prober: string;
  /** Strictly increasing per prober; agents start at Date.now() so a restarted agent still increases. */
  seq: number;
  /** Agent clock when the report was built (epoch ms); lets the controller age results despite skew. */
  sentAt: number;
  /** True when the prober's own canaries failed: its DOWN votes are not counted. */
  impaired: boolean;
  /**
   * Address families on which this prober's own path looks broken (every check of that family, in
   * two regions or more, fails): its DOWN votes on them are not counted. Absent: none.
   */
  impairedFamilies?: AddressFamily[];
  results: ProbeResult[];
}

export const SIGNATURE_HEADER = 'x-geofailover-signature';
/** Optional header naming the prober, so the controller can verify before it parses the body. */
export const PROBER_HEADER = 'x-geofailover-prober';
/** Reports whose signature timestamp is further than this from the controller's clock are refused. */
export const SIGNATURE_WINDOW_MS = 30_000;
export const MAX_REPORT_BYTES = 1024 * 1024;
/** Results per report an agent sends at most (keeps a body well under MAX_REPORT_BYTES). */
export const MAX_RESULTS_PER_REPORT = 2000;
/** Sub-checks a result may name as failed (an endpoint has at most this many checks). */
export const MAX_FAILED_CHECKS = 16;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const probeResultSchema = z.object({
  endpoint: z.string().min(1).max(128),
  family: z.enum(['ipv4', 'ipv6']).optional(),
  prober: z.string().min(1).max(128),
  ok: z.boolean(),
  latencyMs: finite.min(0),
  detail: z.string().max(2000),
  at: finite.min(0),
  status: z.number().int().min(0).max(999).optional(),
  certDaysLeft: finite.optional(),
  failed: z
    .array(z.object({ check: z.string().min(1).max(128), detail: z.string().max(500) }))
    .max(MAX_FAILED_CHECKS)
    .optional(),
});

export const probeReportSchema = z.object({
  prober: z.string().min(1).max(128),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  sentAt: finite.min(0),
  impaired: z.boolean().default(false),
  impairedFamilies: z
    .array(z.enum(['ipv4', 'ipv6']))
    .max(2)
    .optional(),
  results: z.array(probeResultSchema).max(MAX_RESULTS_PER_REPORT * 10),
});

/** The signature header value for `body` signed with `key` at unix time `t` (seconds). */
export function signReport(key: string, body: string | Buffer, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${createHmac('sha256', key).update(`${t}.`).update(body).digest('hex')}`;
}

export type SignatureCheck =
  | { ok: true; t: number }
  | {
      ok: false;
      reason: 'unsigned' | 'bad-signature' | 'stale-timestamp';
      detail: string;
      /** stale-timestamp: the signer's clock minus ours (ms), so the refusal can say how far off it is. */
      offsetMs?: number;
    };

/**
 * Verifies a signature header against the raw body. Constant-time comparison; every `v1=` entry is
 * tried so a key rotation can send two signatures.
 */
export function verifyReport(
  header: string | undefined,
  body: Buffer,
  key: string,
  nowMs: number,
  windowMs = SIGNATURE_WINDOW_MS,
): SignatureCheck {
  if (header === undefined || header === '') {
    return { ok: false, reason: 'unsigned', detail: `missing ${SIGNATURE_HEADER} header` };
  }
  let t: number | undefined;
  const sigs: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/i.test(v)) sigs.push(v);
  }
  if (t === undefined || sigs.length === 0) {
    return { ok: false, reason: 'unsigned', detail: 'signature header needs t=<unix seconds>,v1=<64 hex>' };
  }
  const offsetMs = t * 1000 - nowMs;
  if (Math.abs(offsetMs) > windowMs) {
    const s = Math.round(Math.abs(offsetMs) / 1000);
    return {
      ok: false,
      reason: 'stale-timestamp',
      detail: `signature time ${t} is ${s} s ${offsetMs > 0 ? 'ahead of' : 'behind'} the controller's clock (window ${windowMs / 1000} s); check NTP on the agent`,
      offsetMs,
    };
  }
  const expected = createHmac('sha256', key).update(`${t}.`).update(body).digest();
  for (const s of sigs) {
    if (timingSafeEqual(expected, Buffer.from(s, 'hex'))) return { ok: true, t };
  }
  return { ok: false, reason: 'bad-signature', detail: 'signature does not match the body and prober key' };
}
