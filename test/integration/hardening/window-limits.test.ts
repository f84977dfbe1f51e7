// How many maintenance windows there are and how often a cron window starts are bounded: at most 100
// windows, a cron window at most once a minute, refused with a 400 from the API and a validate error
// naming the limit and the remedy. Windows kept from before the limits (every-second crons lasting
// days, which once took /healthz from 2 ms to seconds) are reported, and the controller stays quick.
import { mkdtempSync, writeFileSync } from 'node:fs';
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

const TOKEN = 'window-limits-token-0123456789abcdef';
const DAY = 86_400_000;
const tally = new HostileTally('window-limits');
const running: RunningController[] = [];

async function start(stateDir: string): Promise<RunningController> {
  const cfg = controllerConfig({ owner: 'win-limits', stateDir });
  cfg.controller.tokens = [{ name: 'oncall', role: 'operate', tokenEnv: 'T_ONCALL' }];
  const ctl = await startController({
    config: cfg,
    env: { ...KEY_ENV, T_ONCALL: TOKEN },
    logger: silentLogger(),
    providers: new Map([['p', new MemoryProvider('p', 'win-limits')]]),
  });
  running.push(ctl);
  return ctl;
}

afterAll(async () => {
  for (const c of running.splice(0)) await c.stop();
  tally.record();
});

const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const post = (ctl: RunningController, body: unknown) =>
  fetch(`${ctl.url}/v1/maintenance`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
const FUTURE = () => new Date(Date.now() + DAY).toISOString();

/** Milliseconds of each of `n` sequential GETs of `path`, sorted; stops after one over two seconds. */
async function latencies(ctl: RunningController, path: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(`${ctl.url}${path}`);
    await res.arrayBuffer();
    out.push(performance.now() - t);
    expect(res.status).toBe(200);
    if (out.at(-1)! > 2000) break;
  }
  return out.sort((a, b) => a - b);
}

describe('window limits through the API', () => {
  let ctl: RunningController;
  beforeAll(async () => {
    ctl = await start(mkdtempSync(join(tmpdir(), 'gf-win-limits-')));
  });

  const TOO_OFTEN: [string, number][] = [
    ['* * * * * *', 60],
    ['*/30 * * * * *', 2],
    ['0,1 * * * * *', 2],
    ['*/2 0 2 * * 0', 30],
  ];
  it.each(TOO_OFTEN)('POST cron "%s" is a 400: it starts %i times a minute', async (cron, n) => {
    const res = await post(ctl, { region: 'us-east', reason: 't', cron, durationMs: 3 * DAY });
    const body = (await res.json()) as { error?: string };
    const want = `"cron": "${cron}" starts ${n} times a minute; a maintenance window may start at most once a minute: use 5 fields (minute resolution) or one number in the seconds field`;
    tally.add(res.status === 400 && body.error === want && ctl.engine.windows().length === 0);
    expect(res.status).toBe(400);
    expect(body.error).toBe(want);
    expect(ctl.engine.windows()).toEqual([]);
  });

  it('a six-field cron with one second value is accepted', async () => {
    const res = await post(ctl, {
      id: 'sec30',
      region: 'us-east',
      reason: 't',
      cron: '30 0 2 * * 0',
      durationMs: 60_000,
    });
    expect(res.status).toBe(201);
    expect((await fetch(`${ctl.url}/v1/maintenance/sec30`, { method: 'DELETE', headers: auth })).status).toBe(
      200,
    );
  });

  it('the 101st window is a 400 naming the limit and the remedy; the 100 stay', async () => {
    for (let i = 0; i < 100; i++) {
      const res = await post(ctl, {
        id: `w${i}`,
        region: 'us-east',
        reason: 't',
        start: FUTURE(),
        durationMs: 60_000,
      });
      expect(res.status).toBe(201);
    }
    const res = await post(ctl, {
      id: 'w100',
      region: 'us-east',
      reason: 't',
      start: FUTURE(),
      durationMs: 60_000,
    });
    const body = (await res.json()) as { error?: string };
    const ok = res.status === 400 && /100 maintenance windows already, the limit/.test(body.error ?? '');
    tally.add(ok && ctl.engine.windows().length === 100);
    expect(res.status).toBe(400);
    expect(body.error).toMatch(
      /^there are 100 maintenance windows already, the limit: remove ones that are over or not needed \(geofailover maintenance remove ID\), or make one cron window of several one-shot ones$/,
    );
    expect(ctl.engine.windows()).toHaveLength(100);
    expect((await fetch(`${ctl.url}/v1/status`)).status).toBe(200);
  });
});

