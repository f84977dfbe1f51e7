// Operator inputs under the same bounds as drains: override forMs, maintenance
// durationMs / notifyBeforeMs / start / end / cron and hostile body shapes each get a 400 naming the
// field (and the range), never a 500, and none changes anything (no override, no window, no event).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerConfig, KEY_ENV } from '../../helpers/controller-config.ts';
import { HostileTally } from '../../helpers/hostile.ts';

const TOKEN = 'operator-bounds-token-0123';
let ctl: RunningController;
let seq0 = 0;
const tally = new HostileTally('operator-bounds');

beforeAll(async () => {
  const cfg = controllerConfig({
    owner: 'op-bounds',
    stateDir: mkdtempSync(join(tmpdir(), 'gf-op-bounds-')),
  });
  cfg.controller.tokens = [{ name: 'oncall', role: 'operate', tokenEnv: 'T_ONCALL' }];
  ctl = await startController({
    config: cfg,
    env: { ...KEY_ENV, T_ONCALL: TOKEN },
    logger: silentLogger(),
    providers: new Map([['p', new MemoryProvider('p', 'op-bounds')]]),
  });
  seq0 = ctl.events.lastSeq();
});
afterAll(async () => {
  await ctl?.stop();
  tally.record();
});

const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const send = (method: string, path: string, body: string) =>
  fetch(`${ctl.url}${path}`, { method, headers: auth, body });
const unchanged = () =>
  ctl.engine.overrides().length === 0 &&
  ctl.engine.windows().length === 0 &&
  ctl.events.since(seq0, 1000, ['override', 'override-lifted', 'maintenance-added', 'maintenance-removed'])
    .length === 0;

const BAD_MS = [
  '1e16',
  '1e300',
  '1e400',
  '-1',
  '0',
  '999',
  '31622400001',
  '-1e300',
  '"1h"',
  'null',
  'true',
  '[]',
  '{}',
  '9007199254740993',
];
const FUTURE = JSON.stringify(new Date(Date.now() + 86_400_000).toISOString());

describe('operator API bounds', () => {
  it.each(BAD_MS)('PUT /v1/overrides forMs=%s is a 400 naming the field and the range', async (v) => {
    const res = await send('PUT', '/v1/overrides/us-east', `{"state":"up","reason":"t","forMs":${v}}`);
    const body = (await res.json()) as { error?: string };
    const ok =
      res.status === 400 &&
      /"forMs" must be a number of milliseconds from 1000 \(1s\) to 31622400000 \(366d\)/.test(
        body.error ?? '',
      );
    tally.add(ok && unchanged());
    expect(res.status).toBe(400);
    expect(body.error).toMatch(
      /"forMs" must be a number of milliseconds from 1000 \(1s\) to 31622400000 \(366d\); got /,
    );
    expect(unchanged()).toBe(true);
  });

  it.each(BAD_MS)('POST /v1/maintenance durationMs=%s is a 400 naming the field', async (v) => {
    const res = await send(
      'POST',
      '/v1/maintenance',
      `{"region":"us-east","reason":"t","start":${FUTURE},"durationMs":${v}}`,
    );
    const body = (await res.json()) as { error?: string };
    tally.add(res.status === 400 && /"durationMs" must be/.test(body.error ?? '') && unchanged());
    expect(res.status).toBe(400);
    expect(body.error).toMatch(/"durationMs" must be a number of milliseconds from 1000/);
    expect(unchanged()).toBe(true);
  });

  const BAD_WINDOWS: [string, RegExp][] = [
    [
      `{"region":"us-east","reason":"t","start":${FUTURE},"durationMs":60000,"notifyBeforeMs":1e300}`,
      /"notifyBeforeMs"/,
    ],
    [
      `{"region":"us-east","reason":"t","start":"+275760-09-13T00:00:01Z","durationMs":60000}`,
      /"start" must be an ISO 8601 time/,
    ],
    [
      `{"region":"us-east","reason":"t","start":"2030-01-01T00:00:00Z","end":"2031-06-01T00:00:00Z"}`,
      /"end - start" must be .*366d/,
    ],
    [
      `{"region":"us-east","reason":"t","start":12345,"durationMs":60000}`,
      /"start" must be an ISO 8601 time/,
    ],
    [`{"region":"us-east","reason":"t","cron":"${'* '.repeat(200)}","durationMs":60000}`, /"cron"/],
    [`{"region":"us-east","reason":"t","cron":["0 2 * * 0"],"durationMs":60000}`, /"cron"/],
    [`{"region":"us-east","reason":"t","cron":"0 0 L * *","durationMs":60000}`, /L and # day forms/],
    [`{"region":{"x":1},"reason":"t","start":${FUTURE},"durationMs":60000}`, /"region"/],
    [
      `{"region":"us-east","reason":"${'x'.repeat(600)}","start":${FUTURE},"durationMs":60000}`,
      /over 500 characters/,
    ],
    [`{"region":"us-east","reason":"t","id":"Bad Id!","start":${FUTURE},"durationMs":60000}`, /"id" must be/],
    ['[]', /must be a JSON object/],
    ['"text"', /must be a JSON object/],
    ['{not json', /not valid JSON/],
  ];
  it.each(BAD_WINDOWS)('POST /v1/maintenance %s is a 400', async (raw, message) => {
    const res = await send('POST', '/v1/maintenance', raw);
    const body = (await res.json()) as { error?: string };
    tally.add(res.status === 400 && message.test(body.error ?? '') && unchanged());
    expect(res.status).toBe(400);
    expect(body.error).toMatch(message);
    expect(unchanged()).toBe(true);
  });

  it('a malformed %-escape in an override or window path is a 400, not a 500', async () => {
    for (const [method, path] of [
      ['PUT', '/v1/overrides/%ZZ'],
      ['DELETE', '/v1/overrides/%E0%A4%A'],
      ['DELETE', '/v1/maintenance/%ZZ'],
    ] as const) {
      const res = await send(method, path, '{"state":"up","reason":"t","forMs":60000}');
      tally.add(res.status === 400 && unchanged());
      expect(res.status).toBe(400);
    }
    expect(unchanged()).toBe(true);
  });
});
