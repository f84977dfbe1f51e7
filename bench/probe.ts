// Benchmark: HTTP checks per second with a fresh connection per check against a loopback server (run
// in its own process, so it can use the other core), side by side in the same run with the floors:
// a plain loop of `fetch` calls (`connection: close` so each is a fresh connection too),
// `http.request({ agent: false })` (REFERENCES.md's floor) and, for scale, keep-alive fetch. Then
// the other costly kinds in the same run, each priced against that http.request floor: a gRPC health
// check (grpc.health.v1 against a server with the official health service, in its own process) with a
// fresh channel each and with one kept channel, and an endpoint with several checks (http + grpc).
// Prints checks/s, CPU ms per 1,000 checks, and our ratio to each floor. Target: >= 80% of fetch.
// Run: node bin/run-ts.js bench/probe.ts   (writes bench/results/probe.json)
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compositeCheck } from '../src/probe/checks/index.ts';
import { compileCheck } from '../src/probe/index.ts';

const CONCURRENCY = 64;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = 2; // each way is measured ROUNDS times, interleaved; the best is kept

const server = spawn(
  process.execPath,
  [
    '-e',
    `const s = require('node:http').createServer((q, r) => r.end('ok'));
     s.keepAliveTimeout = 5000;
     s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const port = await new Promise<number>((resolve) =>
  server.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
);
const url = `http://127.0.0.1:${port}/healthz`;

// The gRPC server, in its own process too (run from the project root, so it finds the packages).
const grpcServer = spawn(
  process.execPath,
  [
    '-e',
    `const grpc = require('@grpc/grpc-js');
     const { HealthImplementation } = require('grpc-health-check');
     const s = new grpc.Server();
     new HealthImplementation({ '': 'SERVING', payments: 'SERVING' }).addToServer(s);
     s.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
       e ? process.exit(1) : process.stdout.write(String(p) + '\\n'));`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'], cwd: fileURLToPath(new URL('..', import.meta.url)) },
);
const grpcPort = await new Promise<number>((resolve) =>
  grpcServer.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
);

type Way = { name: string; once: () => Promise<boolean> };

const ours = compileCheck(
  { kind: 'http', url, method: 'GET', headers: {}, expectStatus: [200], tlsVerify: true, keepAlive: false },
  '127.0.0.1',
  2000,
);

const grpcCheck = (keepAlive: boolean) =>
  compileCheck(
    { kind: 'grpc', port: grpcPort, service: 'payments', tls: false, keepAlive },
    '127.0.0.1',
    2000,
  );
const grpcFresh = grpcCheck(false);
const grpcKept = grpcCheck(true);
const composite = compositeCheck(
  [
    { critical: false, check: ours },
    { critical: false, check: grpcCheck(false) },
  ],
  'all',
);

const ways: Way[] = [
  { name: 'geofailover http check (agent: false)', once: async () => (await ours.run()).ok },
  {
    name: 'fetch loop, connection: close (floor)',
    once: async () => {
      const r = await fetch(url, { headers: { connection: 'close' } });
      await r.arrayBuffer();
      return r.status === 200;
    },
  },
  {
    name: 'http.request({ agent: false }) (floor)',
    once: () =>
      new Promise((resolve) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200));
        });
        req.on('error', () => resolve(false));
        req.end();
      }),
  },
  {
    name: 'fetch loop, keep-alive (not fresh; scale)',
    once: async () => {
      const r = await fetch(url);
      await r.arrayBuffer();
      return r.status === 200;
    },
  },
  { name: 'geofailover grpc check (fresh channel)', once: async () => (await grpcFresh.run()).ok },
  { name: 'geofailover grpc check (keepAlive channel)', once: async () => (await grpcKept.run()).ok },
  {
    name: 'geofailover several checks (http + grpc, all)',
    once: async () => (await composite.run()).ok,
  },
];

async function measure(way: Way): Promise<{ perSec: number; cpuMsPer1k: number; failures: number }> {
  // warm-up
  await Promise.all(Array.from({ length: 8 }, () => way.once()));
  let done = 0;
  let failures = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const ok = await way.once().catch(() => false);
      done++;
      if (!ok) failures++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const secs = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { perSec: done / secs, cpuMsPer1k: ((c.user + c.system) / 1000 / done) * 1000, failures };
}

const best = new Map<string, { perSec: number; cpuMsPer1k: number; failures: number }>();
for (let r = 0; r < ROUNDS; r++) {
  for (const way of ways) {
    const m = await measure(way);
    const prev = best.get(way.name);
    if (!prev || m.perSec > prev.perSec) best.set(way.name, m);
    await new Promise((res) => setTimeout(res, 300)); // let TIME_WAIT sockets and GC settle
  }
}
server.kill();
grpcServer.kill();
grpcKept.close?.();

const [oursName, fetchName, httpName] = ways.map((w) => w.name);
const o = best.get(oursName!)!;
const fetchFloor = best.get(fetchName!)!;
const httpFloor = best.get(httpName!)!;
console.log(
  `probe: HTTP checks with a fresh connection each, loopback server in its own process, concurrency ${CONCURRENCY}, best of ${ROUNDS} x ${SECONDS}s`,
);
for (const w of ways) {
  const m = best.get(w.name)!;
  console.log(
    `  ${w.name.padEnd(44)} ${Math.round(m.perSec).toLocaleString('en-US').padStart(8)} checks/s   ${m.cpuMsPer1k.toFixed(0).padStart(5)} CPU ms/1,000 checks${m.failures ? `   (${m.failures} failed)` : ''}`,
  );
}
const vsFetch = o.perSec / fetchFloor.perSec;
const vsHttp = o.perSec / httpFloor.perSec;
console.log(
  `  ours / fetch floor = ${vsFetch.toFixed(2)}x (target >= 0.80);  ours / http.request floor = ${vsHttp.toFixed(2)}x`,
);
// What each other kind costs per check, in multiples of the fresh-connection HTTP floor's CPU.
const perCheckCpu = Object.fromEntries(
  ways
    .filter((w) => /grpc|several/.test(w.name))
    .map((w) => [w.name, best.get(w.name)!.cpuMsPer1k / httpFloor.cpuMsPer1k]),
);
console.log(
  `  per-check CPU / http.request floor (${httpFloor.cpuMsPer1k.toFixed(0)} ms per 1,000): ${Object.entries(
    perCheckCpu,
  )
    .map(([k, v]) => `${k.replace(/^geofailover /, '')} ${v.toFixed(2)}x`)
    .join(';  ')}`,
);
console.log(`  machine: ${availableParallelism()} CPUs, load average ${(loadavg()[0] ?? 0).toFixed(1)}`);

const out = {
  bench: 'probe',
  at: new Date().toISOString(),
  node: process.version,
  machine: { cpus: availableParallelism(), loadavg1m: loadavg()[0] ?? 0 },
  setup: { concurrency: CONCURRENCY, seconds: SECONDS, rounds: ROUNDS, freshConnections: true },
  ways: Object.fromEntries([...best].map(([k, v]) => [k, v])),
  ratioToFetchFloor: vsFetch,
  ratioToHttpRequestFloor: vsHttp,
  cpuRatioToHttpRequestFloor: perCheckCpu,
  target: { ratioToFetchFloor: 0.8 },
  pass: vsFetch >= 0.8,
};
const file = `${dirname(fileURLToPath(import.meta.url))}/results/probe.json`;
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${file}`);
