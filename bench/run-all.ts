// `npm run bench`: runs every benchmark under bench/ (each in its own process, with a time limit; a
// failing one is reported, not fatal), adds the chaos suite's failover figures (the newest
// bench/results/chaos-*.json, or a short scenario-1 run when there is none and the machine allows it)
// and the latency steering scenario's (the newest steering-*.json, from the chaos suite's config),
// and regenerates bench/RESULTS.md: one table with each figure beside its peer or floor, the ratio, and
// the machine, plus the failover timeline SVG.
// Options: --no-run (only regenerate from the JSON results), --only plan,dns (run just these),
//          BENCH_TIMEOUT_S (per benchmark, default 600).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAdapters, type Figure } from './lib/adapters.ts';
import { machineInfo, machineLine } from './lib/machine.ts';
import { renderTimelineSvg } from './lib/timeline-svg.ts';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const RESULTS = join(BENCH, 'results');
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 600) * 1000;
const args = process.argv.slice(2);
const noRun = args.includes('--no-run');
const onlyArg = args.find((_a, i) => args[i - 1] === '--only') ?? args.find((a) => a.startsWith('--only='));
const only = onlyArg?.replace(/^--only=/, '').split(',');

interface RunOutcome {
  name: string;
  status: 'ok' | 'failed' | 'timed out' | 'not run';
  seconds: number;
  detail?: string;
}

/** Benchmarks: bench/*.ts except this runner and helpers that another benchmark runs itself. */
function benchmarks(): string[] {
  return readdirSync(BENCH)
    .filter((f) => f.endsWith('.ts') && f !== 'run-all.ts')
    .filter((f) => !/^\/\/.*\bRun by bench\//m.test(readFileSync(join(BENCH, f), 'utf8').slice(0, 800)))
    .map((f) => basename(f, '.ts'))
    .sort();
}

/** The running benchmark's process group, killed with us on Ctrl-C (it runs detached). */
let current: number | undefined;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    if (current !== undefined)
      try {
        process.kill(-current, 'SIGKILL');
      } catch {
        // already gone
      }
    process.exit(130);
  });

function runOne(name: string, argv: string[], env: Record<string, string> = {}): Promise<RunOutcome> {
  return new Promise((done) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    current = child.pid;
    let tail = '';
    const keep = (d: Buffer) => {
      process.stdout.write(d);
      tail = (tail + d.toString()).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The whole process group: benchmarks start servers of their own.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      const seconds = Math.round((performance.now() - t0) / 100) / 10;
      const last = tail.trim().split('\n').slice(-1)[0]?.slice(0, 200);
      if (timedOut) done({ name, status: 'timed out', seconds, detail: `after ${TIMEOUT_MS / 1000} s` });
      else if (code === 0) done({ name, status: 'ok', seconds });
      else
        done({
          name,
          status: 'failed',
          seconds,
          detail: `exit ${code ?? signal}${last ? `: ${last}` : ''}`,
        });
    });
  });
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The chaos suite records its runs here (a test run writes nothing tracked); older ones are in RESULTS. */
const CHAOS_RUNS = [join(ROOT, 'test-artifacts/chaos'), RESULTS];

function latestChaos(): string | undefined {
  // Full runs are chaos-<date>.json (newest by name, wherever it is); a partial run only when there is none.
  const full = CHAOS_RUNS.flatMap((dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /^chaos-\d{4}-\d{2}-\d{2}\.json$/.test(f))
          .map((f) => ({ f, path: join(dir, f) }))
      : [],
  ).sort((a, b) => a.f.localeCompare(b.f));
  if (full.length > 0) return full[full.length - 1]!.path;
  return CHAOS_RUNS.map((dir) => join(dir, 'chaos-partial.json')).find((p) => existsSync(p));
}

