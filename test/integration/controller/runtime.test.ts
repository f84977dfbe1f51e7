// The controller runtime over real HTTP with signed reports: restart hold, failover on quorum, drains
// that survive restarts, fail static, provider errors retried and shown, the token on mutating calls.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DnsProvider } from '../../../providers/index.ts';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import type { StatusDoc } from '../../../src/api/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import type { Change, RecordSet } from '../../../src/model/index.ts';
import {
  controllerConfig,
  ENDPOINTS,
  FAILOVER_3,
  KEY_ENV,
  KEYS,
  WEIGHTED,
} from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';

const ENV = { ...KEY_ENV, API_TOKEN: 'secret-token-xyz' };
const ENDPOINT_IDS = Object.values(ENDPOINTS);

function config(stateDir: string, quorum = 'majority') {
  return controllerConfig({
    owner: 'test-owner',
    stateDir,
    regions: 3,
    records: [FAILOVER_3, WEIGHTED],
    health: { quorum, staleAfter: '5s' },
    controller: { tokenEnv: 'API_TOKEN' },
  });
}

const running: RunningController[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
});

async function start(stateDir: string, provider: DnsProvider, quorum = 'majority') {
  const ctl = await startController({
    config: config(stateDir, quorum),
    env: ENV,
    logger: silentLogger(),
    providers: new Map([['p', provider]]),
  });
  running.push(ctl);
  return ctl;
}

async function status(url: string): Promise<StatusDoc> {
  return (await (await fetch(`${url}/v1/status`)).json()) as StatusDoc;
}

