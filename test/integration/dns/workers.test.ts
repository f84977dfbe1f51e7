// Using every core: the server runs several worker processes on the same sockets, each
// with the same zone data; after an apply returns, no worker may serve the old answer for more than
// 100 ms. Queries go out from many source ports and TCP connections so that every worker is hit
// (checked with each worker's counters), and the counters add up across workers.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDnsMetrics } from '../../../providers/builtin/dns-server/index.ts';
import type { RecordSet } from '../../../src/model/index.ts';
import { query } from '../../unit/builtin/packets.ts';
import { type Fixture, startFixture } from './fixture.ts';

const WORKERS = 3; // more than the 2 cores here on purpose: the kernel still spreads over all of them
let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture(undefined, '', { workers: WORKERS });
}, 60_000);
afterAll(async () => {
  await fx?.close();
});

/** The first A address of a response, or 'none'. */
function firstA(m: Buffer): string {
  if (m.readUInt16BE(6) === 0) return 'none';
  // Question: skip name + 4; answer: name (a 2-octet pointer here) + type/class/ttl/rdlength (10).
  let p = 12;
  while (m[p] !== 0) p += m[p]! + 1;
  p += 5;
  p += 2 + 10;
  return [...m.subarray(p, p + 4)].join('.');
}

function udpAsk(port: number, id: number): Promise<{ at: number; sentAt: number; a: string }> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4'); // a new socket: a new source port, another worker perhaps
    const t = setTimeout(() => {
      s.close();
      reject(new Error('no UDP answer'));
    }, 3000);
    s.once('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve({ sentAt, at: performance.now(), a: firstA(m) });
    });
    const sentAt = performance.now();
    s.send(query('app.example.com', { id }), port, '127.0.0.1');
  });
}

function tcpAsk(port: number, id: number): Promise<{ at: number; sentAt: number; a: string }> {
  return new Promise((resolve, reject) => {
    const sentAt = performance.now();
    const s = connect({ port, host: '127.0.0.1' });
    const q = query('app.example.com', { id });
    const framed = Buffer.concat([Buffer.from([q.length >> 8, q.length & 0xff]), q]);
    let buf = Buffer.alloc(0);
    s.on('error', reject);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        s.destroy();
        resolve({ sentAt, at: performance.now(), a: firstA(buf.subarray(2)) });
      }
    });
    s.write(framed);
  });
}

const app = (values: string[]): RecordSet => ({ name: 'app.example.com.', type: 'A', ttl: 30, values });

describe('DNS worker processes', () => {
  it('every worker serves the new answer within 100 ms of the apply returning', async () => {
    expect(fx.server.workers).toBe(WORKERS);
    let current = ['192.0.2.1', '192.0.2.2'];
    for (let round = 0; round < 5; round++) {
      const next = [`192.0.2.${100 + round}`];
      await fx.provider.apply('example.com', [
        { kind: 'update', before: app(current), after: app(next), reason: { code: 'region-down' } },
      ]);
      const applied = performance.now();
      current = next;
      // 100 UDP queries from 100 source ports and 20 TCP connections, in waves over ~300 ms.
      const results: { at: number; sentAt: number; a: string }[] = [];
      for (let wave = 0; wave < 10; wave++) {
        const batch = await Promise.all([
          ...Array.from({ length: 10 }, (_, i) => udpAsk(fx.port, wave * 10 + i)),
          ...Array.from({ length: 2 }, (_, i) => tcpAsk(fx.port, 1000 + wave * 2 + i)),
        ]);
        results.push(...batch);
        await new Promise((r) => setTimeout(r, 30));
      }
      // Any answer to a query sent later than 100 ms after the apply returned is the new one.
      const late = results.filter((r) => r.sentAt - applied > 100);
      expect(late.length).toBeGreaterThan(50);
      expect(
        late.filter((r) => r.a !== next[0]).map((r) => `${r.a} at +${(r.sentAt - applied).toFixed(0)} ms`),
      ).toEqual([]);
    }
    // Every worker answered some of them, and the summed counters cover all of them.
    const per = await fx.server.workerStats();
    expect(per).toHaveLength(WORKERS);
    for (const s of per) expect(s.received).toBeGreaterThan(0);
    const total = per.reduce((n, s) => n + s.received, 0);
    expect(total).toBeGreaterThanOrEqual(5 * 120);
    await new Promise((r) => setTimeout(r, 400)); // children push their counters every 250 ms
    expect(fx.server.stats().received).toBe(total);
    // The controller's metrics read the summed counters.
    const registry = new Registry();
    registerDnsMetrics(registry, () => [fx.server.stats]);
    const text = await registry.getSingleMetricAsString('geofailover_dns_queries_total');
    expect(text).toContain(`geofailover_dns_queries_total ${total}`);
  }, 60_000);

  it('a worker that dies is restarted with the same sockets and the current zone data', async () => {
    const [victim] = fx.server.workerPids();
    expect(victim).toBeDefined();
    process.kill(victim!, 'SIGKILL');
    // The others keep answering meanwhile.
    for (let i = 0; i < 20; i++) expect((await udpAsk(fx.port, 9000 + i)).a).not.toBe('none');
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const pids = fx.server.workerPids();
      if (pids.length === WORKERS - 1 && !pids.includes(victim!) && (await fx.server.synced())) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(fx.server.workerPids()).not.toContain(victim);
    const before = await udpAsk(fx.port, 1);
    const next = ['192.0.2.200'];
    await fx.provider.apply('example.com', [
      { kind: 'update', before: app([before.a]), after: app(next), reason: { code: 'region-down' } },
    ]);
    expect(await fx.server.synced()).toBe(true);
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => udpAsk(fx.port, 2000 + i)));
    expect(new Set(answers.map((r) => r.a))).toEqual(new Set(next));
    const per = await fx.server.workerStats();
    expect(per).toHaveLength(WORKERS);
  }, 60_000);
});
