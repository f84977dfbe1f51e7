// Several checks on one endpoint: all, any and atLeast N; a critical sub-check's failure alone fails
// the endpoint; the one result names the failing sub-checks (in its detail and in `failed`, bounded to
// what the wire accepts); sub-checks run at once and are named once each; a config with several
// checks compiles to one composite and the single `check` keeps working.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/index.ts';
import {
  type CheckOutcome,
  type Combine,
  combineOutcomes,
  compositeCheck,
  MAX_CHECKS,
  partNames,
  type RunnableCheck,
} from '../../../src/probe/checks/index.ts';
import { compileAgentChecks, MAX_FAILED_CHECKS, probeResultSchema } from '../../../src/probe/index.ts';

const up = (detail = 'SERVING', latencyMs = 5): CheckOutcome => ({ ok: true, detail, latencyMs });
const down = (detail: string, latencyMs = 5): CheckOutcome => ({ ok: false, detail, latencyMs });
const part = (name: string, outcome: CheckOutcome, critical = false) => ({ name, critical, outcome });

describe('combining sub-check outcomes', () => {
  const grpcDown = part('grpc payments', down('NOT_SERVING'));
  const httpUp = part('http /healthz', up('status 200'));
  const tlsUp = part('tls api.example.com', up('30.0 days left'));

  it('all: one failure fails, naming it first, then the passing ones', () => {
    const out = combineOutcomes([httpUp, grpcDown], 'all');
    expect(out.ok).toBe(false);
    expect(out.detail).toBe(
      '1 of 2 checks failed (all must pass): grpc payments: NOT_SERVING; http /healthz ok',
    );
    expect(out.failed).toEqual([{ check: 'grpc payments', detail: 'NOT_SERVING' }]);
    const all = combineOutcomes([httpUp, tlsUp], 'all');
    expect(all).toMatchObject({
      ok: true,
      detail: '2 of 2 checks passed (all must pass): http /healthz ok; tls api.example.com ok',
    });
    expect(all.failed).toBeUndefined();
  });

  it('any and atLeast: enough passes keep it up, and the failing one is still named', () => {
    const any = combineOutcomes([grpcDown, httpUp], 'any');
    expect(any.ok).toBe(true);
    expect(any.detail).toBe(
      '1 of 2 checks passed (any one must pass): grpc payments: NOT_SERVING; http /healthz ok',
    );
    expect(any.failed).toEqual([{ check: 'grpc payments', detail: 'NOT_SERVING' }]);
    const rule: Combine = { atLeast: 2 };
    expect(combineOutcomes([grpcDown, httpUp, tlsUp], rule).ok).toBe(true);
    const two = combineOutcomes([grpcDown, httpUp, part('tls x', down('expired'))], rule);
    expect(two.ok).toBe(false);
    expect(two.detail).toBe(
      '2 of 3 checks failed (at least 2 must pass): grpc payments: NOT_SERVING; tls x: expired; http /healthz ok',
    );
    expect(combineOutcomes([grpcDown, part('b', down('x'))], 'any').ok).toBe(false);
  });

  it('a critical sub-check failing fails the endpoint whatever the rule says', () => {
    const out = combineOutcomes([part('grpc payments', down('NOT_SERVING'), true), httpUp, tlsUp], 'any');
    expect(out.ok).toBe(false);
    expect(out.detail).toBe(
      'critical check grpc payments failed: grpc payments: NOT_SERVING; http /healthz ok; tls api.example.com ok',
    );
    // Passing, the critical one is one vote among the others.
    expect(combineOutcomes([part('c', up(), true), grpcDown], 'all').ok).toBe(false);
    expect(combineOutcomes([part('c', up(), true), grpcDown], 'any').ok).toBe(true);
  });

  it('takes the slowest latency and the soonest certificate expiry', () => {
    const out = combineOutcomes(
      [
        part('a', { ...up(), latencyMs: 12, certDaysLeft: 40 }),
        part('b', { ...up(), latencyMs: 80, certDaysLeft: 9.5 }),
        part('c', up('x', 3)),
      ],
      'all',
    );
    expect(out.latencyMs).toBe(80);
    expect(out.certDaysLeft).toBe(9.5);
  });

  it('bounds the detail and the failed list to what the wire accepts', () => {
    const parts = Array.from({ length: MAX_CHECKS }, (_, i) =>
      part(`check-${i}-${'n'.repeat(80)}`, down(`reason ${'r'.repeat(1000)}`)),
    );
    const out = combineOutcomes(parts, 'all');
    expect(out.detail.length).toBeLessThanOrEqual(1000);
    expect(out.failed).toHaveLength(MAX_CHECKS);
    expect(MAX_CHECKS).toBeLessThanOrEqual(MAX_FAILED_CHECKS);
    const result = { endpoint: 'e', prober: 'p', at: 1, ...out };
    expect(probeResultSchema.safeParse(result).success).toBe(true);
  });
});

