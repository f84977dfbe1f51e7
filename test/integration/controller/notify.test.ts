// Webhook notifications from a running controller fed with real signed reports: exactly one failover
// and one failback notification; a receiver that fails twice still gets the event on the third try.

import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerConfig, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';

const ENV = { ...KEY_ENV, HOOK_TOKEN: 'hook-secret-123' };
const ENDPOINTS = ['use-a', 'euw-a'];

interface Received {
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

async function receiver(
  failFirst: number,
): Promise<{ server: Server; url: string; got: Received[]; attempts: number[] }> {
  const got: Received[] = [];
  const attempts: number[] = [];
  let failures = failFirst;
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => {
      attempts.push(Date.now());
      if (failures-- > 0) {
        res.writeHead(500).end('not now');
        return;
      }
      got.push({ headers: req.headers, body: JSON.parse(data) as Record<string, unknown> });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, attempts };
}

function config(dir: string, hookUrl: string, format = 'json') {
  return controllerConfig({
    owner: 'notify-test',
    stateDir: dir,
    health: { staleAfter: '5s', failbackAfter: '1s' },
    extra: `notifications:
  - { kind: webhook, url: "${hookUrl}", events: [failover, failback], format: ${format}, tokenEnv: HOOK_TOKEN }`,
  });
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function until(ok: () => boolean, ms = 8000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function run(failFirst: number, format = 'json') {
  const hook = await receiver(failFirst);
  cleanup.push(() => new Promise((r) => hook.server.close(() => r())));
  const dir = mkdtempSync(join(tmpdir(), 'gf-notify-'));
  const ctl: RunningController = await startController({
    config: config(dir, hook.url, format),
    env: ENV,
    logger: silentLogger(),
    providers: new Map([['p', new MemoryProvider('p', 'notify-test')]]),
  });
  cleanup.push(() => ctl.stop());
  return { hook, ctl };
}

describe('webhook notifications', () => {
  it('sends exactly one failover and one failback notification with the facts and no secrets', async () => {
    const { hook, ctl } = await run(0);
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS);
    for (let i = 0; i < 3; i++) await round(ctl.url, KEYS, ENDPOINTS, new Set(['use-a']));
    await until(() => hook.got.length >= 1);
    // Back up: the region returns only after failbackAfter of continuous UP.
    const end = Date.now() + 2500;
    while (Date.now() < end) {
      await round(ctl.url, KEYS, ENDPOINTS);
      await new Promise((r) => setTimeout(r, 200));
    }
    await until(() => hook.got.length >= 2);
    await new Promise((r) => setTimeout(r, 500));
    const kinds = hook.got.map((g) => g.body.kind);
    expect(kinds).toEqual(['failover', 'failback']);
    const failover = hook.got[0]!;
    expect(failover.body).toMatchObject({
      version: 1,
      kind: 'failover',
      region: 'us-east',
      owner: 'notify-test',
    });
    expect(String(failover.body.message)).toContain('us-east is DOWN');
    expect(failover.headers.authorization).toBe(`Bearer ${ENV.HOOK_TOKEN}`);
    expect(failover.headers['x-geofailover-event-id']).toBe(failover.body.id);
    const text = JSON.stringify(hook.got.map((g) => g.body));
    for (const secret of Object.values(ENV)) expect(text).not.toContain(secret);
  }, 20_000);

  it('retries a receiver that answers 500 twice and delivers on the third try (slack format)', async () => {
    const { hook, ctl } = await run(2, 'slack');
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS);
    for (let i = 0; i < 3; i++) await round(ctl.url, KEYS, ENDPOINTS, new Set(['use-a']));
    await until(() => hook.got.length >= 1, 10_000);
    expect(hook.attempts.length).toBe(3);
    expect(String(hook.got[0]!.body.text)).toContain('region us-east is DOWN');
    const metrics = await (await fetch(`${ctl.url}/metrics`)).text();
    expect(metrics).toMatch(/geofailover_notifications_sent_total\{event="failover"\} 1/);
  }, 20_000);
});
