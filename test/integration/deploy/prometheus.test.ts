// deploy/prometheus/rules.yaml and deploy/grafana/geofailover.json against the metrics a real
// controller exports: a `geofailover controller` (the CLI, on loopback, builtin provider) takes
// signed reports that take a region down, then its /metrics is scraped. Every metric a rule, a
// promtool test series or a dashboard panel names must exist there, with the labels it uses (label
// names from the controller's prom-client registry); then `promtool check rules` and
// `promtool test rules` run the alerts on those series.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ControllerMetrics } from '../../../src/api/index.ts';
import { controllerYaml, ENDPOINTS, FAILOVER_3, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';
import { families, familyOf, labelRefs, metricRefs } from './promql.ts';

const ROOT = join(import.meta.dirname, '../../..');
const RULES = join(ROOT, 'deploy/prometheus/rules.yaml');
const RULES_TEST = join(ROOT, 'deploy/prometheus/rules.test.yaml');
const DASHBOARD = join(ROOT, 'deploy/grafana/geofailover.json');

const promtoolMissing = (() => {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'promtool is not installed (apt-get install prometheus)';
  }
})();
if (promtoolMissing) console.warn(`skipping promtool checks: ${promtoolMissing}`);

/** Labels Prometheus itself attaches to every scraped series. */
const TARGET_LABELS = ['instance', 'job'];

/** Label names per metric family, from the controller's own registry (prom-client). */
function registryLabels(): Map<string, Set<string>> {
  const m = new ControllerMetrics({ defaults: false });
  const out = new Map<string, Set<string>>();
  for (const metric of m.registry.getMetricsAsArray()) {
    const names = (metric as unknown as { labelNames?: string[] }).labelNames ?? [];
    out.set(metric.name, new Set(names));
  }
  return out;
}