describe('composite check', () => {
  const fake = (label: string, outcome: CheckOutcome, delayMs = 0, closed?: string[]): RunnableCheck => ({
    description: `${label} (full)`,
    label,
    timeoutMs: 100 + delayMs,
    run: () => new Promise((r) => setTimeout(() => r(outcome), delayMs)),
    close: () => closed?.push(label),
  });

  it('runs the sub-checks at once and combines them', async () => {
    const closed: string[] = [];
    const c = compositeCheck(
      [
        { critical: false, check: fake('http /healthz', up('status 200'), 150, closed) },
        { name: 'payments', critical: true, check: fake('grpc payments', down('NOT_SERVING'), 150, closed) },
      ],
      'all',
    );
    expect(c.timeoutMs).toBe(250);
    expect(c.description).toBe(
      '2 checks (all, payments critical): http /healthz (full), grpc payments (full)',
    );
    const t0 = performance.now();
    const out = await c.run();
    expect(performance.now() - t0).toBeLessThan(290); // together, not one after the other
    expect(out).toMatchObject({ ok: false, failed: [{ check: 'payments', detail: 'NOT_SERVING' }] });
    expect(out.detail).toMatch(/^critical check payments failed: payments: NOT_SERVING; http \/healthz ok$/);
    c.close?.();
    expect(closed.sort()).toEqual(['grpc payments', 'http /healthz']);
  });

  it('names each sub-check once: its name, else its label, a repeated label numbered', () => {
    const parts = [
      { critical: false, check: fake('http /healthz', up()) },
      { critical: false, check: fake('http /healthz', up()) },
      { name: 'http /healthz #2', critical: false, check: fake('tcp 80', up()) },
      { critical: false, check: { ...fake('x', up()), label: undefined } },
    ];
    expect(partNames(parts)).toEqual(['http /healthz', 'http /healthz #3', 'http /healthz #2', 'x (full)']);
  });
});

describe('endpoint config with several checks', () => {
  const config = (endpoint: Record<string, unknown>) =>
    configSchema.parse({
      owner: 't',
      regions: [{ id: 'r1', endpoints: [{ id: 'e1', address: '127.0.0.1', ...endpoint }] }],
      probers: [{ id: 'a', keyEnv: 'KA' }],
      controllers: ['http://127.0.0.1:9'],
      providers: { m: { kind: 'memory' } },
    });

  it('compiles `checks` to one composite check, and `check` to itself', () => {
    const many = compileAgentChecks(
      config({
        checks: [
          { kind: 'grpc', port: 50051, service: 'payments', critical: true },
          { kind: 'http', url: 'http://127.0.0.1/healthz', expectHeaders: { 'x-served-by': '^eu-' } },
        ],
        combine: { atLeast: 1 },
      }),
      'a',
    );
    expect(many.endpoints[0]!.check.description).toBe(
      '2 checks (at least 1, grpc payments critical): grpc 127.0.0.1:50051 payments, http GET http://127.0.0.1/healthz',
    );
    const one = compileAgentChecks(config({ check: { kind: 'tcp', port: 22 } }), 'a');
    expect(one.endpoints[0]!.check.description).toBe('tcp 127.0.0.1:22');
  });

  it('names the sub-check that cannot be run, by its path', () => {
    expect(() =>
      compileAgentChecks(
        config({
          checks: [
            { kind: 'tcp', port: 22 },
            { kind: 'grpc', port: 50051, tls: true },
          ],
        }),
        'a',
      ),
    ).toThrow(
      /regions\[0\]\.endpoints\[0\]\.checks\[1\] \(e1\): a TLS grpc check of the address 127\.0\.0\.1 needs serverName/,
    );
  });
});