/** The newest latency steering scenario run (test/e2e/chaos/steering.test.ts), wherever it is. */
function latestSteering(): string | undefined {
  const runs = CHAOS_RUNS.flatMap((dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /^steering-\d{4}-\d{2}-\d{2}\.json$/.test(f))
          .map((f) => ({ f, path: join(dir, f) }))
      : [],
  ).sort((a, b) => a.f.localeCompare(b.f));
  return runs.at(-1)?.path;
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

async function main(): Promise<void> {
  const machine = machineInfo();
  const runs: RunOutcome[] = [];
  if (!noRun) {
    for (const name of benchmarks()) {
      if (only && !only.includes(name)) continue;
      console.log(`\n=== bench/${name}.ts`);
      runs.push(await runOne(name, ['bin/run-ts.js', `bench/${name}.ts`]));
    }
    const wantChaos = !only || only.includes('chaos');
    if (wantChaos && !latestChaos()) {
      // No chaos run yet: scenario 1 briefly (needs root; the suite skips with its reason otherwise).
      console.log('\n=== chaos scenario 1 (no bench/results/chaos-*.json yet)');
      runs.push(
        await runOne(
          'chaos (scenario 1)',
          ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/e2e/chaos/vitest.config.ts'],
          { CHAOS_ONLY: '1', CHAOS_CYCLES: '3' },
        ),
      );
    }
  }

  const figures: Figure[] = [];
  const missing: string[] = [];
  for (const a of benchAdapters) {
    const file =
      a.file === 'chaos'
        ? latestChaos()
        : a.file === 'steering'
          ? latestSteering()
          : join(RESULTS, `${a.file}.json`);
    const doc = file ? readJson(file) : undefined;
    if (!doc) {
      missing.push(a.file);
      continue;
    }
    try {
      figures.push(...a.figures(doc));
    } catch (err) {
      missing.push(`${a.file} (unreadable: ${(err as Error).message})`);
    }
  }
  // Any result without an adapter is still listed, so nothing measured is silently left out.
  const known = new Set(benchAdapters.map((a) => a.file));
  const unknown = existsSync(RESULTS)
    ? readdirSync(RESULTS)
        .filter(
          (f) =>
            f.endsWith('.json') &&
            !f.startsWith('chaos-') &&
            !f.startsWith('steering-') &&
            !known.has(basename(f, '.json')),
        )
        .map((f) => basename(f, '.json'))
    : [];

  const chaosFile = latestChaos();
  const chaos = chaosFile
    ? (readJson(chaosFile) as { timeline?: Parameters<typeof renderTimelineSvg>[0] } | undefined)
    : undefined;
  if (chaos?.timeline) writeFileSync(join(BENCH, 'failover-timeline.svg'), renderTimelineSvg(chaos.timeline));

  const lines: string[] = [
    '# Benchmark results',
    '',
    'Generated by `npm run bench` (bench/run-all.ts) — do not edit by hand. Every figure is printed beside',
    'the peer or floor it is judged against, measured in the same run of its benchmark; the ratio is',
    'figure ÷ peer (for times and CPU lower is better, for rates higher is better).',
    '',
    `Machine: ${machineLine(machine)}.`,
    'A shared 2-core machine swings run to run; the ratios are the comparable part.',
    '',
    '| area | figure | value | peer / floor | peer value | ratio | target | measured |',
    '|---|---|---|---|---|---|---|---|',
    ...figures.map(
      (f) =>
        `| ${esc(f.area)} | ${esc(f.figure)} | ${esc(f.value)} | ${esc(f.peer)} | ${esc(f.peerValue)} | ${esc(
          f.ratio,
        )} | ${esc(f.target ?? '')} | ${esc(f.at ?? '')} |`,
    ),
    '',
  ];
  if (chaos?.timeline)
    lines.push(
      '## Failover timeline (chaos scenario 1)',
      '',
      '![failover timeline](failover-timeline.svg)',
      '',
      `From ${chaosFile ? `results/${basename(chaosFile)}` : 'the chaos run'}: each prober's vote on the failed endpoint, the quorum, the region state with its failback hold-down, and the answer the client's dig got.`,
      '',
    );
  if (runs.length > 0) {
    lines.push('## This run', '', '| benchmark | status | seconds | detail |', '|---|---|---|---|');
    for (const r of runs) lines.push(`| ${r.name} | ${r.status} | ${r.seconds} | ${esc(r.detail ?? '')} |`);
    lines.push('');
  }
  if (missing.length > 0 || unknown.length > 0) {
    lines.push('## Not in the table', '');
    for (const m of missing) lines.push(`- ${m}: no result file (benchmark not run, failed, or skipped)`);
    for (const u of unknown) lines.push(`- ${u}: results/${u}.json has no adapter in bench/lib/adapters.ts`);
    lines.push('');
  }
  writeFileSync(join(BENCH, 'RESULTS.md'), `${lines.join('\n')}`);
  console.log(`\nwrote bench/RESULTS.md (${figures.length} figures)`);
  for (const r of runs) if (r.status !== 'ok') console.log(`  ${r.name}: ${r.status} ${r.detail ?? ''}`);
}

await main();
