// Benchmark: the builtin authoritative DNS server under dnsperf, side by side in one run with
// (a) a bare node:dgram server answering one fixed packet (the floor of this runtime) and
// (c) Knot DNS serving the same zone (static: Knot has no geo records here, so it does less work).
// (b) is `geofailover dns-server` answering geo records chosen by the EDNS Client Subnet of each
// query (a binary dnsperf query file, -B, with 1,024 different subnets in 4 locations).
// All five servers run side by side (idle ones cost nothing) and are measured in turn, in rounds
// (DNS_BENCH_ROUNDS, default 3, each DNS_BENCH_SECONDS unthrottled, default 5), the order rotated
// each round; every figure is the median over the rounds, because this machine's noise moves single
// runs by 10-15%. Then one fixed 2,000 QPS run per server (lost queries must be 0).
// Targets: (b) >= 70% of (a)'s QPS; 0 lost at 2,000 QPS; the ratio to Knot printed.
// Workers: (b) and (c) run with 1 worker and with all (one per CPU; Knot with as many UDP
// workers). Server CPU is summed over the process tree and dnsperf's own CPU is measured too, so
// queries per CPU-second compare like with like, and the run shows how much of the machine was left
// for the server: dnsperf shares the same cores, so all workers can at most reach
// CPUs / (server + dnsperf CPU per query) queries/s (printed as the ceiling, beside Knot's own
// scaling under the same harness); and each worker held to the same share of a core shows the
// scaling itself. Targets: all workers >= 1.7x one worker; per CPU-second >= 0.5x Knot's.
// Servers and zone: bench/lib/dns-servers.ts; dnsperf runs: bench/lib/dnsperf.ts.
// Run: node bin/run-ts.js bench/dns.ts   (writes bench/results/dns.json; needs dnsperf, knotd)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpuQuota } from './lib/cpu-quota.ts';
import { freePort, queryFile, type Server, startFloor, startKnot, startOurs } from './lib/dns-servers.ts';
import { childrenOf, measure, medianRun, type Run } from './lib/dnsperf.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.DNS_BENCH_SECONDS ?? 5);
const ROUNDS = Math.max(1, Number(process.env.DNS_BENCH_ROUNDS ?? 3));
/** The share of a core each worker is held to in the equal-share runs (dnsperf keeps the rest). */
const SHARE = Number(process.env.DNS_BENCH_SHARE ?? 0.4);
const FIXED_QPS = 2000;
/** A rate every server here sustains with one worker: CPU per query compared at the same load. */
const COMMON_QPS = Number(process.env.DNS_BENCH_COMMON_QPS ?? 40_000);
const FIXED_SECONDS = 5;
const ALL = availableParallelism();