let dir: string;
let child: ChildProcess;
let exposition = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gf-metrics-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    controllerYaml({
      owner: 'metrics-test',
      stateDir: dir,
      regions: 3,
      provider: '{ kind: builtin }',
      records: [FAILOVER_3],
    }),
  );
  child = spawn(process.execPath, ['bin/geofailover.js', 'controller', '--config', file], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...KEY_ENV, GEOFAILOVER_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`controller did not start: ${stderr}`)), 45_000);
    child.stderr!.on('data', (c) => {
      stderr += c;
      const m = /listening on (http:\/\/\S+?);?\s/.exec(stderr);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`controller exited ${code}: ${stderr}`)));
  });
  // us-east fails on every prober: a region transition, a reconcile, DNS changes and propagation.
  const endpoints = Object.values(ENDPOINTS);
  for (let i = 0; i < 3; i++) await round(url, KEYS, endpoints, new Set(['use-a']));
  // A rejected report (unknown prober) for the rejection counter's label.
  await fetch(`${url}/v1/reports`, { method: 'POST', body: '{}' });
  const until = Date.now() + 30_000;
  for (;;) {
    exposition = await (await fetch(`${url}/metrics`)).text();
    if (/geofailover_region_transitions_total\{[^}]*region="us-east"/.test(exposition)) break;
    if (Date.now() > until) throw new Error('no region transition in /metrics after 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Problems with an expression: metrics the controller does not export, labels they do not carry. */
function problems(expr: string, where: string): string[] {
  const fams = families(exposition);
  const labels = registryLabels();
  const out: string[] = [];
  const known = new Set<string>(TARGET_LABELS);
  for (const name of metricRefs(expr)) {
    const fam = familyOf(name, fams);
    if (!fam) {
      out.push(`${where}: metric ${name} is not in the controller's /metrics`);
      continue;
    }
    for (const l of labels.get(fam) ?? []) known.add(l);
    if (fams.get(fam) === 'histogram') known.add('le');
  }
  for (const l of labelRefs(expr))
    if (!known.has(l)) out.push(`${where}: label ${l} is on none of its metrics`);
  return out;
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
}

describe("alert rules and dashboard over the controller's real metrics", () => {
  it('the scrape has the families the rules are about', () => {
    const fams = families(exposition);
    for (const f of [
      'geofailover_region_up',
      'geofailover_prober_fresh',
      'geofailover_prober_impaired',
      'geofailover_fail_static',
      'geofailover_leader',
      'geofailover_propagation_seconds',
    ])
      expect(fams.has(f), f).toBe(true);
    expect(exposition).toMatch(/geofailover_prober_fresh\{prober="p1"\} 1/);
    expect(exposition).toMatch(/geofailover_region_up\{region="us-east"\} 0/);
  });

  it('the checker refuses a metric or label that does not exist', () => {
    expect(problems('rate(geofailover_region_dwn[5m])', 't')).toEqual([
      "t: metric geofailover_region_dwn is not in the controller's /metrics",
    ]);
    expect(problems('max by (zone) (geofailover_region_up)', 't')).toEqual([
      't: label zone is on none of its metrics',
    ]);
    expect(problems('up{job="x"} == 0', 't')).toEqual(["t: metric up is not in the controller's /metrics"]);
    expect(
      problems(
        'histogram_quantile(0.9, sum by (le) (rate(geofailover_propagation_seconds_bucket[5m])))',
        't',
      ),
    ).toEqual([]);
  });

  it('every rule in rules.yaml refers only to metrics and labels the controller exports', () => {
    const { groups } = parse(readFileSync(RULES, 'utf8')) as { groups: { name: string; rules: Rule[] }[] };
    const rules = groups.flatMap((g) => g.rules);
    const alerts = rules.map((r) => r.alert);
    for (const a of [
      'GeofailoverRegionDown',
      'GeofailoverFailover',
      'GeofailoverProberStale',
      'GeofailoverProberImpaired',
      'GeofailoverProviderErrors',
      'GeofailoverPropagationSlow',
      'GeofailoverLeaderLost',
      'GeofailoverFailStatic',
    ])
      expect(alerts).toContain(a);
    expect(rules.flatMap((r) => problems(r.expr, r.alert ?? r.record ?? '?'))).toEqual([]);
  });

  it('the promtool test series have the names and labels of the real metrics', () => {
    const doc = parse(readFileSync(RULES_TEST, 'utf8')) as {
      tests: { name: string; input_series: { series: string }[] }[];
    };
    const series = doc.tests.flatMap((t) => t.input_series.map((s) => ({ test: t.name, s: s.series })));
    expect(series.length).toBeGreaterThan(10);
    expect(series.flatMap(({ test, s }) => problems(s, `${test}: ${s}`))).toEqual([]);
  });

  it.skipIf(promtoolMissing !== undefined)('promtool check rules and promtool test rules pass', () => {
    const check = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const test = spawnSync('promtool', ['test', 'rules', RULES_TEST], {
      encoding: 'utf8',
      cwd: join(ROOT, 'deploy/prometheus'),
    });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toContain('SUCCESS');
  });

  it('every query of the Grafana dashboard refers only to metrics and labels the controller exports', () => {
    const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      uid: string;
      panels: { id: number; title: string; type: string; targets?: { expr: string }[] }[];
      templating: { list: { name: string; query: unknown }[] };
      annotations: { list: { name: string; expr?: string }[] };
    };
    expect(dash.uid).toBe('geofailover');
    const ids = dash.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const queries = [
      ...dash.panels.flatMap((p) =>
        (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr })),
      ),
      ...dash.annotations.list.flatMap((a) =>
        a.expr ? [{ where: `annotation "${a.name}"`, expr: a.expr }] : [],
      ),
      ...dash.templating.list.flatMap((v) => {
        const q = typeof v.query === 'string' ? v.query : (v.query as { query?: string })?.query;
        const m = q ? /^label_values\((\w+),\s*(\w+)\)$/.exec(q) : null;
        return m ? [{ where: `variable $${v.name}`, expr: `max by (${m[2]}) (${m[1]})` }] : [];
      }),
    ];
    expect(queries.length).toBeGreaterThan(20);
    expect(queries.flatMap((q) => problems(q.expr, q.where))).toEqual([]);
    // Every metric family the controller exports about DNS health is on the dashboard.
    const used = new Set(
      queries.flatMap((q) => metricRefs(q.expr).map((n) => familyOf(n, families(exposition)))),
    );
    const ours = [...families(exposition).keys()].filter((f) => f.startsWith('geofailover_'));
    expect(ours.filter((f) => !used.has(f))).toEqual([]);
  });
});
