// Maintenance window times are bounded at every edge: a start or end outside the years 2000 to 2199
// is a 400 from the API and a validate error naming the field, the value, the range and the remedy,
// never a window that later turns GET /v1/status into a 500. A window kept from before that bound
// (the state dir after an upgrade) is reported as a status problem, and status still answers.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import type { StatusDoc } from '../../../src/api/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { runGeofailover } from '../../helpers/cli.ts';
import { controllerConfig, controllerYaml, KEY_ENV } from '../../helpers/controller-config.ts';
import { HostileTally } from '../../helpers/hostile.ts';

const TOKEN = 'window-times-token-0123456789abcdef';
const tally = new HostileTally('window-times');
const running: RunningController[] = [];

async function start(stateDir: string): Promise<RunningController> {
  const cfg = controllerConfig({ owner: 'win-times', stateDir });
  cfg.controller.tokens = [{ name: 'oncall', role: 'operate', tokenEnv: 'T_ONCALL' }];
  const ctl = await startController({
    config: cfg,
    env: { ...KEY_ENV, T_ONCALL: TOKEN },
    logger: silentLogger(),
    providers: new Map([['p', new MemoryProvider('p', 'win-times')]]),
  });
  running.push(ctl);
  return ctl;
}

afterAll(async () => {
  for (const c of running.splice(0)) await c.stop();
  tally.record();
});

const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const post = (ctl: RunningController, body: string) =>
  fetch(`${ctl.url}/v1/maintenance`, { method: 'POST', headers: auth, body });
const statusOf = async (ctl: RunningController) => {
  const res = await fetch(`${ctl.url}/v1/status`);
  return { code: res.status, doc: (await res.json()) as StatusDoc };
};

describe('window times through the API', () => {
  let ctl: RunningController;
  beforeAll(async () => {
    ctl = await start(mkdtempSync(join(tmpdir(), 'gf-win-times-')));
  });

  const OUT_OF_RANGE: [string, string, string][] = [
    ['start', '+275760-09-13T00:00:00Z', '"durationMs":60000'],
    ['start', '+275760-09-12T23:00:00Z', '"durationMs":7200000'],
    ['start', '+010000-01-01T00:00:00Z', '"durationMs":60000'],
    ['start', '2200-01-01T00:00:00Z', '"durationMs":60000'],
    ['start', '1999-12-31T23:59:59Z', '"durationMs":60000'],
    ['start', '1970-01-01T00:00:00Z', '"durationMs":60000'],
    ['start', '-000001-01-01T00:00:00Z', '"durationMs":60000'],
    ['end', '+275760-09-13T00:00:00Z', '"start":"2030-01-01T00:00:00Z"'],
    ['end', '2200-06-01T00:00:00+02:00', '"start":"2199-12-01T00:00:00Z"'],
  ];
  it.each(OUT_OF_RANGE)(
    'POST %s %s is a 400 naming the field, the value and the range',
    async (field, time, rest) => {
      const res = await post(ctl, `{"region":"us-east","reason":"t","${field}":"${time}",${rest}}`);
      const body = (await res.json()) as { error?: string };
      const status = await statusOf(ctl);
      const want = `"${field}" must be a time in the years 2000 to 2199 (UTC); got ${time}: give a time in that range`;
      const ok =
        res.status === 400 &&
        (body.error ?? '').startsWith(want) &&
        status.code === 200 &&
        ctl.engine.windows().length === 0;
      tally.add(ok);
      expect(res.status).toBe(400);
      expect(body.error?.startsWith(want), body.error).toBe(true);
      expect(status.code).toBe(200);
      expect(ctl.engine.windows()).toEqual([]);
    },
  );

  it('a window inside the range is accepted, and status answers with it', async () => {
    const res = await post(
      ctl,
      '{"id":"late","region":"us-east","reason":"t","start":"2199-12-31T00:00:00Z","durationMs":86400000}',
    );
    expect(res.status).toBe(201);
    const status = await statusOf(ctl);
    expect(status.code).toBe(200);
    expect(status.doc.maintenance?.upcoming.map((w) => [w.window, w.end])).toEqual([
      ['late', '2200-01-01T00:00:00.000Z'],
    ]);
  });
});

