// Hostile signal deliveries: Alertmanager's webhook (POST /v1/signals/alertmanager) and pushes
// (PUT /v1/signals/NAME) without a token, with a wrong one or one the signal does not name, malformed,
// oversized (declared or streamed), with one bad alert among good ones, reserved or prototype label
// names, absurd times, expiries out of bounds. Each holds when it gets its 4xx with a reason and a
// message, nothing any signal holds changes, and the controller stays healthy. A real controller on
// loopback.
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerYaml, KEY_ENV } from '../../helpers/controller-config.ts';
import { HostileTally } from '../../helpers/hostile.ts';

const T = {
  am: 'am-hostile-token-0123456789abcdef0123',
  lb: 'lb-hostile-token-0123456789abcdef0123',
  read: 'read-hostile-token-0123456789abcdef01',
  admin: 'admin-hostile-token-0123456789abcdef0',
};
const TOKENS = `[{ name: alertmanager, role: signal, tokenEnv: AM }, { name: lb-agent, role: signal, tokenEnv: LB }, { name: viewer, role: read, tokenEnv: RD }]`;
const SIGNALS = `signals:
  - { name: high-errors, kind: alertmanager, match: { alertname: HighErrorRate }, regionLabel: region, tokens: [alertmanager] }
  - { name: lb-pool, kind: push, tokens: [lb-agent], region: eu-west, maxExpiresIn: 10m }
`;

let ctl: RunningController;
const tally = new HostileTally('signal-deliveries');

beforeAll(async () => {
  ctl = await startController({
    config: parseConfig(
      controllerYaml({
        owner: 'hostile-signals',
        stateDir: mkdtempSync(join(tmpdir(), 'gf-hostile-sig-')),
        controller: { tokenEnv: 'ADMIN' },
        extra: SIGNALS,
      }).replace('controller: { ', `controller: { tokens: ${TOKENS}, `),
    ),
    env: { ...KEY_ENV, AM: T.am, LB: T.lb, RD: T.read, ADMIN: T.admin },
    logger: silentLogger(),
    providers: new Map([['p', new MemoryProvider('p', 'hostile-signals')]]),
  });
  // Something held before the attacks, so "nothing changed" is about a non-empty state.
  const res = await send('POST', '/v1/signals/alertmanager', T.am, payload([alert()]));
  expect(res.status).toBe(200);
  expect(
    (await send('PUT', '/v1/signals/lb-pool', T.lb, '{"state":"up","reason":"baseline","expiresIn":"5m"}'))
      .status,
  ).toBe(200);
});

afterAll(async () => {
  await ctl?.stop();
  tally.record();
});

interface Answer {
  status: number;
  body: { error?: string; reason?: string };
}

/** A raw request: the body exactly as given, optionally streamed without a length. */
function send(
  method: string,
  path: string,
  token: string | undefined,
  body: string | Buffer,
  opts: { header?: string; chunked?: boolean; contentLength?: string } = {},
): Promise<Answer> {
  const u = new URL(path, ctl.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.header !== undefined) headers.authorization = opts.header;
    else if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (opts.contentLength !== undefined) headers['content-length'] = opts.contentLength;
    else if (!opts.chunked) headers['content-length'] = String(Buffer.byteLength(body));
    // A fresh connection each: a refused body closes its connection.
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname, method, headers, agent: false },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let parsed: Answer['body'] = {};
          try {
            parsed = JSON.parse(text) as Answer['body'];
          } catch {
            /* not JSON: judged by the status */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    // The server may answer and close before the whole oversized body is written.
    req.on('error', (err) => (/EPIPE|ECONNRESET/.test(String(err)) ? undefined : reject(err)));
    if (opts.chunked) {
      const chunk = Buffer.isBuffer(body) ? body : Buffer.from(body);
      for (let i = 0; i < chunk.length; i += 65_536) req.write(chunk.subarray(i, i + 65_536));
      req.end();
    } else req.end(opts.contentLength !== undefined ? '' : body);
  });
}

function alert(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status: 'firing',
    labels: { alertname: 'HighErrorRate', region: 'eu-west' },
    annotations: {},
    startsAt: '2026-12-08T12:03:00Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: '',
    fingerprint: 'baseline0001',
    ...extra,
  };
}

function payload(alerts: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    version: '4',
    status: 'firing',
    receiver: 'gf',
    groupLabels: {},
    alerts,
    ...extra,
  });
}