async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(`condition not met within ${ms} ms; last: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const appValues = (p: MemoryProvider) =>
  p.all('example.com.').find((r: RecordSet) => r.name === 'app.example.com.' && r.type === 'A')?.values;

describe('controller runtime', () => {
  it('holds DNS until fresh reports decide, then publishes, then fails over on a quorum', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-ctl-'));
    const mem = new MemoryProvider('p', 'test-owner');
    const ctl = await start(dir, mem);
    await ctl.reconcileNow();
    expect(mem.applyCalls).toBe(0);
    const held = await status(ctl.url);
    expect(held.zones[0]!.lastReconcile?.result).toBe('skipped');
    expect(held.regions.every((r) => !r.decided)).toBe(true);

    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINT_IDS);
    await until(
      () => appValues(mem),
      (v) => v?.join() === '192.0.2.10',
    );

    // One prober alone saying us-east is down changes nothing.
    for (let i = 0; i < 3; i++) {
      await round(ctl.url, { p1: KEYS.p1 }, ENDPOINT_IDS, new Set(['use-a']));
      await round(ctl.url, { p2: KEYS.p2, p3: KEYS.p3 }, ENDPOINT_IDS);
    }
    await ctl.reconcileNow();
    expect(appValues(mem)).toEqual(['192.0.2.10']);

    // A majority for `fall` rounds moves the failover record to the next region.
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINT_IDS, new Set(['use-a']));
    await until(
      () => appValues(mem),
      (v) => v?.join() === '198.51.100.10',
    );
    const s = await status(ctl.url);
    expect(s.regions.find((r) => r.id === 'us-east')?.status).toBe('down');
    const api = s.zones[0]!.records.find((r) => r.name === 'api.example.com.' && r.setId === 'us-east');
    expect(api?.weight).toBe(0);

    const events = (await (await fetch(`${ctl.url}/v1/events?type=region-transition,apply`)).json()) as {
      events: { type: string; region?: string; to?: string }[];
    };
    expect(
      events.events.some((e) => e.type === 'region-transition' && e.region === 'us-east' && e.to === 'down'),
    ).toBe(true);
    expect(events.events.filter((e) => e.type === 'apply').length).toBeGreaterThanOrEqual(2);
    // The same trail is on disk, fsynced.
    const onDisk = readFileSync(join(dir, 'events.jsonl'), 'utf8');
    expect(onDisk).toContain('"type":"apply"');
  });

  it('in dry-run mode logs the plans and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-ctl-'));
    const mem = new MemoryProvider('p', 'test-owner');
    const cfg = config(dir);
    cfg.controller.mode = 'dry-run';
    const ctl = await startController({
      config: cfg,
      env: ENV,
      logger: silentLogger(),
      providers: new Map([['p', mem]]),
    });
    running.push(ctl);
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINT_IDS);
    await ctl.reconcileNow();
    const s = await status(ctl.url);
    expect(s.mode).toBe('dry-run');
    expect(s.zones[0]!.lastReconcile).toMatchObject({ result: 'dry-run' });
    expect(s.zones[0]!.lastReconcile!.changes).toBeGreaterThan(0);
    expect(mem.applyCalls).toBe(0);
    expect(mem.all('example.com.')).toEqual([]);
    const plans = ctl.events.since(0, 100, ['plan']);
    expect(plans.length).toBeGreaterThan(0);
    expect(plans[0]).toMatchObject({ mode: 'dry-run', zone: 'example.com.' });
  });

  it('refuses mutating calls without the right token and 404s unknown regions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-ctl-'));
    const ctl = await start(dir, new MemoryProvider('p', 'test-owner'));
    const put = (auth?: string, region = 'eu-west') =>
      fetch(`${ctl.url}/v1/drains/${region}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify({ reason: 'maintenance' }),
      });
    expect((await put()).status).toBe(401);
    expect((await put('Bearer wrong')).status).toBe(401);
    expect((await fetch(`${ctl.url}/v1/reconcile`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${ctl.url}/v1/drains/eu-west`, { method: 'DELETE' })).status).toBe(401);
    const unknown = await put(`Bearer ${ENV.API_TOKEN}`, 'mars');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toContain('unknown region "mars"');
    expect((await put(`Bearer ${ENV.API_TOKEN}`)).status).toBe(200);
    expect((await fetch(`${ctl.url}/v1/nothing`)).status).toBe(404);
    expect((await fetch(`${ctl.url}/healthz`)).status).toBe(200);
  });

  it('answers 403 on mutating calls when no token is configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-ctl-'));
    const cfg = config(dir);
    cfg.controller.tokenEnv = undefined;
    const ctl = await startController({
      config: cfg,
      env: ENV,
      logger: silentLogger(),
      providers: new Map([['p', new MemoryProvider('p', 'test-owner')]]),
    });
    running.push(ctl);
    const res = await fetch(`${ctl.url}/v1/reconcile`, {
      method: 'POST',
      headers: { authorization: 'Bearer x' },
    });
    expect(res.status).toBe(403);
  });

  it('keeps a drain across a restart and does not flap DNS on restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-ctl-'));
    const mem = new MemoryProvider('p', 'test-owner');
    const ctl = await start(dir, mem);
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINT_IDS);
    await until(
      () => appValues(mem),
      (v) => v?.join() === '192.0.2.10',
    );
    const res = await fetch(`${ctl.url}/v1/drains/us-east`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ENV.API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'db migration', author: 'alice' }),
    });
    expect(res.status).toBe(200);
    await until(
      () => appValues(mem),
      (v) => v?.join() === '198.51.100.10',
    );
    await ctl.stop();
    running.splice(running.indexOf(ctl), 1);
    const callsBefore = mem.applyCalls;

    const again = await start(dir, mem);
    const s = await status(again.url);
    expect(s.regions.find((r) => r.id === 'us-east')?.drain).toMatchObject({
      reason: 'db migration',
      author: 'alice',
    });
    await again.reconcileNow();
    // Undecided after restart: nothing written, the answer stays where it was.
    expect(mem.applyCalls).toBe(callsBefore);
    expect(appValues(mem)).toEqual(['198.51.100.10']);
    for (let i = 0; i < 2; i++) await round(again.url, KEYS, ENDPOINT_IDS);
    await again.reconcileNow();
    expect(appValues(mem)).toEqual(['198.51.100.10']);
    expect(mem.applyCalls).toBe(callsBefore);
  });

  it('retries a provider that throws, shows the error in status, and recovers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-ctl-'));
    const mem = new MemoryProvider('p', 'test-owner');
    let failures = 2;
    const flaky: DnsProvider = {
      id: 'p',
      kind: 'memory',
      capabilities: mem.capabilities,
      records: (z, q, s) => mem.records(z, q, s),
      apply: async (z, changes: readonly Change[], s) => {
        if (failures-- > 0) throw new Error('provider exploded (test)');
        return mem.apply(z, changes, s);
      },
    };
    const ctl = await start(dir, flaky);
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINT_IDS);
    const failing = await until(
      () => status(ctl.url),
      (s) => s.zones[0]?.error?.message.includes('provider exploded') === true,
    );
    expect(failing.zones[0]!.lastReconcile?.result).toBe('error');
    const metrics = await (await fetch(`${ctl.url}/metrics`)).text();
    expect(metrics).toMatch(/geofailover_provider_errors_total\{provider="p",zone="example.com."\} [1-9]/);
    // Backoff retries without any new trigger until the provider works again.
    await until(
      () => appValues(mem),
      (v) => v?.join() === '192.0.2.10',
      15_000,
    );
    const ok = await until(
      () => status(ctl.url),
      (s) => s.zones[0]?.error === undefined,
    );
    expect(ok.zones[0]!.lastReconcile?.result).toMatch(/changed|ok/);
  });

  it('fails static when too few probers are fresh: no change although the last reports said down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-ctl-'));
    const mem = new MemoryProvider('p', 'test-owner');
    // quorum 1: a single fresh prober's DOWN would move traffic, were it not for minProbers.
    const ctl = await start(dir, mem, '1');
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINT_IDS);
    await until(
      () => appValues(mem),
      (v) => v?.join() === '192.0.2.10',
    );
    // Only one prober keeps reporting (the others went silent): fewer than minProbers=2 fresh.
    const end = Date.now() + 6500;
    while (Date.now() < end) {
      await round(ctl.url, { p1: KEYS.p1 }, ENDPOINT_IDS, new Set(['use-a']));
      await new Promise((r) => setTimeout(r, 300));
    }
    const s = await status(ctl.url);
    expect(s.failStatic).toBe(true);
    expect(appValues(mem)).toEqual(['192.0.2.10']);
    const metrics = await (await fetch(`${ctl.url}/metrics`)).text();
    expect(metrics).toContain('geofailover_fail_static 1');
  }, 20_000);
});
