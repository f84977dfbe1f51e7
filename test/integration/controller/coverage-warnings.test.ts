// A drain, an override or a maintenance window that leaves a rule or record with no UP region of its
// own comes back with a warning naming them and what they will answer, through the real API (JSON)
// and the real CLI (stderr), against a controller fed with signed reports: us-east is DOWN, so taking
// eu-west out leaves www's EU and default rules, and api, to ap-south.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import type { StatusDoc } from '../../../src/api/index.ts';
import {
  type ExplainDoc,
  type RunningController,
  renderExplain,
  startController,
} from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerConfig, GEO, KEY_ENV, KEYS, WEIGHTED } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';

const run = promisify(execFile);
const TOKEN = 'oncall-coverage-token-789';
const ENDPOINTS = ['use-a', 'euw-a', 'aps-a'];
let ctl: RunningController;

beforeAll(async () => {
  const cfg = controllerConfig({
    owner: 'cover',
    stateDir: mkdtempSync(join(tmpdir(), 'gf-cover-')),
    regions: 3,
    records: [GEO, WEIGHTED],
  });
  cfg.controller.tokens = [{ name: 'oncall', role: 'operate', tokenEnv: 'T_ONCALL' }];
  ctl = await startController({
    config: cfg,
    env: { ...KEY_ENV, T_ONCALL: TOKEN },
    logger: silentLogger(),
    providers: new Map([['p', new MemoryProvider('p', 'cover')]]),
  });
  for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS);
  for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS, new Set(['use-a']));
  const end = Date.now() + 10_000;
  for (;;) {
    const s = (await (await fetch(`${ctl.url}/v1/status`)).json()) as StatusDoc;
    if (s.regions.find((r) => r.id === 'us-east')?.status === 'down') break;
    if (Date.now() > end) throw new Error('us-east never went down');
    await new Promise((r) => setTimeout(r, 25));
  }
  await ctl.reconcileNow();
}, 30_000);