function has(bin: string): boolean {
  try {
    execFileSync('which', [bin], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** One worker against all, each worker process held to SHARE of a core. */
interface Shares {
  share: number;
  one: Run;
  all: Run;
  scaling: number;
}

/**
 * dnsperf needs about one of the two cores, so all workers cannot get a core each here. Instead each
 * worker process (the server and its children) is held to the same share of a core by a CPU quota,
 * leaving dnsperf the rest; then N workers must answer N times what one does, if the kernel spreads
 * the queries over them and nothing they share is a bottleneck.
 */
async function equalShares(one: Server, all: Server, file: string): Promise<Shares | string> {
  const quota = CpuQuota.open();
  if (typeof quota === 'string') return `not measured: ${quota}`;
  const runs = { one: [] as Run[], all: [] as Run[] };
  try {
    for (const s of [one, all]) for (const pid of [s.pid, ...childrenOf(s.pid)]) quota.limit(pid, SHARE);
    for (let round = 0; round < ROUNDS; round++) {
      console.error(`bench/dns: equal shares, round ${round + 1}/${ROUNDS}`);
      runs.one.push(await measure(one, file, [], SECONDS));
      runs.all.push(await measure(all, file, [], SECONDS));
    }
  } finally {
    quota.release();
  }
  const o = medianRun(runs.one);
  const a = medianRun(runs.all);
  return { share: SHARE, one: o, all: a, scaling: Number((a.qps / o.qps).toFixed(3)) };
}

// ---- main --------------------------------------------------------------------------------------

interface Result {
  server: string;
  /** Medians over the rounds. */
  max: Run;
  rounds: Run[];
  fixed: Run;
  /** Medians at COMMON_QPS (one-worker servers and the floor only). */
  common?: Run;
}

async function main(): Promise<void> {
  if (!has('dnsperf')) {
    console.error('bench/dns: dnsperf is not installed (Debian package dnsperf); nothing measured');
    process.exit(1);
  }
  const dir = mkdtempSync(join(tmpdir(), 'gf-bench-dns-'));
  const file = join(dir, 'queries.bin');
  queryFile(file);
  const knot = has('knotd');
  if (!knot) console.warn('bench/dns: knotd not installed; Knot columns skipped');
  const plan: [string, () => Promise<Server>][] = [
    ['floor', startFloor],
    ['ours', () => startOurs(dir, 1)],
    ['knot', async () => startKnot(dir, await freePort(), 1)],
    ['oursAll', () => startOurs(dir, ALL)],
    ['knotAll', async () => startKnot(dir, await freePort(), ALL)],
  ];
  const servers = new Map<string, Server>();
  const rounds = new Map<string, Run[]>();
  const results: Record<string, Result> = {};
  let shares: Shares | string = 'not measured';
  try {
    for (const [key, start] of plan) {
      if (key.startsWith('knot') && !knot) continue;
      const s = await start();
      servers.set(key, s);
      rounds.set(key, []);
      await measure(s, file, [], 1); // warm-up (JIT, caches)
    }
    const keys = [...servers.keys()];
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order so that drift in the machine's load does not favour one server.
      const order = keys.map((_, i) => keys[(i + round) % keys.length]!);
      for (const key of order) {
        const s = servers.get(key)!;
        console.error(`bench/dns: round ${round + 1}/${ROUNDS}: ${s.name}`);
        rounds.get(key)!.push(await measure(s, file, [], SECONDS));
      }
    }
    // At max load each server runs at its own rate (Knot is held back by dnsperf, ours is not), and
    // CPU per query falls as load rises (bigger batches per wakeup): compare at one rate as well.
    const commonRuns = new Map<string, Run[]>();
    const commonKeys = keys.filter((k) => k === 'floor' || k === 'ours' || k === 'knot');
    for (let round = 0; round < ROUNDS; round++) {
      for (const key of commonKeys.map((_, i) => commonKeys[(i + round) % commonKeys.length]!)) {
        console.error(`bench/dns: at ${COMMON_QPS} QPS, round ${round + 1}/${ROUNDS}: ${key}`);
        const runs = commonRuns.get(key) ?? [];
        runs.push(await measure(servers.get(key)!, file, ['-Q', String(COMMON_QPS)], SECONDS));
        commonRuns.set(key, runs);
      }
    }
    shares = await equalShares(servers.get('ours')!, servers.get('oursAll')!, file);
    for (const key of keys) {
      const s = servers.get(key)!;
      const fixed = await measure(s, file, ['-Q', String(FIXED_QPS)], FIXED_SECONDS);
      const common = commonRuns.get(key);
      results[key] = {
        server: s.name,
        max: medianRun(rounds.get(key)!),
        rounds: rounds.get(key)!,
        fixed,
        ...(common ? { common: medianRun(common) } : {}),
      };
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }

  const floor = results.floor!;
  const ours = results.ours!;
  const knotOne = results.knot;
  const oursAll = results.oursAll!;
  const knotAll = results.knotAll;
  const rows = Object.values(results).map((r) => [
    r.server,
    String(r.max.qps),
    `${((r.max.qps / floor.max.qps) * 100).toFixed(0)}%`,
    r.max.avgLatencyMs.toFixed(3),
    r.max.maxLatencyMs.toFixed(1),
    String(r.max.lost),
    `${r.max.serverCpuPct}%`,
    `${r.max.generatorCpuPct}%`,
    String(r.max.qpsPerCpuCore),
    String(r.fixed.lost),
    r.fixed.avgLatencyMs.toFixed(3),
    `${r.fixed.serverCpuPct}%`,
  ]);
  const head = [
    'server',
    'max QPS',
    'vs floor',
    'avg ms',
    'max ms',
    'lost',
    'CPU',
    'dnsperf CPU',
    'QPS/CPU-s',
    `lost@${FIXED_QPS}`,
    `avg ms@${FIXED_QPS}`,
    `CPU@${FIXED_QPS}`,
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(
    `dnsperf: medians of ${ROUNDS} rounds of ${SECONDS} s unthrottled (4 clients, 200 outstanding), then ${FIXED_SECONDS} s at ${FIXED_QPS} QPS; 1,024 ECS subnets; ${ALL} CPUs shared by server and dnsperf`,
  );
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  const ratioFloor = ours.max.qps / floor.max.qps;
  const ratioKnot = knotOne ? ours.max.qps / knotOne.max.qps : undefined;
  const cpuRatioFloor = ours.max.qpsPerCpuCore / floor.max.qpsPerCpuCore;
  const cpuRatioKnot = knotOne ? ours.max.qpsPerCpuCore / knotOne.max.qpsPerCpuCore : undefined;
  const scaling = oursAll.max.qps / ours.max.qps;
  const knotScaling = knotAll && knotOne ? knotAll.max.qps / knotOne.max.qps : undefined;
  const commonRatioKnot =
    knotOne?.common && ours.common ? ours.common.qpsPerCpuCore / knotOne.common.qpsPerCpuCore : undefined;
  const commonRatioFloor = ours.common ? ours.common.qpsPerCpuCore / floor.common!.qpsPerCpuCore : undefined;
  const cpuRatioKnotAll = knotAll ? oursAll.max.qpsPerCpuCore / knotAll.max.qpsPerCpuCore : undefined;
  // What the shared machine allows: every core busy at the CPU per query the all-workers run measured
  // (server plus dnsperf), against the one-worker figure.
  const perQuery = (r: Run) => (r.serverCpuPct + r.generatorCpuPct) / 100 / r.qps;
  const ceiling = ALL / perQuery(oursAll.max) / ours.max.qps;
  const knotCeiling = knotAll && knotOne ? ALL / perQuery(knotAll.max) / knotOne.max.qps : undefined;
  // On cores of its own (a load generator elsewhere): every worker as efficient as in this run.
  const projected = (ALL * oursAll.max.qpsPerCpuCore) / ours.max.qpsPerCpuCore;
  const busy = (r: Run) => r.serverCpuPct + r.generatorCpuPct;
  console.log(
    `ours/floor = ${ratioFloor.toFixed(2)} (target >= 0.70: ${ratioFloor >= 0.7 ? 'met' : 'NOT met'}); ` +
      `lost at ${FIXED_QPS} QPS = ${ours.fixed.lost} (target 0: ${ours.fixed.lost === 0 ? 'met' : 'NOT met'})` +
      (ratioKnot === undefined ? '' : `; ours/Knot = ${ratioKnot.toFixed(2)}`),
  );
  console.log(
    `per CPU-second of the server, 1 worker: ours/floor = ${cpuRatioFloor.toFixed(2)}` +
      (cpuRatioKnot === undefined
        ? ''
        : `, ours/Knot = ${cpuRatioKnot.toFixed(2)} (target >= 0.50: ${cpuRatioKnot >= 0.5 ? 'met' : 'NOT met'})`) +
      (cpuRatioKnotAll === undefined
        ? ''
        : `; with ${ALL} workers: ours/Knot = ${cpuRatioKnotAll.toFixed(2)}`),
  );
  console.log(
    `per CPU-second at a common ${COMMON_QPS} QPS: ${Object.values(results)
      .filter((r) => r.common)
      .map((r) => `${r.server}: ${r.common!.qpsPerCpuCore} (lost ${r.common!.lost})`)
      .join('; ')}` +
      (commonRatioFloor === undefined ? '' : `; ours/floor = ${commonRatioFloor.toFixed(2)}`) +
      (commonRatioKnot === undefined ? '' : `, ours/Knot = ${commonRatioKnot.toFixed(2)}`),
  );
  console.log(
    `workers: ${ALL} workers / 1 worker = ${scaling.toFixed(2)}x QPS (target >= 1.70: ${scaling >= 1.7 ? 'met' : 'NOT met'}), ` +
      `machine ${busy(oursAll.max)}% of ${ALL * 100}% busy (server + dnsperf); ceiling on these shared cores ${ceiling.toFixed(2)}x` +
      (knotScaling === undefined
        ? ''
        : `; Knot ${ALL} / 1 UDP workers = ${knotScaling.toFixed(2)}x (ceiling ${knotCeiling!.toFixed(2)}x, machine ${busy(knotAll!.max)}% busy)`) +
      `; on cores of its own (${ALL} x per-worker efficiency measured with ${ALL} workers) ${projected.toFixed(2)}x`,
  );
  if (typeof shares === 'string') console.log(`workers, each held to ${SHARE} of a core: ${shares}`);
  else
    console.log(
      `workers, each held to ${SHARE} of a core by a CPU quota (dnsperf keeps the rest): ${ALL} workers ${shares.all.qps} QPS (CPU ${shares.all.serverCpuPct}%) / ` +
        `1 worker ${shares.one.qps} QPS (CPU ${shares.one.serverCpuPct}%) = ${shares.scaling.toFixed(2)}x (target >= 1.70: ${shares.scaling >= 1.7 ? 'met' : 'NOT met'})`,
    );
  console.log(
    `queries per CPU-second: ${Object.values(results)
      .map((r) => `${r.server}: ${r.max.qpsPerCpuCore}`)
      .join('; ')}`,
  );
  const json = {
    benchmark: 'dns',
    seconds: SECONDS,
    rounds: ROUNDS,
    fixedQps: FIXED_QPS,
    fixedSeconds: FIXED_SECONDS,
    queryFile: '1,024 www.example.com A queries, EDNS 1232, ECS /24 from DE, FR, US-CA and unknown networks',
    note: 'dnsperf shares the cores with the server under test; Knot serves the zone without geo logic; figures are medians over the rounds',
    results,
    ratioToFloor: Number(ratioFloor.toFixed(3)),
    ratioToKnot: ratioKnot === undefined ? null : Number(ratioKnot.toFixed(3)),
    cpuEfficiencyRatioToFloor: Number(cpuRatioFloor.toFixed(3)),
    cpuEfficiencyRatioToKnot: cpuRatioKnot === undefined ? null : Number(cpuRatioKnot.toFixed(3)),
    commonQps: COMMON_QPS,
    commonCpuEfficiencyRatioToFloor:
      commonRatioFloor === undefined ? null : Number(commonRatioFloor.toFixed(3)),
    commonCpuEfficiencyRatioToKnot: commonRatioKnot === undefined ? null : Number(commonRatioKnot.toFixed(3)),
    workers: ALL,
    workerScaling: Number(scaling.toFixed(3)),
    workerScalingCeiling: Number(ceiling.toFixed(3)),
    workerScalingProjected: Number(projected.toFixed(3)),
    workerScalingEqualShares: shares,
    knotWorkerScaling: knotScaling === undefined ? null : Number(knotScaling.toFixed(3)),
    knotWorkerScalingCeiling: knotCeiling === undefined ? null : Number(knotCeiling.toFixed(3)),
    cpuEfficiencyRatioToKnotAllWorkers:
      cpuRatioKnotAll === undefined ? null : Number(cpuRatioKnotAll.toFixed(3)),
    targets: {
      ratioToFloorMin: 0.7,
      lostAtFixedQps: 0,
      met: ratioFloor >= 0.7 && ours.fixed.lost === 0,
      workerScalingMin: 1.7,
      workerScalingMet: scaling >= 1.7,
      workerScalingEqualSharesMet: typeof shares === 'string' ? null : shares.scaling >= 1.7,
      cpuEfficiencyRatioToKnotMin: 0.5,
      cpuEfficiencyMet: cpuRatioKnot !== undefined && cpuRatioKnot >= 0.5,
    },
    at: new Date().toISOString(),
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/dns.json'), `${JSON.stringify(json, null, 2)}\n`);
}

await main();
