// POST /v1/reports over a real node:http server on 127.0.0.1: every rejection is a 4xx with a JSON
// reason and a count; then a fuzz of 5,000+ malformed, truncated, oversized, unsigned, wrongly signed
// and replayed bodies: all answered 4xx, the engine unchanged, the server alive.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReportHandler } from '../../../src/api/index.ts';
import { configSchema } from '../../../src/config/index.ts';
import { HealthEngine } from '../../../src/health/index.ts';
import { type ProbeReport, signReport } from '../../../src/probe/index.ts';
import { HostileTally } from '../../helpers/hostile.ts';

const NOW = 1_800_000_000_000;
const T = NOW / 1000;
const keys = new Map([
  ['a', 'key-a'],
  ['b', 'key-b'],
  ['c', 'key-c'],
]);
const config = configSchema.parse({
  owner: 't',
  regions: [
    { id: 'r1', endpoints: [{ id: 'e1', address: '192.0.2.1', check: { kind: 'tcp', port: 80 } }] },
    { id: 'r2', endpoints: [{ id: 'e2', address: '192.0.2.2', check: { kind: 'tcp', port: 80 } }] },
  ],
  probers: [...keys.keys()].map((id) => ({ id, keyEnv: `K_${id}` })),
  providers: { m: { kind: 'memory' } },
});

const hostile = new HostileTally('report-intake');
let seq = 100;
function report(prober = 'a', ok = false, over: Partial<ProbeReport> = {}): ProbeReport {
  const n = seq++;
  // each report's result is newer than the last (the engine skips duplicates by agent time)
  const at = NOW - 10_000 + n;
  return {
    prober,
    seq: n,
    sentAt: at,
    impaired: false,
    results: [{ endpoint: 'e1', prober, ok, latencyMs: 3, detail: ok ? 'ok' : 'status 500', at }],
    ...over,
  };
}

interface Sent {
  status: number;
  body: { error?: string; ok?: boolean; offsetSeconds?: number };
}

