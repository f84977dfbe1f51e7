// Benchmark: the probe agent's HTTP check beside Prometheus' blackbox exporter (the usual way to probe
// endpoints), in the same run: the same loopback target (its own process), the same timeout, the same
// concurrency, a fresh connection per probe on both sides (blackbox builds a new client per probe).
//  - blackbox: its /probe?module=http_2xx endpoint driven with a fixed number of requests in flight;
//    its CPU from /proc/<pid>/stat (utime+stime), so the driver's own cost is not counted;
//  - ours: compileCheck(...).run() (src/probe) at the same concurrency; CPU from process.cpuUsage().
// Prints probes per second and CPU ms per 1,000 probes side by side, with the ratios.
// Run: node bin/run-ts.js bench/probe-vs-blackbox.ts   -> bench/results/probe-vs-blackbox.json
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCheck } from '../src/probe/index.ts';
import { machineInfo, machineLine } from './lib/machine.ts';

const BLACKBOX = process.env.BLACKBOX_BIN ?? '/usr/bin/prometheus-blackbox-exporter';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = 2;
const TIMEOUT_MS = 2000;
const RESULT = join(dirname(fileURLToPath(import.meta.url)), 'results', 'probe-vs-blackbox.json');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU ms a process has used (user + system), from /proc/<pid>/stat. */
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command: state(0) ... utime is field 14 overall → index 11 here, stime index 12.
  return ((Number(f[11]) + Number(f[12])) / CLK_TCK) * 1000;
}

interface Measure {
  perSec: number;
  cpuMsPer1k: number;
  probes: number;
  failures: number;
}

async function drive(once: () => Promise<boolean>, cpu: () => number): Promise<Measure> {
  await Promise.all(Array.from({ length: 8 }, () => once().catch(() => false)));
  let done = 0;
  let failures = 0;
  const c0 = cpu();
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const ok = await once().catch(() => false);
      done++;
      if (!ok) failures++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const secs = (performance.now() - t0) / 1000;
  const used = cpu() - c0;
  return { perSec: done / secs, cpuMsPer1k: (used / done) * 1000, probes: done, failures };
}

const has = spawnSync(BLACKBOX, ['--version'], { stdio: 'ignore' }).status === 0;
if (!has) {
  console.log(
    `probe-vs-blackbox: SKIPPED — ${BLACKBOX} not found (Debian: apt-get install prometheus-blackbox-exporter)`,
  );
  process.exit(0);
}

// The target: a bare node:http server in its own process (so it can use the other core).
const target = spawn(
  process.execPath,
  [
    '-e',
    `const s = require('node:http').createServer((q, r) => r.end('ok'));
     s.keepAliveTimeout = 5000;
     s.listen(0, '127.0.0.1', () => process.stdout.write('port ' + s.address().port + '\\n'));`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const targetPort = await new Promise<number>((resolve) =>
  target.stdout!.once('data', (d: Buffer) => resolve(Number(/port (\d+)/.exec(d.toString())![1]))),
);
const targetUrl = `http://127.0.0.1:${targetPort}/healthz`;

const dir = mkdtempSync(join(tmpdir(), 'gf-bench-blackbox-'));
const cfg = join(dir, 'blackbox.yml');
writeFileSync(
  cfg,
  [
    'modules:',
    '  http_2xx:',
    '    prober: http',
    `    timeout: ${TIMEOUT_MS / 1000}s`,
    '    http:',
    '      method: GET',
    '      valid_status_codes: [200]',
    '      preferred_ip_protocol: ip4',
    '      ip_protocol_fallback: false',
    '',
  ].join('\n'),
);
const bbPort = await freePort();
const bb = spawn(
  BLACKBOX,
  [`--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${bbPort}`, '--log.level=warn'],
  {
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
const stopAll = () => {
  bb.kill('SIGKILL');
  target.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
};
process.on('exit', stopAll);
// Ready when its /-/healthy answers.
for (let i = 0; ; i++) {
  const ok = await fetch(`http://127.0.0.1:${bbPort}/-/healthy`)
    .then((r) => r.ok)
    .catch(() => false);
  if (ok) break;
  if (i > 200) throw new Error('blackbox exporter did not become healthy');
  await new Promise((r) => setTimeout(r, 100));
}

// The driver keeps its connections to the exporter alive: only the exporter's probes are fresh.
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const probePath = `/probe?module=http_2xx&target=${encodeURIComponent(targetUrl)}`;
const blackboxOnce = () =>
  new Promise<boolean>((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: bbPort, path: probePath, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve(res.statusCode === 200 && /\nprobe_success 1\b/.test(body)));
    });
    req.on('error', () => resolve(false));
    req.end();
  });

const ours = compileCheck(
  {
    kind: 'http',
    url: targetUrl,
    method: 'GET',
    headers: {},
    expectStatus: [200],
    tlsVerify: true,
    keepAlive: false,
  },
  '127.0.0.1',
  TIMEOUT_MS,
);
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const best: { ours?: Measure; blackbox?: Measure } = {};
for (let r = 0; r < ROUNDS; r++) {
  const o = await drive(async () => (await ours.run()).ok, selfCpuMs);
  if (!best.ours || o.perSec > best.ours.perSec) best.ours = o;
  await new Promise((res) => setTimeout(res, 300));
  const b = await drive(blackboxOnce, () => procCpuMs(bb.pid!));
  if (!best.blackbox || b.perSec > best.blackbox.perSec) best.blackbox = b;
  await new Promise((res) => setTimeout(res, 300));
}
agent.destroy();
const machine = machineInfo();
const o = best.ours!;
const b = best.blackbox!;
const version = spawnSync(BLACKBOX, ['--version'], { encoding: 'utf8' });
const bbVersion = `blackbox_exporter ${/version (\S+)/.exec(`${version.stdout}${version.stderr}`)?.[1] ?? '?'}`;
const row = (name: string, m: Measure) =>
  `  ${name.padEnd(46)} ${Math.round(m.perSec).toLocaleString('en-US').padStart(7)} probes/s  ${m.cpuMsPer1k
    .toFixed(0)
    .padStart(5)} CPU ms/1,000 probes${m.failures ? `  (${m.failures} failed)` : ''}`;
console.log(
  `probe-vs-blackbox: HTTP probes of one loopback target, fresh connection each, timeout ${TIMEOUT_MS} ms, concurrency ${CONCURRENCY}, best of ${ROUNDS} x ${SECONDS}s`,
);
console.log(row('geofailover http check (src/probe)', o));
console.log(row(`${bbVersion} /probe`, b));
console.log(
  `  ours / blackbox: ${(o.perSec / b.perSec).toFixed(2)}x probes/s, ${(o.cpuMsPer1k / b.cpuMsPer1k).toFixed(2)}x CPU per probe (lower is better)`,
);
console.log(`  machine: ${machineLine(machine)}`);
const out = {
  bench: 'probe-vs-blackbox',
  at: machine.date,
  machine,
  setup: {
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    rounds: ROUNDS,
    timeoutMs: TIMEOUT_MS,
    freshConnections: true,
    blackbox: bbVersion,
    note: "blackbox CPU is the exporter process's (probe + serving /probe + metrics text); the driver is not counted",
  },
  ours: o,
  blackbox: b,
  ratio: { perSec: o.perSec / b.perSec, cpuPerProbe: o.cpuMsPer1k / b.cpuMsPer1k },
};
mkdirSync(dirname(RESULT), { recursive: true });
writeFileSync(RESULT, `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${RESULT}`);
process.exit(0);