afterAll(async () => {
  await ctl?.stop();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${ctl.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, doc: (await res.json()) as Record<string, unknown> };
}

interface WarningDoc {
  name: string;
  rule?: string;
  regions: string[];
  answer: { step: string; region?: string; values?: string[] };
  message: string;
}
const warningsOf = (doc: Record<string, unknown>) => doc.warnings as WarningDoc[];

const EU =
  'www.example.com. A rule continent-eu [eu-west, us-east] has no UP region of its own: eu-west is DRAINED and us-east is DOWN; fallback ap-south (any-up) answers 203.0.113.10';

function expectThree(list: WarningDoc[]) {
  expect(list.map((w) => [w.name, w.rule ?? '', w.answer])).toEqual([
    ['www.example.com.', 'continent-eu', { step: 'fallback', region: 'ap-south', values: ['203.0.113.10'] }],
    ['www.example.com.', 'default', { step: 'fallback', region: 'ap-south', values: ['203.0.113.10'] }],
    ['api.example.com.', '', { step: 'fallback', region: 'ap-south', values: ['203.0.113.10'] }],
  ]);
  expect(list[0]!.message).toBe(EU);
}

describe('warnings through the API', () => {
  it('maintenance add: the records the window leaves to their fallback, for the occurrence it names', async () => {
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const added = await call('POST', '/v1/maintenance', {
      id: 'mw-eu',
      region: 'eu-west',
      reason: 'kernel upgrade',
      start,
      durationMs: 3_600_000,
    });
    expect(added.status).toBe(201);
    expectThree(warningsOf(added.doc));
    expect(added.doc.warningsFor).toEqual({
      start: new Date(Date.parse(start)).toISOString(),
      end: new Date(Date.parse(start) + 3_600_000).toISOString(),
    });
    // Another window at the same time counts the first: nothing at all can serve then.
    const overlap = await call('POST', '/v1/maintenance', {
      id: 'mw-ap',
      region: 'ap-south',
      reason: 'patching',
      start,
      durationMs: 60_000,
    });
    expect(overlap.status).toBe(201);
    expect(warningsOf(overlap.doc).map((w) => w.answer.step)).toEqual([
      'when-all-down',
      'when-all-down',
      'when-all-down',
    ]);
    expect(warningsOf(overlap.doc)[0]!.message).toMatch(
      /and no region of the fallback any-up is UP \(fail-open\); it will answer 192\.0\.2\.10, addresses of regions that are not UP$/,
    );
    // A window that leaves every rule an UP region of its own has no warnings.
    const later = new Date(Date.parse(start) + 86_400_000).toISOString();
    const harmless = await call('POST', '/v1/maintenance', {
      id: 'mw-ap2',
      region: 'ap-south',
      reason: 'patching',
      start: later,
      durationMs: 60_000,
    });
    expect(harmless.status).toBe(201);
    expect(warningsOf(harmless.doc)).toEqual([]);
    for (const id of ['mw-eu', 'mw-ap', 'mw-ap2'])
      expect((await call('DELETE', `/v1/maintenance/${id}`)).status).toBe(200);
  });

  it('drain, then override and its lifting: each answer says what is left without an UP region', async () => {
    const drained = await call('PUT', '/v1/drains/eu-west', { reason: 'deploy' });
    expect(drained.status).toBe(200);
    expectThree(warningsOf(drained.doc));
    // Forcing us-east up gives every rule an UP region of its own again.
    const forced = await call('PUT', '/v1/overrides/us-east', {
      state: 'up',
      reason: 'checks wrong',
      forMs: 600_000,
    });
    expect(forced.status).toBe(200);
    expect(warningsOf(forced.doc)).toEqual([]);
    const lifted = await call('DELETE', '/v1/overrides/us-east');
    expect(lifted.status).toBe(200);
    expectThree(warningsOf(lifted.doc));

    // explain shows the chain: the last resort, which step chose each set, and the fallback region.
    const explained = (await call('GET', '/v1/explain?name=www.example.com')).doc as unknown as ExplainDoc;
    expect(explained.lastResort).toEqual({
      defaultRule: true,
      fallback: 'any-up',
      from: 'default',
      whenAllDown: 'fail-open',
    });
    expect(explained.sets.map((x) => [x.setId, x.desired, x.answeredBy])).toEqual([
      ['continent-eu', ['203.0.113.10'], { step: 'fallback', region: 'ap-south' }],
      ['default', ['203.0.113.10'], { step: 'fallback', region: 'ap-south' }],
    ]);
    expect(explained.sets[0]!.explanation).toContain('then fallback any-up: ap-south is UP');
    expect(explained.regions.map((r) => [r.id, r.status])).toEqual([
      ['eu-west', 'drained'],
      ['us-east', 'down'],
      ['ap-south', 'up'],
    ]);
    const text = renderExplain(explained);
    expect(text).toContain(
      '  when its regions are all down: the default rule, then fallback any-up (not written: the default), then whenAllDown fail-open',
    );
    expect(text).toContain('    chosen by: the fallback (ap-south)');
    expect((await call('DELETE', '/v1/drains/eu-west')).status).toBe(200);
  });
});

describe('warnings through the CLI', () => {
  const cli = (args: string[]) =>
    run('node', ['bin/geofailover.js', ...args, '--controller', ctl.url], {
      encoding: 'utf8',
      env: { ...process.env, GEOFAILOVER_API_TOKEN: TOKEN },
    });

  it('maintenance add and drain print the warning on stderr; stdout stays the command’s own', async () => {
    const start = new Date(Date.now() + 7_200_000).toISOString();
    const add = await cli([
      'maintenance',
      'add',
      'eu-west',
      '--id',
      'mw-cli',
      '--start',
      start,
      '--duration',
      '1h',
      '--reason',
      'kernel upgrade',
    ]);
    expect(add.stdout).toContain('mw-cli');
    expect(add.stdout).not.toContain('warning');
    expect(add.stderr).toContain(
      `warning: 3 rule(s) or record(s) have no UP region of their own while this window runs (${new Date(Date.parse(start)).toISOString()} to `,
    );
    expect(add.stderr).toContain(`  ${EU}\n`);
    expect(add.stderr).toContain('api.example.com. A [us-east, eu-west] has no UP region of its own');
    await cli(['maintenance', 'remove', 'mw-cli']);

    const json = await cli(['drain', 'eu-west', '--reason', 'deploy', '--output', 'json']);
    expect(warningsOf(JSON.parse(json.stdout)).map((w) => w.message)[0]).toBe(EU);
    expect(json.stderr).toContain('warning: 3 rule(s) or record(s) have no UP region of their own now:');

    const override = await cli(['override', 'us-east', 'up', '--for', '10m', '--reason', 'checks wrong']);
    expect(override.stderr).toBe('');
    const unoverride = await cli(['unoverride', 'us-east']);
    expect(unoverride.stderr).toContain(EU);
    await cli(['undrain', 'eu-west']);
  }, 60_000);
});