/** What the signals hold: alerts by fingerprint and the push, never the sampling times. */
function held(): string {
  return JSON.stringify(
    ctl.engine.snapshot().signals.map((s) => ({
      id: s.id,
      alerts: (s.alerts ?? []).map((a) => [a.fingerprint, a.labels]),
      push: s.push ? [s.push.state, s.push.reason, s.push.until] : null,
    })),
  );
}

const AM = '/v1/signals/alertmanager';
const PUSH = '/v1/signals/lb-pool';
const big = 'x'.repeat(1024 * 1024 + 10);

const CASES: {
  name: string;
  method: 'POST' | 'PUT';
  path: string;
  token?: string;
  header?: string;
  body: string | Buffer;
  chunked?: boolean;
  contentLength?: string;
  status: number;
  reason: string;
  message: RegExp;
}[] = [
  {
    name: 'webhook without a token',
    method: 'POST',
    path: AM,
    body: payload([alert()]),
    status: 401,
    reason: 'unauthorized',
    message: /needs a bearer token/,
  },
  {
    name: 'webhook with a wrong token',
    method: 'POST',
    path: AM,
    token: 'nope-0123456789abcdef0123456789abcd',
    body: payload([alert()]),
    status: 401,
    reason: 'unauthorized',
    message: /unknown bearer token/,
  },
  {
    name: 'webhook with Basic auth',
    method: 'POST',
    path: AM,
    header: 'Basic YWxlcnQ6bWFuYWdlcg==',
    body: payload([alert()]),
    status: 401,
    reason: 'unauthorized',
    message: /must be "Bearer <token>"/,
  },
  {
    name: 'webhook with a read token',
    method: 'POST',
    path: AM,
    token: T.read,
    body: payload([alert()]),
    status: 403,
    reason: 'forbidden',
    message: /token "viewer" may not deliver Alertmanager alerts/,
  },
  {
    name: 'webhook with the admin token (not named)',
    method: 'POST',
    path: AM,
    token: T.admin,
    body: payload([alert()]),
    status: 403,
    reason: 'forbidden',
    message: /token "admin" may not deliver/,
  },
  {
    name: "webhook with the push signal's token",
    method: 'POST',
    path: AM,
    token: T.lb,
    body: payload([alert()]),
    status: 403,
    reason: 'forbidden',
    message: /token "lb-agent" may not deliver/,
  },
  {
    name: 'webhook with malformed JSON',
    method: 'POST',
    path: AM,
    token: T.am,
    body: '{"version":"4","alerts":[',
    status: 400,
    reason: 'malformed-json',
    message: /not valid JSON/,
  },
  {
    name: 'webhook with an empty body',
    method: 'POST',
    path: AM,
    token: T.am,
    body: '',
    status: 400,
    reason: 'malformed-json',
    message: /not valid JSON/,
  },
  {
    name: 'webhook with a JSON list',
    method: 'POST',
    path: AM,
    token: T.am,
    body: '[]',
    status: 400,
    reason: 'bad-payload',
    message: /must be a JSON object/,
  },
  {
    name: 'webhook of version 3',
    method: 'POST',
    path: AM,
    token: T.am,
    body: payload([alert()], { version: '3' }),
    status: 400,
    reason: 'bad-payload',
    message: /version must be "4"/,
  },
  {
    name: 'webhook without alerts',
    method: 'POST',
    path: AM,
    token: T.am,
    body: payload([], { alerts: undefined }),
    status: 400,
    reason: 'bad-payload',
    message: /alerts must be a list/,
  },
  {
    name: 'webhook with alerts as an object',
    method: 'POST',
    path: AM,
    token: T.am,
    body: payload([], { alerts: { 0: alert() } }),
    status: 400,
    reason: 'bad-payload',
    message: /alerts must be a list/,
  },
  {
    name: 'one bad alert among good ones',
    method: 'POST',
    path: AM,
    token: T.am,
    body: payload([alert({ fingerprint: 'good0001' }), alert({ labels: { alertname: 7 } })]),
    status: 400,
    reason: 'bad-payload',
    message: /alerts\[1\]\.labels\.alertname must be a string/,
  },
  {
    name: 'a resolve hidden behind a bad alert',
    method: 'POST',
    path: AM,
    token: T.am,
    body: payload([alert({ status: 'resolved' }), alert({ status: 'maybe' })]),
    status: 400,
    reason: 'bad-payload',
    message: /alerts\[1\]\.status/,
  },
  {
    name: 'a label that is no label name',
    method: 'POST',
    path: AM,
    token: T.am,
    body: payload([alert({ labels: { 'alert name': 'x' } })]),
    status: 400,
    reason: 'bad-payload',
    message: /is not a label name/,
  },
  {
    name: 'a __proto__ label',
    method: 'POST',
    path: AM,
    token: T.am,
    body: payload([alert()]).replace('"alertname"', '"__proto__":"x","alertname"'),
    status: 400,
    reason: 'bad-payload',
    message: /reserved label name/,
  },
  {
    name: 'a label value of 2000 characters',
    method: 'POST',
    path: AM,
    token: T.am,
    body: payload([alert({ labels: { alertname: 'HighErrorRate', region: 'x'.repeat(2000) } })]),
    status: 400,
    reason: 'bad-payload',
    message: /over 1024/,
  },
  {
    name: '100 labels on an alert',
    method: 'POST',
    path: AM,
    token: T.am,
    body: payload([
      alert({ labels: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`l${i}`, 'v'])) }),
    ]),
    status: 400,
    reason: 'bad-payload',
    message: /100 labels, over 64/,
  },
  {
    name: 'a fingerprint with a path in it',
    method: 'POST',
    path: AM,
    token: T.am,
    body: payload([alert({ fingerprint: '../../etc/passwd' })]),
    status: 400,
    reason: 'bad-payload',
    message: /fingerprint must be/,
  },
  {
    name: 'a startsAt past the end of time',
    method: 'POST',
    path: AM,
    token: T.am,
    body: payload([alert({ startsAt: '+275760-09-13T00:00:00.001Z' })]),
    status: 400,
    reason: 'bad-payload',
    message: /RFC 3339/,
  },
  {
    name: '1001 alerts',
    method: 'POST',
    path: AM,
    token: T.am,
    body: payload(Array.from({ length: 1001 }, (_, i) => alert({ fingerprint: `f${i}` }))),
    status: 413,
    reason: 'too-large',
    message: /1001 alerts in one payload, over 1000/,
  },
  {
    name: 'a declared body over 1 MiB',
    method: 'POST',
    path: AM,
    token: T.am,
    body: '',
    contentLength: String(2 * 1024 * 1024),
    status: 413,
    reason: 'too-large',
    message: /over 1048576 bytes/,
  },
  {
    name: 'a streamed body over 1 MiB',
    method: 'POST',
    path: AM,
    token: T.am,
    body: big,
    chunked: true,
    status: 413,
    reason: 'too-large',
    message: /over 1048576 bytes/,
  },
  {
    name: 'JSON nested 400,000 deep',
    method: 'POST',
    path: AM,
    token: T.am,
    body: `${'['.repeat(400_000)}${']'.repeat(400_000)}`,
    status: 400,
    reason: 'bad-payload',
    message: /must be a JSON object/,
  },
  {
    name: 'push without a token',
    method: 'PUT',
    path: PUSH,
    body: '{"state":"down","reason":"x"}',
    status: 401,
    reason: 'unauthorized',
    message: /needs a bearer token/,
  },
  {
    name: 'push with a wrong token',
    method: 'PUT',
    path: PUSH,
    token: 'wrong-0123456789abcdef0123456789abcd',
    body: '{"state":"down","reason":"x"}',
    status: 401,
    reason: 'unauthorized',
    message: /unknown bearer token/,
  },
  {
    name: "push with Alertmanager's token",
    method: 'PUT',
    path: PUSH,
    token: T.am,
    body: '{"state":"down","reason":"x"}',
    status: 403,
    reason: 'forbidden',
    message: /token "alertmanager" may not deliver signal lb-pool/,
  },
  {
    name: 'push with a read token',
    method: 'PUT',
    path: PUSH,
    token: T.read,
    body: '{"state":"down","reason":"x"}',
    status: 403,
    reason: 'forbidden',
    message: /token "viewer" may not deliver/,
  },
  {
    name: 'push to an unknown signal',
    method: 'PUT',
    path: '/v1/signals/nope',
    token: T.lb,
    body: '{"state":"down","reason":"x"}',
    status: 404,
    reason: 'unknown-signal',
    message: /no signal "nope"/,
  },
  {
    name: 'push to an alertmanager signal',
    method: 'PUT',
    path: '/v1/signals/high-errors',
    token: T.am,
    body: '{"state":"down","reason":"x"}',
    status: 409,
    reason: 'not-a-push-signal',
    message: /only a push signal takes PUT/,
  },
  {
    name: 'push with a malformed %-escape',
    method: 'PUT',
    path: '/v1/signals/%ZZ',
    token: T.lb,
    body: '{"state":"down","reason":"x"}',
    status: 400,
    reason: 'bad-request',
    message: /malformed %-escape/,
  },
  {
    name: 'push with a state that is neither',
    method: 'PUT',
    path: PUSH,
    token: T.lb,
    body: '{"state":"sideways","reason":"x"}',
    status: 400,
    reason: 'bad-payload',
    message: /"state" must be "down" or "up"/,
  },
  {
    name: 'push without a reason',
    method: 'PUT',
    path: PUSH,
    token: T.lb,
    body: '{"state":"down"}',
    status: 400,
    reason: 'bad-payload',
    message: /needs a "reason"/,
  },
  {
    name: 'push with a reason of 501 characters',
    method: 'PUT',
    path: PUSH,
    token: T.lb,
    body: JSON.stringify({ state: 'down', reason: 'r'.repeat(501) }),
    status: 400,
    reason: 'bad-payload',
    message: /over 500/,
  },
  {
    name: 'push expiring in a year',
    method: 'PUT',
    path: PUSH,
    token: T.lb,
    body: '{"state":"down","reason":"x","expiresIn":"365d"}',
    status: 400,
    reason: 'bad-payload',
    message: /maxExpiresIn/,
  },
  {
    name: 'push expiring in 1e400 ms',
    method: 'PUT',
    path: PUSH,
    token: T.lb,
    body: '{"state":"down","reason":"x","expiresIn":1e400}',
    status: 400,
    reason: 'bad-payload',
    message: /"expiresIn" must be/,
  },
  {
    name: 'push expiring in -5 s',
    method: 'PUT',
    path: PUSH,
    token: T.lb,
    body: '{"state":"down","reason":"x","expiresIn":-5000}',
    status: 400,
    reason: 'bad-payload',
    message: /from 1000 ms/,
  },
  {
    name: 'push with an unknown key',
    method: 'PUT',
    path: PUSH,
    token: T.lb,
    body: '{"state":"down","reason":"x","author":"root"}',
    status: 400,
    reason: 'bad-payload',
    message: /unknown key "author"/,
  },
  {
    name: 'push with malformed JSON',
    method: 'PUT',
    path: PUSH,
    token: T.lb,
    body: '{"state":',
    status: 400,
    reason: 'malformed-json',
    message: /not valid JSON/,
  },
  {
    name: 'push body over 16 KiB',
    method: 'PUT',
    path: PUSH,
    token: T.lb,
    body: JSON.stringify({ state: 'down', reason: big.slice(0, 20_000) }),
    status: 413,
    reason: 'too-large',
    message: /over 16384 bytes/,
  },
];

describe('hostile signal deliveries', () => {
  it.each(CASES)('$name: $status ($reason), nothing held changes', async (c) => {
    const before = held();
    const res = await send(c.method, c.path, c.token, c.body, {
      ...(c.header === undefined ? {} : { header: c.header }),
      ...(c.chunked ? { chunked: true } : {}),
      ...(c.contentLength === undefined ? {} : { contentLength: c.contentLength }),
    });
    const after = held();
    tally.add(
      res.status === c.status &&
        res.body.reason === c.reason &&
        c.message.test(res.body.error ?? '') &&
        after === before,
    );
    expect(res.status).toBe(c.status);
    expect(res.body.reason).toBe(c.reason);
    expect(res.body.error).toMatch(c.message);
    expect(after).toBe(before);
  });

  it('stays healthy and counts every refusal', async () => {
    expect((await fetch(`${ctl.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${ctl.url}/metrics`)).text();
    const refused = [
      ...metrics.matchAll(
        /geofailover_signal_deliveries_total\{route="\w+",result="refused",reason="[\w-]+"\} (\d+)/g,
      ),
    ]
      .map((m) => Number(m[1]))
      .reduce((a, b) => a + b, 0);
    expect(refused).toBe(CASES.length);
  });
});