describe('POST /v1/reports', () => {
  const engine = new HealthEngine(config, { now: () => NOW });
  const rejected: string[] = [];
  const handler = createReportHandler({
    config,
    keys,
    engine,
    now: () => NOW,
    onReject: (r) => rejected.push(r),
  });
  const server = http.createServer(handler);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let port = 0;

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    hostile.record();
    agent.destroy();
    server.closeAllConnections();
    server.close();
  });

  function post(body: string | Buffer, headers: Record<string, string> = {}, method = 'POST'): Promise<Sent> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/reports',
          method,
          agent,
          headers: { 'content-type': 'application/json', ...headers },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode!, body: JSON.parse(text) });
            } catch {
              reject(new Error(`non-JSON answer ${res.statusCode}: ${text.slice(0, 100)}`));
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const signed = (r: unknown, key = keys.get((r as ProbeReport).prober) ?? 'x', t = T, prober?: string) => {
    const body = typeof r === 'string' ? r : JSON.stringify(r);
    const headers: Record<string, string> = { 'x-geofailover-signature': signReport(key, body, t) };
    if (prober) headers['x-geofailover-prober'] = prober;
    return { body, headers };
  };

  it('accepts a signed report (with or without the prober header) and feeds the engine', async () => {
    const one = signed(report('a'));
    expect(await post(one.body, one.headers)).toEqual({
      status: 200,
      body: { ok: true, seq: seq - 1, results: 1 },
    });
    const two = signed(report('b'), undefined, T, 'b');
    expect((await post(two.body, two.headers)).status).toBe(200);
    expect(handler.counts.accepted).toBe(2);
    const snap = engine.snapshot();
    expect(snap.probers.filter((p) => p.lastReportAt === NOW).map((p) => p.id)).toEqual(['a', 'b']);
  });

  const send = (s: { body: string; headers: Record<string, string> }) => post(s.body, s.headers);

  it('answers each kind of bad request with its 4xx and reason', async () => {
    const cases: [string, Promise<Sent>, number][] = [];
    const add = (reason: string, p: Promise<Sent>, status: number) => cases.push([reason, p, status]);
    const good = report('a');
    add('unsigned', post(JSON.stringify(good)), 401);
    add('bad-signature', send(signed(good, 'wrong')), 401);
    add('stale-timestamp', send(signed(report('a'), 'key-a', T - 31)), 401);
    add('unknown-prober', send(signed(report('zz'), 'k')), 403);
    add('unknown-prober', send(signed(report('a'), 'k', T, 'zz')), 403);
    add('prober-mismatch', send(signed(report('a'), 'key-b', T, 'b')), 400);
    add('malformed-json', send(signed('{"prober":', 'key-a', T, 'a')), 400);
    add('invalid-body', send(signed({ prober: 'a', seq: 'x' })), 422);
    const mixed = report('a');
    mixed.results[0]!.prober = 'b';
    add('prober-mismatch', send(signed(mixed)), 400);
    add('method', post('', {}, 'GET'), 405);
    const huge = JSON.stringify({ ...report('a'), pad: 'x'.repeat(1024 * 1024) });
    add('too-large', send(signed(huge, 'key-a')), 413);
    for (const [reason, p, status] of cases) {
      const res = await p;
      expect(res.status, reason).toBe(status);
      expect(res.body.error, reason).toBe(reason);
      // A refusal for the clock says how far off it is, so the agent can print it.
      if (reason === 'stale-timestamp') expect(res.body).toMatchObject({ offsetSeconds: -31 });
    }
  });

  it('rejects a replayed and an old seq', async () => {
    const r = report('c');
    const s = signed(r);
    expect((await post(s.body, s.headers)).status).toBe(200);
    expect(await post(s.body, s.headers)).toMatchObject({ status: 409, body: { error: 'replay' } });
    const older = signed({ ...report('c'), seq: r.seq - 5 });
    expect(await post(older.body, older.headers)).toMatchObject({ status: 409, body: { error: 'replay' } });
  });

  it('refuses reports, results and seqs outside the clock-skew window, and does not lock the prober out', async () => {
    const YEAR = 365 * 86_400_000;
    const before = rejected.length;
    const cases = [
      report('b', false, { sentAt: NOW + YEAR }),
      report('b', false, { sentAt: NOW - YEAR }),
      report('b', false, { sentAt: NOW + 31_000 }),
      {
        ...report('b', false),
        results: [{ endpoint: 'e1', prober: 'b', ok: false, latencyMs: 1, detail: 'x', at: NOW + YEAR }],
      },
      { ...report('b', false), seq: NOW + YEAR },
    ];
    for (const r of cases) {
      const s = signed(r);
      const res = await post(s.body, s.headers);
      hostile.add(res.status === 400 && res.body.error === 'clock-skew');
      expect(res).toMatchObject({ status: 400, body: { error: 'clock-skew' } });
    }
    expect(rejected.slice(before)).toEqual(cases.map(() => 'clock-skew'));
    // Within the window both ways is fine, and the prober's real results still count.
    const fine = report('b', true, { sentAt: NOW + 20_000 });
    const ok = signed({ ...fine, results: [{ ...fine.results[0]!, at: NOW + 10_000 }] });
    expect((await post(ok.body, ok.headers)).status).toBe(200);
    const vote = engine
      .snapshot(NOW)
      .endpoints.find((e) => e.id === 'e1')!
      .votes.find((v) => v.prober === 'b');
    expect(vote?.detail).toBe('ok');
  });

  it('fuzz: 5,000+ bad bodies are all 4xx, change nothing, and the server stays up', async () => {
    const before = JSON.stringify(engine.snapshot(NOW));
    const countsBefore = { ...handler.counts };
    const replayable = signed(report('a', true));
    expect((await post(replayable.body, replayable.headers)).status).toBe(200);
    const afterAccepted = JSON.stringify(engine.snapshot(NOW));
    const valid = JSON.stringify(report('a', true));

    const bodies: { body: string | Buffer; headers: Record<string, string> }[] = [];
    const rnd = fc.sample(fc.anything(), { numRuns: 1200, seed: 42 });
    for (const v of rnd) {
      let text: string;
      try {
        text = JSON.stringify(v) ?? 'undefined';
      } catch {
        text = String(v);
      }
      // validly signed garbage, for every prober: must die in JSON or schema validation
      const p = ['a', 'b', 'c'][bodies.length % 3]!;
      bodies.push(signed(text, keys.get(p)!, T, p));
      bodies.push({ body: text, headers: {} }); // unsigned
    }
    for (const bytes of fc.sample(fc.uint8Array({ maxLength: 400 }), { numRuns: 800, seed: 7 })) {
      bodies.push(signed(Buffer.from(bytes).toString('latin1'), 'key-a', T, 'a'));
    }
    for (let i = 0; i < 800; i++) {
      const cut = valid.slice(0, Math.floor((valid.length * i) / 800)); // truncated
      bodies.push(signed(cut, 'key-a', T, 'a'));
    }
    for (let i = 0; i < 800; i++) {
      const r = report(['a', 'b', 'c'][i % 3]!, false);
      const ok = signed(r);
      const flipped = ok.body.replace('"ok":false', '"ok":true'); // tampered after signing
      bodies.push({ body: flipped, headers: ok.headers });
      bodies.push(signed(r, 'not-the-key')); // wrong key
    }
    for (let i = 0; i < 400; i++) {
      bodies.push(replayable); // replayed
      bodies.push(signed(report('b'), 'key-b', T + (i % 2 === 0 ? 60 : -60))); // outside the window
    }
    for (let i = 0; i < 200; i++) {
      const bad = report('a');
      const mutate = [
        () => Object.assign(bad, { seq: -1 }),
        () => Object.assign(bad, { results: 'x' }),
        () => Object.assign(bad.results[0]!, { latencyMs: -5 }),
        () => Object.assign(bad.results[0]!, { ok: 'yes' }),
        () => Object.assign(bad, { sentAt: null }),
      ][i % 5]!;
      mutate();
      bodies.push(signed(bad));
    }
    for (let i = 0; i < 12; i++) bodies.push(signed(`[${'1,'.repeat(600_000)}1]`, 'key-a', T, 'a')); // oversized
    bodies.push({ body: Buffer.alloc(0), headers: {} });

    expect(bodies.length).toBeGreaterThanOrEqual(5000);
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const b = bodies[next++]!;
        const res = await post(b.body, b.headers);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, `body ${String(b.body).slice(0, 80)}`).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(typeof res.body.error).toBe('string');
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(JSON.stringify(engine.snapshot(NOW))).toBe(afterAccepted);
    expect(afterAccepted).not.toBe(before); // the accepted report did change state: the check can see change
    const rejectedNow = Object.entries(handler.counts)
      .filter(([k]) => k !== 'accepted')
      .reduce((n, [k, v]) => n + v - (countsBefore[k as keyof typeof countsBefore] ?? 0), 0);
    expect(rejectedNow).toBe(bodies.length);
    expect(handler.counts.accepted).toBe(countsBefore.accepted + 1);
    // still alive and still accepting
    const fresh = signed(report('b', true));
    expect((await post(fresh.body, fresh.headers)).status).toBe(200);
    console.log(`fuzz: ${bodies.length} bodies, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    hostile.tried += bodies.length;
    hostile.held += rejectedNow;
  });
});
