// The operator CLI against a running controller (real binary): override up --for /
// --clear / unoverride, maintenance add/list/remove, status showing both, events showing the actor,
// plan --at planning a config window (and, on the controller's host, an API window) as drained, and
// one clear error for bad input.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerConfig, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';

const run = promisify(execFile);
const ONCALL = 'oncall-cli-token-456';
let ctl: RunningController;
const STATE_DIR = mkdtempSync(join(tmpdir(), 'gf-cli-op-'));

beforeAll(async () => {
  const cfg = controllerConfig({ owner: 'cli-op', stateDir: STATE_DIR });
  cfg.controller.tokens = [{ name: 'oncall', role: 'operate', tokenEnv: 'T_ONCALL' }];
  ctl = await startController({
    config: cfg,
    env: { ...KEY_ENV, T_ONCALL: ONCALL },
    logger: silentLogger(),
    providers: new Map([['p', new MemoryProvider('p', 'cli-op')]]),
  });
  for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ['use-a', 'euw-a']);
  await ctl.reconcileNow();
}, 30_000);

afterAll(async () => {
  await ctl?.stop();
});

const cli = (args: string[], token = ONCALL) =>
  run('node', ['bin/geofailover.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, GEOFAILOVER_API_TOKEN: token },
  });

async function fails(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await cli(args);
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`expected ${args.join(' ')} to fail`);
}

describe('operator CLI: overrides and maintenance', () => {
  it('override up --for, status and events show it with the actor; --clear lifts it', async () => {
    const set = await cli([
      'override',
      'eu-west',
      'up',
      '--for',
      '30m',
      '--reason',
      'checks wrong',
      '--controller',
      ctl.url,
    ]);
    expect(set.stdout).toMatch(/^forced eu-west UP until \d{4}-.*; status UP/);
    const status = await cli(['status', '--controller', ctl.url]);
    expect(status.stdout).toMatch(/eu-west\s+UP\s.*FORCED UP by \S+ until .*: checks wrong/);
    const events = await cli(['events', '--controller', ctl.url, '--type', 'override']);
    expect(events.stdout).toMatch(/override\s+eu-west up -> up .*by oncall/);
    const cleared = await cli(['override', 'eu-west', '--clear', '--controller', ctl.url]);
    expect(cleared.stdout).toBe('override of eu-west lifted; status UP\n');
    await cli(['override', 'eu-west', 'up', '--for', '1h', '--reason', 'again', '--controller', ctl.url]);
    expect((await cli(['unoverride', 'eu-west', '--controller', ctl.url])).stdout).toMatch(/lifted/);
  }, 90_000);

  it('bad input: one clear message, exit 2', async () => {
    const noFor = await fails(['override', 'eu-west', 'up', '--reason', 'x', '--controller', ctl.url]);
    expect(noFor.code).toBe(2);
    expect(noFor.stderr).toMatch(/an override needs --for/);
    const down = await fails([
      'override',
      'eu-west',
      'down',
      '--for',
      '1h',
      '--reason',
      'x',
      '--controller',
      ctl.url,
    ]);
    expect(down.stderr).toMatch(/the state must be "up", not "down"/);
    const unknown = await fails([
      'override',
      'mars',
      'up',
      '--for',
      '1h',
      '--reason',
      'x',
      '--controller',
      ctl.url,
    ]);
    expect(unknown.stderr).toMatch(/unknown region "mars"/);
    const past = await fails([
      'maintenance',
      'add',
      'us-east',
      '--reason',
      'x',
      '--start',
      '2020-01-01T00:00:00Z',
      '--duration',
      '1h',
      '--controller',
      ctl.url,
    ]);
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/controller answered 400: the window is in the past/);
  }, 90_000);

  it('maintenance add, list (with status showing it upcoming) and remove', async () => {
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const add = await cli([
      'maintenance',
      'add',
      'us-east',
      '--reason',
      'kernel',
      '--start',
      start,
      '--duration',
      '2h',
      '--id',
      'k1',
      '--controller',
      ctl.url,
    ]);
    expect(add.stdout).toMatch(/k1\s+us-east\s+\S+\s+120m\s+next /);
    const list = await cli(['maintenance', 'list', '--controller', ctl.url]);
    expect(list.stdout).toMatch(/ID\s+REGION\s+WHEN/);
    expect(list.stdout).toMatch(/k1\s+us-east/);
    const status = await cli(['status', '--controller', ctl.url]);
    expect(status.stdout).toMatch(/MAINTENANCE\s+REGION\s+STARTS/);
    expect(status.stdout).toMatch(/k1\s+us-east\s+\S+ \(in (59|60)m\)/);
    expect((await cli(['maintenance', 'remove', 'k1', '--controller', ctl.url])).stdout).toBe(
      'removed maintenance window k1\n',
    );
    const events = await cli([
      'events',
      '--controller',
      ctl.url,
      '--type',
      'maintenance-added',
      'maintenance-removed',
    ]);
    expect(events.stdout).toMatch(/maintenance-added\s+us-east window k1 by oncall/);
    expect(events.stdout).toMatch(/maintenance-removed\s+us-east window k1 by oncall/);
  }, 90_000);
});

