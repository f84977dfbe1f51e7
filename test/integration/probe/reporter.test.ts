// The per-controller reporter against a real local server: retries 5xx and network errors with backoff
// (results put back, nothing lost while there is room), keeps results through a refusal of its key,
// clock or certificate (401/403) and drops a report refused for anything else (other 4xx), tells when
// a streak of failures starts and ends, signs every request, and splits a large buffer into reports.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type DeliveryEvent,
  MAX_RESULTS_PER_REPORT,
  type ProbeReport,
  type ProbeResult,
  Reporter,
  verifyReport,
} from '../../../src/probe/index.ts';

const result = (i: number): ProbeResult => ({
  endpoint: `e${i}`,
  prober: 'a',
  ok: true,
  latencyMs: 1,
  detail: 'ok',
  at: 1000 + i,
});

describe('Reporter', () => {
  const servers: http.Server[] = [];
  afterAll(() => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
  });

  async function receiver(statuses: number[]) {
    const got: ProbeReport[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const sig = verifyReport(req.headers['x-geofailover-signature'] as string, body, 'k', Date.now());
        const status = statuses.shift() ?? 200;
        if (sig.ok && status === 200) got.push(JSON.parse(body.toString()));
        res.statusCode = sig.ok ? status : 401;
        res.end('{}');
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  const make = (url: string, bufferSize = 100) => {
    let seq = 0;
    return new Reporter({
      controller: url,
      prober: 'a',
      key: 'k',
      bufferSize,
      nextSeq: () => ++seq,
      impaired: () => false,
      maxBackoffMs: 1,
    });
  };

  it('retries after 5xx without losing results, in order', async () => {
    const { got, url } = await receiver([500, 503]);
    const r = make(url);
    for (let i = 0; i < 5; i++) r.add(result(i));
    await r.flush();
    expect(r.stats.failures).toBe(1);
    await new Promise((res) => setTimeout(res, 5));
    await r.flush();
    await new Promise((res) => setTimeout(res, 5));
    await r.flush();
    expect(got).toHaveLength(1);
    expect(got[0]!.results.map((x) => x.endpoint)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(got[0]!.seq).toBe(3); // every attempt is a new report with a fresh seq
    expect(r.stats).toMatchObject({ reportsSent: 1, resultsSent: 5, failures: 2, buffered: 0, dropped: 0 });
  });

  it('drops a report the controller refuses with a 4xx and counts it', async () => {
    const { got, url } = await receiver([422]);
    const r = make(url);
    r.add(result(1));
    await r.flush();
    expect(r.stats.refused).toBe(1);
    expect(r.stats.lastError).toMatch(/HTTP 422/);
    r.add(result(2));
    await r.flush();
    expect(got.map((g) => g.results[0]!.endpoint)).toEqual(['e2']);
  });

  it('keeps results through a refusal of its key, clock or certificate (401/403), and tells when it starts and ends', async () => {
    const { got, url } = await receiver([401, 403, 401]);
    let seq = 0;
    const events: DeliveryEvent[] = [];
    const r = new Reporter({
      controller: url,
      prober: 'a',
      key: 'k',
      bufferSize: 1000,
      nextSeq: () => ++seq,
      impaired: () => false,
      maxBackoffMs: 1,
      onDelivery: (e) => events.push(e),
    });
    for (let i = 0; i < 120; i++) r.add(result(i));
    for (let i = 0; i < 3; i++) {
      await r.flush();
      await new Promise((res) => setTimeout(res, 5));
    }
    expect(r.stats).toMatchObject({ refused: 3, buffered: 120, dropped: 0, reportsSent: 0 });
    expect(r.failure).toMatchObject({ kind: 'refused', status: 401, attempts: 3 });
    expect(r.lastAccepted).toBeUndefined();
    expect(events.map((e) => e.kind)).toEqual(['failing']);
    await r.flush();
    // While refused a retry asks with a small batch; once accepted the rest follows in full.
    expect(got.map((g) => g.results.length)).toEqual([50, 70]);
    expect(got.flatMap((g) => g.results.map((x) => x.endpoint))).toEqual(
      Array.from({ length: 120 }, (_, i) => `e${i}`),
    );
    expect(events.map((e) => e.kind)).toEqual(['failing', 'recovered']);
    expect(events[1]!.failure.attempts).toBe(3);
    expect(r.failure).toBeUndefined();
    expect(r.lastAccepted).toBeGreaterThan(0);
    expect(Date.parse(r.stats.lastAcceptedAt!)).toBeGreaterThan(0);
  });

  it('keeps the newest results while the controller is down, and splits big buffers', async () => {
    const { got, url } = await receiver([]);
    const down = make('http://127.0.0.1:9', 50);
    for (let i = 0; i < 80; i++) down.add(result(i));
    await down.flush();
    expect(down.stats.failures).toBe(1);
    expect(down.stats.dropped).toBe(30);
    expect(down.stats.buffered).toBe(50);

    const big = make(url, MAX_RESULTS_PER_REPORT * 3);
    for (let i = 0; i < MAX_RESULTS_PER_REPORT * 2 + 5; i++) big.add(result(i));
    await big.flush();
    expect(got.map((g) => g.results.length)).toEqual([MAX_RESULTS_PER_REPORT, MAX_RESULTS_PER_REPORT, 5]);
  });
});