describe('a window kept from before the bound (the state dir after an upgrade)', () => {
  let ctl: RunningController;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-win-kept-'));
    mkdirSync(dir, { recursive: true });
    const windows = [
      {
        id: 'end-of-time',
        region: 'us-east',
        reason: 'accepted by an older version',
        author: 'oncall',
        start: '+275760-09-13T00:00:00.000Z',
        durationMs: 60_000,
        notifyBeforeMs: 900_000,
        at: '2026-01-01T00:00:00.000Z',
      },
    ];
    writeFileSync(join(dir, 'maintenance.json'), `${JSON.stringify({ version: 1, windows }, null, 2)}\n`);
    ctl = await start(dir);
  });

  it('GET /v1/status answers 200 and names the window as a problem, with the remedy', async () => {
    const { code, doc } = await statusOf(ctl);
    const problem = doc.problems.find((p) => p.kind === 'maintenance-window');
    tally.add(code === 200 && problem !== undefined);
    expect(code).toBe(200);
    expect(problem?.window).toBe('end-of-time');
    expect(problem?.message).toMatch(
      /maintenance window end-of-time .*start .* outside the years 2000 to 2199/,
    );
    expect(problem?.message).toMatch(/geofailover maintenance remove end-of-time/);
    expect(doc.maintenance?.upcoming).toEqual([]);
  });

  it("GET /v1/timeline answers 200: the dashboard's bands never throw on the kept window", async () => {
    const res = await fetch(`${ctl.url}/v1/timeline`);
    tally.add(res.status === 200);
    expect(res.status).toBe(200);
  });

  it('GET /v1/maintenance answers 200 and the status command exits 0, showing the problem', async () => {
    const list = await fetch(`${ctl.url}/v1/maintenance`);
    expect(list.status).toBe(200);
    const run = await runGeofailover(['status', '--controller', ctl.url], { PATH: process.env.PATH });
    tally.add(list.status === 200 && run.code === 0);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/PROBLEM maintenance-window .*end-of-time/);
  });

  it('deleting the window clears the problem', async () => {
    const res = await fetch(`${ctl.url}/v1/maintenance/end-of-time`, { method: 'DELETE', headers: auth });
    expect(res.status).toBe(200);
    const { code, doc } = await statusOf(ctl);
    expect(code).toBe(200);
    expect(doc.problems.filter((p) => p.kind === 'maintenance-window')).toEqual([]);
  });
});

describe('window times in the config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gf-win-config-'));
  const CASES: [string, string, string][] = [
    ['start', '"+275760-09-13T00:00:00Z"', 'duration: 1m'],
    ['start', '"1969-07-20T20:17:00Z"', 'duration: 1m'],
    ['end', '"+275760-09-13T00:00:00Z"', 'start: "2030-01-01T00:00:00Z"'],
  ];
  it.each(CASES)(
    'validate refuses maintenance %s %s (exit 2, field, value, range, remedy)',
    async (field, time, rest) => {
      const file = join(dir, `${field}-${time.length}.yaml`);
      const yaml = controllerYaml({
        owner: 'win-config',
        stateDir: join(dir, 'state'),
        extra: `maintenance:\n  - { region: us-east, reason: t, ${field}: ${time}, ${rest} }\n`,
      });
      writeFileSync(file, yaml);
      const run = await runGeofailover(['validate', '--config', file], { PATH: process.env.PATH });
      const line = `maintenance[0].${field}: must be a time in the years 2000 to 2199 (UTC); got ${JSON.parse(time)}: give a time in that range`;
      tally.add(run.code === 2 && run.stderr.includes(line));
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(line);
    },
  );

  it('plan --at outside the range is refused (exit 2) before anything is read', async () => {
    const file = join(dir, 'plan.yaml');
    writeFileSync(file, controllerYaml({ owner: 'win-config', stateDir: join(dir, 'state') }));
    const at = '+275760-09-13T00:00:00Z';
    const run = await runGeofailover(['plan', '--config', file, '--at', at], { PATH: process.env.PATH });
    const ok = run.code === 2 && run.stderr.includes(`--at ${at} is outside the years 2000 to 2199 (UTC)`);
    tally.add(ok);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--at ${at} is outside the years 2000 to 2199 (UTC)`);
    expect(run.stderr).toContain('remedy: give a time in that range');
  });
});