describe('plan --at', () => {
  it('plans the regions in a config maintenance window at that time as drained', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-plan-at-'));
    const file = join(dir, 'c.yaml');
    // No controller ran with this state dir: the API's windows are not seen from here.
    const base = (stateDir: string) =>
      `controller: { stateDir: ${JSON.stringify(stateDir)} }
owner: plan-at
regions:
  - { id: us-east, endpoints: [{ id: use-a, address: 192.0.2.10, check: { kind: tcp, port: 80 } }] }
  - { id: eu-west, endpoints: [{ id: euw-a, address: 198.51.100.10, check: { kind: tcp, port: 80 } }] }
providers: { local: { kind: builtin, storeFile: ${JSON.stringify(join(dir, 'zones.json'))} } }
zones:
  - name: example.com
    provider: local
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west] } }
maintenance:
  - { id: sunday, region: us-east, reason: patching, cron: "0 2 * * 0", duration: 2h }
`;
    writeFileSync(file, base(join(dir, 'no-controller-here')));
    const during = await cli(['plan', '--config', file, '--at', '2027-01-03T02:30:00Z']);
    expect(during.stderr).toMatch(
      /planning at 2027-01-03T02:30:00.000Z: in maintenance, planned as drained: us-east \(window sunday until 2027-01-03T04:00:00.000Z: patching\)/,
    );
    expect(during.stdout).toMatch(/\+ create app\.example\.com\.? A .*198\.51\.100\.10/);
    const outside = await cli(['plan', '--config', file, '--at', '2027-01-03T05:00:00Z']);
    expect(outside.stderr).toMatch(/no region is in a maintenance window/);
    expect(outside.stdout).toMatch(/192\.0\.2\.10/);
    expect(outside.stderr).toMatch(/windows added through the API: not seen \(no \S+maintenance\.json here/);
    // planning wrote nothing, not even the state dir it looked in
    expect(existsSync(join(dir, 'no-controller-here'))).toBe(false);

    // Where the controller keeps its state dir, the windows added through the API count as well.
    const add = [
      'maintenance',
      'add',
      'us-east',
      '--reason',
      'db upgrade',
      '--start',
      '2027-01-10T10:00:00Z',
    ];
    await cli([...add, '--duration', '1h', '--id', 'db', '--controller', ctl.url]);
    const withApi = join(dir, 'with-api.yaml');
    writeFileSync(withApi, base(STATE_DIR));
    const api = await cli(['plan', '--config', withApi, '--at', '2027-01-10T10:30:00Z']);
    expect(api.stderr).toMatch(
      /planned as drained: us-east \(window db until 2027-01-10T11:00:00\.000Z: db upgrade\)/,
    );
    expect(api.stderr).toMatch(/windows added through the API: 1, from \S+maintenance\.json/);
    expect(api.stdout).toMatch(/198\.51\.100\.10/);
    await cli(['maintenance', 'remove', 'db', '--controller', ctl.url]);
    const bad = await fails(['plan', '--config', file, '--at', 'tomorrow']);
    expect(bad.stderr).toMatch(/--at tomorrow is not an ISO 8601 time with a zone/);
  }, 90_000);
});
