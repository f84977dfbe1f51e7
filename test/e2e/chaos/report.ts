// The chaos run's record: one row per scenario (expected, measured, pass/fail, and whether the issue's
// target was met), written to test-artifacts/chaos/chaos-<date>.json and printed as a table, plus the
// failover timeline of scenario 1 rendered to test-artifacts/chaos/failover-timeline.svg. A test run
// writes nothing tracked: `npm run bench` takes the newest run from there into bench/RESULTS.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type MachineInfo, machineInfo, machineLine } from '../../../bench/lib/machine.ts';
import { type FailoverTimeline, renderTimelineSvg } from '../../../bench/lib/timeline-svg.ts';

/** Where chaos runs are recorded (git ignores it); bench/run-all.ts reads the newest from here. */
export const CHAOS_RESULTS = resolve(import.meta.dirname, '../../../test-artifacts/chaos');

export interface ScenarioRow {
  id: string;
  scenario: string;
  expected: string;
  measured: string;
  /** pass | fail | skipped */
  result: 'pass' | 'fail' | 'skipped';
  /** The issue's target for this scenario, where it names one, and whether this run met it. */
  target?: { text: string; met: boolean };
  figures?: Record<string, unknown>;
  reason?: string;
}

export interface ChaosRun {
  version: 1;
  machine: MachineInfo;
  startedAt: string;
  finishedAt?: string;
  durationS?: number;
  settings: Record<string, unknown>;
  mechanisms: Record<string, string>;
  skipped?: string;
  /** Only some scenarios ran (CHAOS_ONLY). */
  partial?: boolean;
  scenarios: ScenarioRow[];
  failover?: { samplesMs: number[]; p50Ms: number; maxMs: number; faults: string[] };
  failback?: { samplesMs: number[]; failbackAfterMs: number };
  timeline?: FailoverTimeline;
}

export function newRun(settings: Record<string, unknown>): ChaosRun {
  return {
    version: 1,
    machine: machineInfo(),
    startedAt: new Date().toISOString(),
    settings,
    mechanisms: {},
    scenarios: [],
  };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A full run is chaos-<date>.json; a run of some scenarios (CHAOS_ONLY) never replaces it. */
export function resultFile(run: ChaosRun): string {
  const name = run.partial ? 'chaos-partial.json' : `chaos-${run.startedAt.slice(0, 10)}.json`;
  return join(CHAOS_RESULTS, name);
}

/** Write the JSON (and the SVG when a timeline was recorded); returns the JSON path. */
export function writeRun(run: ChaosRun): string {
  run.finishedAt = new Date().toISOString();
  run.durationS = Math.round((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000);
  const file = resultFile(run);
  mkdirSync(CHAOS_RESULTS, { recursive: true });
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  // The chart comes from full runs only (a partial one may have run scenario 1 briefly).
  if (run.timeline && !run.partial)
    writeFileSync(join(CHAOS_RESULTS, 'failover-timeline.svg'), renderTimelineSvg(run.timeline));
  return file;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function formatTable(run: ChaosRun): string {
  const head = ['#', 'scenario', 'expected', 'measured', 'result', 'target'];
  const rows = run.scenarios.map((r) => [
    r.id,
    r.scenario,
    r.expected,
    r.reason && r.result !== 'pass' ? `${r.measured} (${r.reason})` : r.measured,
    r.result.toUpperCase(),
    r.target ? `${r.target.met ? 'met' : 'MISSED'}: ${r.target.text}` : '',
  ]);
  const widths = head.map((h, i) => Math.min(70, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!)).join(' | ');
  return [
    `chaos suite — ${machineLine(run.machine)}`,
    `mechanisms: ${Object.entries(run.mechanisms)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ')}`,
    line(head),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map(line),
  ].join('\n');
}
