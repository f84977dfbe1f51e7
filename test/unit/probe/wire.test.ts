// Report signing: HMAC-SHA256 over `t + "." + body`, a 30 s window, constant-time comparison; and
// the report body's shape.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_FAILED_CHECKS, probeReportSchema, signReport, verifyReport } from '../../../src/probe/index.ts';

describe('report signatures', () => {
  const body = Buffer.from('{"prober":"a"}');
  const now = 1_700_000_000_000;
  const t = now / 1000;

  it('signs as the wire protocol says and verifies', () => {
    const header = signReport('k', body, t);
    const hex = createHmac('sha256', 'k').update(`${t}.${body}`).digest('hex');
    expect(header).toBe(`t=${t},v1=${hex}`);
    expect(verifyReport(header, body, 'k', now)).toEqual({ ok: true, t });
  });

  it('rejects missing, malformed, wrong-key, tampered and out-of-window signatures', () => {
    const header = signReport('k', body, t);
    expect(verifyReport(undefined, body, 'k', now)).toMatchObject({ ok: false, reason: 'unsigned' });
    expect(verifyReport('t=abc,v1=zz', body, 'k', now)).toMatchObject({ ok: false, reason: 'unsigned' });
    expect(verifyReport(header, body, 'other', now)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verifyReport(header, Buffer.from('{"prober":"b"}'), 'k', now)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyReport(header, body, 'k', now + 31_000)).toMatchObject({
      ok: false,
      reason: 'stale-timestamp',
      offsetMs: -31_000,
      detail: expect.stringContaining('is 31 s behind the controller'),
    });
    expect(verifyReport(header, body, 'k', now - 31_000)).toMatchObject({
      ok: false,
      reason: 'stale-timestamp',
    });
    expect(verifyReport(header, body, 'k', now + 29_000)).toMatchObject({ ok: true });
  });

  it('accepts any of several v1 signatures (key rotation)', () => {
    const good = signReport('k', body, t).split(',v1=')[1];
    expect(verifyReport(`t=${t},v1=${'0'.repeat(64)},v1=${good}`, body, 'k', now)).toMatchObject({
      ok: true,
    });
  });

  it('validates report bodies', () => {
    const ok = { prober: 'a', seq: 1, sentAt: 1, results: [] };
    expect(probeReportSchema.safeParse(ok).success).toBe(true);
    expect(probeReportSchema.parse(ok).impaired).toBe(false);
    expect(probeReportSchema.safeParse({ ...ok, seq: -1 }).success).toBe(false);
    expect(probeReportSchema.safeParse({ ...ok, results: [{ endpoint: 'e' }] }).success).toBe(false);
  });

  it('carries the failing sub-checks of an endpoint with several checks, bounded, and results without them', () => {
    const result = { endpoint: 'e', prober: 'a', ok: false, latencyMs: 1, detail: 'x', at: 1 };
    const report = (results: unknown[]) => ({ prober: 'a', seq: 1, sentAt: 1, results });
    expect(probeReportSchema.safeParse(report([result])).success).toBe(true);
    const failed = [{ check: 'grpc payments', detail: 'NOT_SERVING' }];
    expect(probeReportSchema.parse(report([{ ...result, failed }])).results[0]!.failed).toEqual(failed);
    const many = Array.from({ length: MAX_FAILED_CHECKS + 1 }, (_, i) => ({ check: `c${i}`, detail: 'x' }));
    expect(probeReportSchema.safeParse(report([{ ...result, failed: many }])).success).toBe(false);
    expect(
      probeReportSchema.safeParse(report([{ ...result, failed: [{ check: 'c', detail: 'd'.repeat(501) }] }]))
        .success,
    ).toBe(false);
  });
});
