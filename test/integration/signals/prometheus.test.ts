// A prometheus signal against a real `prometheus` (scraping a /metrics target this test controls every
// 1 s): the controller polls a PromQL query, the value crossing the threshold vetoes eu-west although
// every prober says up (DNS fails over), back under it the region recovers through its failback
// hold-down, and a target that stops being scraped is missing data (whenMissing down). Status,
// explain, events and metrics carry the signal. A query Prometheus rejects stops `validate` and the
// controller start in Prometheus's own words; an unreachable Prometheus is only a warning.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import type { StatusDoc } from '../../../src/api/index.ts';
import { ConfigError } from '../../../src/config/index.ts';
import { type RunningController, renderExplain, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { runGeofailover } from '../../helpers/cli.ts';
import {
  controllerConfig,
  controllerYaml,
  ENDPOINTS,
  KEY_ENV,
  KEYS,
} from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';
import { binary, freePort, MetricsTarget, Prometheus, until } from './servers.ts';

const bin = binary('prometheus');
if (!bin)
  console.warn('skipping the prometheus signal tests: no prometheus binary (apt-get install prometheus)');

const RECORD =
  '      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [eu-west, us-east] } }';
const EU = '198.51.100.10';
const US = '192.0.2.10';

function signalYaml(url: string, query = 'app_error_ratio{region="eu-west"}'): string {
  return `signals:
  - name: euw-errors
    kind: prometheus
    url: ${url}
    query: '${query}'
    downWhen: { op: ">", value: 0.05 }
    region: eu-west
    interval: 1s
    whenMissing: down
`;
}

function options(dir: string, url: string, query?: string) {
  return {
    owner: 'signals-test',
    stateDir: dir,
    records: [RECORD],
    health: { failbackAfter: '2s', fall: 2, rise: 2 },
    extra: signalYaml(url, query),
  };
}

let target: MetricsTarget;
let prom: Prometheus;

beforeAll(async () => {
  if (!bin) return;
  target = await MetricsTarget.start(0.01);
  prom = await Prometheus.start(bin, target.port);
  // The first scrape: the series exists before the controller asks.
  await until(
    () => prom.query('app_error_ratio'),
    (d) => ((d as { data?: { result?: unknown[] } }).data?.result?.length ?? 0) === 1,
  );
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  await target?.close();
});

async function status(url: string): Promise<StatusDoc> {
  return (await (await fetch(`${url}/v1/status`)).json()) as StatusDoc;
}

const appValues = (p: MemoryProvider) =>
  p.all('example.com.').find((r) => r.name === 'app.example.com.' && r.type === 'A')?.values;

describe.skipIf(!bin)('prometheus signal (real prometheus)', () => {
  let ctl: RunningController;
  const mem = new MemoryProvider('p', 'signals-test');

  afterAll(async () => {
    await ctl?.stop();
  });

  it('vetoes eu-west while the value is over the threshold, and lets it back through the hold-down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-sig-prom-'));
    ctl = await startController({
      config: controllerConfig(options(dir, prom.url)),
      env: KEY_ENV,
      logger: silentLogger(),
      providers: new Map([['p', mem]]),
    });
    const endpoints = [ENDPOINTS['us-east'], ENDPOINTS['eu-west']];
    await round(ctl.url, KEYS, endpoints);
    await round(ctl.url, KEYS, endpoints);
    const up = await until(
      () => status(ctl.url),
      (s) => s.signals?.[0]?.state === 'up',
    );
    expect(up.signals![0]).toMatchObject({
      name: 'euw-errors',
      kind: 'prometheus',
      effect: 'veto',
      target: 'region eu-west',
      acting: false,
      last: { outcome: 'up', value: 0.01 },
    });
    await until(
      () => appValues(mem),
      (v) => v?.join() === EU,
    );

    // The value crosses the threshold: after fall (2) evaluations eu-west is vetoed, DNS fails over.
    const flipped = Date.now();
    target.value = 0.5;
    await until(
      () => appValues(mem),
      (v) => v?.join() === US,
    );
    const failoverMs = Date.now() - flipped;
    console.log(
      `prometheus signal: threshold crossed -> DNS failed over in ${failoverMs} ms (scrape 1s, interval 1s, fall 2)`,
    );
    const down = await status(ctl.url);
    const euw = down.regions.find((r) => r.id === 'eu-west')!;
    expect(euw.status).toBe('down');
    expect(euw.outBecause).toMatch(/^held down by signal euw-errors \(veto\): value 0\.5 > 0\.05/);
    // Every prober still says up: only the signal holds it down.
    expect(euw.endpoints[0]!.state).toBe('up');
    expect(down.signals![0]).toMatchObject({
      state: 'down',
      acting: true,
      last: { outcome: 'down', value: 0.5 },
    });
    expect(down.signals![0]!.words).toBe('eu-west down: value 0.5 > 0.05 (veto)');

    const events = (await (
      await fetch(`${ctl.url}/v1/events?type=signal-transition,region-transition`)
    ).json()) as {
      events: { type: string; region?: string; to: string; evidence: Record<string, unknown> }[];
    };
    const st = events.events.find((e) => e.type === 'signal-transition' && e.to === 'down')!;
    expect(st.evidence).toMatchObject({ signal: 'euw-errors', kind: 'prometheus', value: 0.5 });
    const rt = events.events.findLast((e) => e.type === 'region-transition' && e.region === 'eu-west')!;
    expect(rt).toMatchObject({ to: 'down', evidence: { trigger: 'signal euw-errors down (veto)' } });

    const explained = (await (
      await fetch(`${ctl.url}/v1/explain?name=app.example.com`)
    ).json()) as Parameters<typeof renderExplain>[0];
    const text = renderExplain(explained);
    expect(text).toContain('      signal euw-errors: eu-west down: value 0.5 > 0.05 (veto)');

    const metrics = await (await fetch(`${ctl.url}/metrics`)).text();
    expect(metrics).toMatch(/geofailover_signal_up\{signal="euw-errors",kind="prometheus",effect="veto"\} 0/);
    expect(metrics).toMatch(/geofailover_signal_value\{signal="euw-errors"\} 0\.5/);

    // Back under the threshold: the signal rises, the region waits out its hold-down (2 s), then serves.
    target.value = 0.01;
    await until(
      () => status(ctl.url),
      (s) => s.regions.find((r) => r.id === 'eu-west')?.phase === 'recovering',
    );
    await until(
      () => appValues(mem),
      (v) => v?.join() === EU,
    );
  });

  it('a target that is no longer scraped is missing data: whenMissing down takes eu-west down', async () => {
    target.serving = false;
    try {
      const s = await until(
        () => status(ctl.url),
        (x) => x.signals?.[0]?.state === 'down',
      );
      expect(s.signals![0]!.last).toMatchObject({ outcome: 'missing' });
      expect(s.signals![0]!.words).toMatch(/no data: the query returned no series \(whenMissing down\)/);
      await until(
        () => appValues(mem),
        (v) => v?.join() === US,
      );
    } finally {
      target.serving = true;
    }
  });
});