describe('every-second windows kept from before the limits (the state dir after an upgrade)', () => {
  let ctl: RunningController;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-win-kept-cron-'));
    // The old second-by-second walk cost more the later in the UTC day a window's look-back began:
    // each duration puts it near 23:40 whatever the clock says, so a stall shows at any hour.
    const lookBack = 3 * DAY + ((((Date.now() - 23 * 3_600_000 - 40 * 60_000) % DAY) + DAY) % DAY);
    const windows = [0, 1, 2, 3].map((i) => ({
      id: `every-second-${i}`,
      region: i < 2 ? 'us-east' : 'eu-west',
      reason: 'accepted by an older version',
      author: 'oncall',
      cron: '* * * * * *',
      durationMs: lookBack + i * 60_000,
      notifyBeforeMs: 900_000,
      at: '2026-01-01T00:00:00.000Z',
    }));
    writeFileSync(join(dir, 'maintenance.json'), `${JSON.stringify({ version: 1, windows }, null, 2)}\n`);
    ctl = await start(dir);
    // A few health ticks (interval 1 s) evaluate the windows.
    await new Promise((r) => setTimeout(r, 2500));
  });

  it('/healthz and /v1/status stay quick while the health ticker evaluates them', async () => {
    const health = await latencies(ctl, '/healthz', 40);
    const status = await latencies(ctl, '/v1/status', 20);
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;
    // A couple of ms each here; the old walk took /healthz to 1.3-5.7 s and status to 3-5 s.
    const ok = health.length === 40 && median(health) < 100 && median(status) < 200 && health.at(-1)! < 2000;
    tally.add(ok);
    expect(health).toHaveLength(40);
    expect(median(health)).toBeLessThan(100);
    expect(median(status)).toBeLessThan(200);
    expect(health.at(-1)!).toBeLessThan(2000);
  });

  it('they keep working (the regions are drained) and each is a status problem with the remedy', async () => {
    const doc = (await (await fetch(`${ctl.url}/v1/status`)).json()) as StatusDoc;
    expect(doc.regions.map((r) => [r.id, r.status])).toEqual([
      ['us-east', 'drained'],
      ['eu-west', 'drained'],
    ]);
    const problems = doc.problems.filter((p) => p.kind === 'maintenance-window');
    tally.add(problems.length === 4);
    expect(problems.map((p) => p.window)).toEqual([0, 1, 2, 3].map((i) => `every-second-${i}`));
    expect(problems[0]!.message).toBe(
      'maintenance window every-second-0 (region us-east, from the API): cron "* * * * * *": starts 60 times a minute; a maintenance window may start at most once a minute: use 5 fields (minute resolution) or one number in the seconds field; it is kept as it is: remove it (geofailover maintenance remove every-second-0) and add it again within the limits',
    );
  });
});

describe('window limits in the config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gf-win-limits-config-'));
  const validate = async (name: string, maintenance: string) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      controllerYaml({
        owner: 'win-config',
        stateDir: join(dir, 'state'),
        extra: `maintenance:\n${maintenance}`,
      }),
    );
    return runGeofailover(['validate', '--config', file], { PATH: process.env.PATH });
  };

  it('validate refuses an every-second cron (exit 2, the field, the period and the remedy)', async () => {
    const run = await validate(
      'every-second',
      '  - { region: us-east, reason: t, cron: "* * * * * *", duration: 3d }\n',
    );
    const line =
      'maintenance[0].cron: cron "* * * * * *" starts 60 times a minute; a maintenance window may start at most once a minute: use 5 fields (minute resolution) or one number in the seconds field';
    tally.add(run.code === 2 && run.stderr.includes(line));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(line);
  });

  it('validate refuses 101 windows (exit 2, the count, the limit and the remedy)', async () => {
    const lines = Array.from(
      { length: 101 },
      (_, i) => `  - { id: w${i}, region: us-east, reason: t, cron: "${i % 60} 2 * * 0", duration: 1h }\n`,
    ).join('');
    const run = await validate('too-many', lines);
    const line =
      'maintenance: 101 maintenance windows, over the limit of 100: remove the ones that are over or not needed, or make one cron window of several one-shot ones';
    tally.add(run.code === 2 && run.stderr.includes(line));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(line);
    const hundred = await validate('hundred', lines.split('\n').slice(0, 100).join('\n'));
    expect(hundred.code, hundred.stderr).toBe(0);
  });
});
