// Every numeric and time input of the API is bounded. Hostile numbers, types and
// strings get 400 naming the field (and the range), unknown regions 404; no request reaches a 500,
// and none changes anything.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import type { StatusDoc } from '../../../src/api/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerConfig, KEY_ENV } from '../../helpers/controller-config.ts';
import { HostileTally } from '../../helpers/hostile.ts';

const TOKEN = 'bounds-token-0123456789';
let ctl: RunningController;
const tally = new HostileTally('api-bounds');

beforeAll(async () => {
  ctl = await startController({
    config: controllerConfig({
      owner: 'bounds',
      stateDir: mkdtempSync(join(tmpdir(), 'gf-bounds-')),
      controller: { tokenEnv: 'API_TOKEN' },
    }),
    env: { ...KEY_ENV, API_TOKEN: TOKEN },
    logger: silentLogger(),
    providers: new Map([['p', new MemoryProvider('p', 'bounds')]]),
  });
});
afterAll(async () => {
  await ctl?.stop();
  tally.record();
});

const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const put = (path: string, body: string) =>
  fetch(`${ctl.url}${path}`, { method: 'PUT', headers: auth, body });
const drained = async () =>
  ((await (await fetch(`${ctl.url}/v1/status`)).json()) as StatusDoc).regions.filter((r) => r.drain).length;

// Raw JSON text, so values JSON.stringify could not write (1e400 -> Infinity when parsed) go out as sent.
const BAD_FOR_MS = [
  '1e16',
  '1e300',
  '1e400',
  '-1',
  '0',
  '999',
  '31622400001',
  '-1e300',
  '"1h"',
  '"Infinity"',
  'null',
  'true',
  '[]',
  '{}',
  '"NaN"',
  '9007199254740993',
];

describe('API bounds', () => {
  it.each(BAD_FOR_MS)('PUT /v1/drains forMs=%s is a 400 naming the field and the range', async (v) => {
    const res = await put('/v1/drains/us-east', `{"reason":"test","forMs":${v}}`);
    const body = (await res.json()) as { error?: string };
    const ok =
      res.status === 400 &&
      /"forMs" must be a number of milliseconds from 1000 \(1s\) to 31622400000 \(366d\)/.test(
        body.error ?? '',
      );
    tally.add(ok && (await drained()) === 0);
    expect(res.status).toBe(400);
    expect(body.error).toMatch(
      /"forMs" must be a number of milliseconds from 1000 \(1s\) to 31622400000 \(366d\); got /,
    );
    expect(await drained()).toBe(0);
  });

  const BAD_QUERIES = [
    '/v1/events?limit=0',
    '/v1/events?limit=-5',
    '/v1/events?limit=1e300',
    '/v1/events?limit=99999999999999999999',
    '/v1/events?limit=abc',
    '/v1/events?since=99999999999999999999',
    '/v1/events?since=not-a-time',
    '/v1/events?since=+275761-01-01T00:00:00Z',
    '/v1/timeline?windowMs=0',
    '/v1/timeline?windowMs=abc',
    '/v1/timeline?windowMs=99999999999999999999',
  ];
  it.each(BAD_QUERIES)('GET %s is a 400, never a 500', async (path) => {
    const res = await fetch(`${ctl.url}${path}`);
    tally.add(res.status === 400);
    expect(res.status).toBe(400);
  });

  const ODD = [
    ['PUT', '/v1/drains/nowhere', '{"reason":"x","forMs":60000}', 404],
    ['PUT', '/v1/drains/us-east', '{"reason":"","forMs":60000}', 400],
    ['PUT', '/v1/drains/us-east', `{"reason":"${'x'.repeat(600)}"}`, 400],
    ['PUT', '/v1/drains/us-east', '[1,2,3]', 400],
    ['PUT', '/v1/drains/us-east', '"text"', 400],
    ['PUT', '/v1/drains/%E0%A4%A', '{"reason":"x"}', 400],
    ['DELETE', '/v1/drains/%ZZ', '', 400],
    ['GET', '/v1/explain?name=%00', '', 404],
  ] as const;
  it.each(ODD)('%s %s (body %s) is a %s', async (method, path, body, want) => {
    const res = await fetch(`${ctl.url}${path}`, { method, headers: auth, ...(body ? { body } : {}) });
    tally.add(res.status === want);
    expect(res.status).toBe(want);
    expect(await drained()).toBe(0);
  });

  it('a bounded drain still works, and the controller answers after all of the above', async () => {
    const res = await put('/v1/drains/us-east', '{"reason":"maintenance","forMs":60000}');
    expect(res.status).toBe(200);
    expect(await drained()).toBe(1);
    expect((await fetch(`${ctl.url}/healthz`)).status).toBe(200);
  });
});