describe.skipIf(!bin)('a query Prometheus rejects', () => {
  it('fails validate with Prometheus’s own text, file and line; an unreachable Prometheus is a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-sig-bad-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, controllerYaml(options(dir, prom.url, 'rate(app_error_ratio)')));
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...KEY_ENV };
    const bad = await runGeofailover(['validate', '--config', file], env);
    expect(bad.code).toBe(2);
    const line = controllerYaml(options(dir, prom.url, 'rate(app_error_ratio)'))
      .split('\n')
      .findIndex((l) => l.includes('query:'));
    expect(bad.stderr).toContain(
      `${file}:${line + 1}: signals[0].query: Prometheus rejects the query: invalid parameter "query": 1:6: parse error: expected type range vector in call to function "rate", got instant vector`,
    );

    // Prometheus cannot be asked: a warning, and the config is valid.
    const nobody = `http://127.0.0.1:${await freePort()}`;
    writeFileSync(file, controllerYaml(options(dir, nobody, 'rate(app_error_ratio)')));
    const unreachable = await runGeofailover(['validate', '--config', file], env);
    expect(unreachable.code).toBe(0);
    expect(unreachable.stderr).toContain(
      `signals[0].query: not checked: Prometheus at ${nobody} is unreachable (ECONNREFUSED); the controller checks it when it starts`,
    );
  });

  it('stops the controller start with Prometheus’s own text, before anything listens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-sig-bad-'));
    const start = startController({
      config: controllerConfig(options(dir, prom.url, 'sum(app_error_ratio')),
      env: KEY_ENV,
      logger: silentLogger(),
      providers: new Map([['p', new MemoryProvider('p', 'signals-test')]]),
      configFile: 'controller.yaml',
    });
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    await expect(start).rejects.toThrow(
      /controller\.yaml: signals\[0\]\.query: signal euw-errors: Prometheus rejects the query: invalid parameter "query": 1:20: parse error: unclosed left parenthesis/,
    );
  });
});
