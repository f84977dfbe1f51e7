// Operator features over real HTTP against a real controller fed with signed reports:
// named tokens and roles with the actor in the audit trail, force-up overrides (precedence, expiry,
// persistence across a restart), maintenance windows through the API (drain at the start, hold-down
// after the end, notification ahead), bad input refused with one clear 400 and nothing changed.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import type { StatusDoc } from '../../../src/api/index.ts';
import type { Config } from '../../../src/config/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import type { RecordSet } from '../../../src/model/index.ts';
import { controllerConfig, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';

const TOKENS = { viewer: 'viewer-secret-111', oncall: 'oncall-secret-222', root: 'root-secret-333' };
const ENV = { ...KEY_ENV, T_VIEW: TOKENS.viewer, T_ONCALL: TOKENS.oncall, T_ROOT: TOKENS.root };
const ENDPOINTS = ['use-a', 'euw-a'];

function config(stateDir: string, extra = '', health: Record<string, string> = {}): Config {
  const cfg = controllerConfig({
    owner: 'op-test',
    stateDir,
    health: { staleAfter: '30s', failbackAfter: '1s', ...health },
    controller: { tokenEnv: 'T_ROOT' },
    extra,
  });
  cfg.controller.tokens = [
    { name: 'viewer', role: 'read', tokenEnv: 'T_VIEW' },
    { name: 'oncall', role: 'operate', tokenEnv: 'T_ONCALL' },
  ];
  return cfg;
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function start(cfg: Config, mem = new MemoryProvider('p', 'op-test')) {
  const ctl = await startController({
    config: cfg,
    env: ENV,
    logger: silentLogger(),
    providers: new Map([['p', mem]]),
  });
  cleanup.push(() => ctl.stop());
  return { ctl, mem };
}

async function call(ctl: RunningController, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${ctl.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, doc: (await res.json()) as Record<string, unknown> };
}

async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(`condition not met within ${ms} ms; last: ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const appValues = (p: MemoryProvider) =>
  p
    .all('example.com.')
    .find((r: RecordSet) => r.name === 'app.example.com.' && r.type === 'A')
    ?.values.join();
const statusOf = async (ctl: RunningController) =>
  (await call(ctl, 'GET', '/v1/status')).doc as unknown as StatusDoc;
const region = (s: StatusDoc, id: string) => s.regions.find((r) => r.id === id)!;

async function usEastDown(ctl: RunningController, mem: MemoryProvider) {
  for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS);
  for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS, new Set(['use-a']));
  await until(
    () => appValues(mem),
    (v) => v === '198.51.100.10',
  );
}

describe('named tokens and roles', () => {
  it('read reads, operate drains and overrides, admin reconciles; the token name is the actor', async () => {
    const { ctl } = await start(config(mkdtempSync(join(tmpdir(), 'gf-op-'))));
    // Reads stay open without a token (requireReadToken is off by default).
    expect((await call(ctl, 'GET', '/v1/status')).status).toBe(200);
    const byViewer = await call(ctl, 'PUT', '/v1/drains/eu-west', TOKENS.viewer, { reason: 'x' });
    expect(byViewer).toMatchObject({
      status: 403,
      doc: { error: 'token "viewer" has role read; this call needs operate or higher' },
    });
    expect((await call(ctl, 'PUT', '/v1/drains/eu-west', TOKENS.oncall, { reason: 'deploy' })).status).toBe(
      200,
    );
    expect((await call(ctl, 'POST', '/v1/reconcile', TOKENS.oncall)).status).toBe(403);
    expect((await call(ctl, 'POST', '/v1/reconcile', TOKENS.root)).status).toBe(200);
    expect((await call(ctl, 'DELETE', '/v1/drains/eu-west', TOKENS.root)).status).toBe(200);
    expect((await call(ctl, 'PUT', '/v1/drains/eu-west', 'not-a-token', { reason: 'x' })).status).toBe(401);
    const events = ((await call(ctl, 'GET', '/v1/events?type=drain,undrain')).doc.events ?? []) as Record<
      string,
      unknown
    >[];
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ['drain', 'oncall'],
      ['undrain', 'admin'],
    ]);
    // An audit entry says who, when, and the state before and after.
    const drain = events[0]!;
    expect(drain.at).toMatch(/^\d{4}-/);
    expect((drain.evidence as Record<string, unknown>).before).toBeNull();
    expect((drain.evidence as Record<string, unknown>).after).toMatchObject({
      reason: 'deploy',
      author: 'oncall',
    });
    expect(((events[1]!.evidence as Record<string, unknown>).before as Record<string, unknown>).reason).toBe(
      'deploy',
    );
    // No secret in the trail.
    expect(ctl.events.since(0, 1000, ['reconcile-requested'])).toEqual([
      expect.objectContaining({ type: 'reconcile-requested', actor: 'admin' }),
    ]);
    const trail = readFileSync(join(ctl.events.dir, 'events.jsonl'), 'utf8');
    for (const t of Object.values(TOKENS)) expect(trail).not.toContain(t);
  }, 30_000);

  it('requireReadToken: status, events and explain need a token of any role', async () => {
    const cfg = config(mkdtempSync(join(tmpdir(), 'gf-op-')));
    cfg.controller.requireReadToken = true;
    const { ctl } = await start(cfg);
    expect((await call(ctl, 'GET', '/v1/status')).status).toBe(401);
    expect((await call(ctl, 'GET', '/v1/events')).status).toBe(401);
    expect((await call(ctl, 'GET', '/v1/explain?name=app.example.com')).status).toBe(401);
    expect((await call(ctl, 'GET', '/v1/status', TOKENS.viewer)).status).toBe(200);
    expect((await call(ctl, 'GET', '/healthz')).status).toBe(200);
  }, 30_000);
});

describe('force-up override', () => {
  it('forces a down region up, shows it everywhere, survives a restart, and clears back to health', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-op-'));
    const { ctl, mem } = await start(config(dir));
    await usEastDown(ctl, mem);

    // Bad input: one clear 400 (or 404) each, and nothing changes.
    const before = ctl.events.lastSeq();
    const bad = [
      await call(ctl, 'PUT', '/v1/overrides/mars', TOKENS.oncall, {
        state: 'up',
        reason: 'x',
        forMs: 60_000,
      }),
      await call(ctl, 'PUT', '/v1/overrides/us-east', TOKENS.oncall, {
        state: 'down',
        reason: 'x',
        forMs: 60_000,
      }),
      await call(ctl, 'PUT', '/v1/overrides/us-east', TOKENS.oncall, { state: 'up', reason: 'x' }),
      await call(ctl, 'PUT', '/v1/overrides/us-east', TOKENS.oncall, {
        state: 'up',
        reason: 'x',
        forMs: 1e300,
      }),
      await call(ctl, 'PUT', '/v1/overrides/us-east', TOKENS.oncall, { state: 'up', reason: 'x', forMs: 5 }),
      await call(ctl, 'PUT', '/v1/overrides/us-east', TOKENS.oncall, { state: 'up', forMs: 60_000 }),
      await call(ctl, 'PUT', '/v1/overrides/us-east', TOKENS.oncall, '[1,2]'),
      await call(ctl, 'PUT', '/v1/overrides/us-east', TOKENS.viewer, {
        state: 'up',
        reason: 'x',
        forMs: 60_000,
      }),
    ];
    expect(bad.map((b) => b.status)).toEqual([404, 400, 400, 400, 400, 400, 400, 403]);
    expect(bad[0]!.doc.error).toContain('unknown region "mars"; known: us-east, eu-west');
    expect(bad[3]!.doc.error).toMatch(
      /"forMs" must be a number of milliseconds from 1000 \(1s\) to 31622400000 \(366d\)/,
    );
    expect(bad[2]!.doc.error).toMatch(/needs "forMs"/);
    expect(ctl.events.lastSeq()).toBe(before);
    expect(region(await statusOf(ctl), 'us-east').status).toBe('down');

    const ok = await call(ctl, 'PUT', '/v1/overrides/us-east', TOKENS.oncall, {
      state: 'up',
      reason: 'checks broken by the CDN change',
      forMs: 30 * 60_000,
    });
    expect(ok).toMatchObject({ status: 200, doc: { region: 'us-east', status: 'up' } });
    await until(
      () => appValues(mem),
      (v) => v === '192.0.2.10',
    );
    const s = await statusOf(ctl);
    expect(region(s, 'us-east')).toMatchObject({
      status: 'up',
      override: { state: 'up', reason: 'checks broken by the CDN change', author: 'oncall' },
    });
    const metrics = await (await fetch(`${ctl.url}/metrics`)).text();
    expect(metrics).toMatch(/geofailover_region_forced_up\{region="us-east"\} 1/);
    expect(metrics).toMatch(/geofailover_region_forced_up\{region="eu-west"\} 0/);
    const ex = (await call(ctl, 'GET', '/v1/explain?name=app.example.com')).doc as {
      regions: { id: string; override?: unknown }[];
    };
    expect(ex.regions.find((r) => r.id === 'us-east')!.override).toMatchObject({ author: 'oncall' });
    // A drain still wins.
    await call(ctl, 'PUT', '/v1/drains/us-east', TOKENS.oncall, { reason: 'deploy' });
    await until(
      () => appValues(mem),
      (v) => v === '198.51.100.10',
    );
    await call(ctl, 'DELETE', '/v1/drains/us-east', TOKENS.oncall);
    await until(
      () => appValues(mem),
      (v) => v === '192.0.2.10',
    );

    // Persisted: a restarted controller keeps the override (and DNS stays on us-east).
    await ctl.stop();
    cleanup.length = 0;
    const saved = JSON.parse(readFileSync(join(dir, 'overrides.json'), 'utf8')) as {
      overrides: { region: string }[];
    };
    expect(saved.overrides.map((o) => o.region)).toEqual(['us-east']);
    const again = await start(config(dir), mem);
    expect(region(await statusOf(again.ctl), 'us-east')).toMatchObject({
      status: 'up',
      override: { author: 'oncall' },
    });

    // Cleared: back to what the checks say at once.
    for (let i = 0; i < 2; i++) await round(again.ctl.url, KEYS, ENDPOINTS, new Set(['use-a']));
    const cleared = await call(again.ctl, 'DELETE', '/v1/overrides/us-east', TOKENS.oncall);
    expect(cleared).toMatchObject({ status: 200, doc: { override: null, status: 'down' } });
    await until(
      () => appValues(mem),
      (v) => v === '198.51.100.10',
    );
    const ev = again.ctl.events.since(0, 100, ['override', 'override-lifted']);
    expect(ev.map((e) => [e.type, e.actor, e.from, e.to])).toEqual([
      ['override', 'oncall', 'down', 'up'],
      ['override-lifted', 'oncall', 'up', 'down'],
    ]);
  }, 40_000);

  it('expires by itself', async () => {
    const { ctl, mem } = await start(config(mkdtempSync(join(tmpdir(), 'gf-op-'))));
    await usEastDown(ctl, mem);
    await call(ctl, 'PUT', '/v1/overrides/us-east', TOKENS.oncall, {
      state: 'up',
      reason: 'brief',
      forMs: 1500,
    });
    await until(
      () => appValues(mem),
      (v) => v === '192.0.2.10',
    );
    await until(
      () => ctl.events.since(0, 100, ['override-lifted']).length,
      (n) => n === 1,
    );
    expect(ctl.events.since(0, 100, ['override-lifted'])[0]).toMatchObject({ from: 'up', to: 'down' });
    await until(
      () => appValues(mem),
      (v) => v === '198.51.100.10',
    );
  }, 30_000);
});

async function hook(): Promise<{ server: Server; url: string; got: Record<string, unknown>[] }> {
  const got: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => {
      got.push(JSON.parse(data) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => server.close(() => r())));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

describe('maintenance windows through the API', () => {
  it('refuses bad windows with one clear 400 each, and changes nothing', async () => {
    const { ctl } = await start(config(mkdtempSync(join(tmpdir(), 'gf-op-'))));
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const cases: [unknown, RegExp][] = [
      [{ region: 'mars', reason: 'x', start: future, durationMs: 60_000 }, /"region": unknown region "mars"/],
      [{ region: 'us-east', reason: 'x', start: '2020-01-01T00:00:00Z', durationMs: 60_000 }, /in the past/],
      [{ region: 'us-east', reason: 'x', cron: '0 25 * * *', durationMs: 60_000 }, /"cron": .*hour/],
      [
        { region: 'us-east', reason: 'x', start: future, durationMs: 0 },
        /"durationMs" must be a number of milliseconds from 1000/,
      ],
      [{ region: 'us-east', reason: 'x', start: future, durationMs: 1e12 }, /"durationMs" .*366d/],
      [{ region: 'us-east', reason: 'x', start: future, end: future }, /"end - start" must be/],
      [
        { region: 'us-east', reason: 'x', start: 'tomorrow', durationMs: 60_000 },
        /"start" must be an ISO 8601 time/,
      ],
      [{ region: 'us-east', reason: 'x', start: '2030-01-01T02:00:00', durationMs: 60_000 }, /with a zone/],
      [{ region: 'us-east', reason: 'x', durationMs: 60_000 }, /either "cron" .* or "start"/],
      [
        { region: 'us-east', reason: 'x', start: future, durationMs: 60_000, notifyBeforeMs: -1 },
        /"notifyBeforeMs"/,
      ],
      [{ region: 'us-east', start: future, durationMs: 60_000 }, /needs a "reason"/],
    ];
    for (const [body, message] of cases) {
      const r = await call(ctl, 'POST', '/v1/maintenance', TOKENS.oncall, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(String(r.doc.error)).toMatch(message);
    }
    expect(((await call(ctl, 'GET', '/v1/maintenance')).doc.windows as unknown[]).length).toBe(0);
    expect(ctl.events.since(0, 1000, ['maintenance-added'])).toEqual([]);
    expect((await call(ctl, 'POST', '/v1/maintenance', TOKENS.viewer, cases[0]![0])).status).toBe(403);
    expect((await call(ctl, 'DELETE', '/v1/maintenance/nope', TOKENS.oncall)).status).toBe(404);
  }, 30_000);

  it('announces, drains at the start, holds down after the end, and returns; status and events show it', async () => {
    const h = await hook();
    const dir = mkdtempSync(join(tmpdir(), 'gf-op-'));
    const { ctl, mem } = await start(
      config(dir, `notifications:\n  - { kind: webhook, url: "${h.url}", events: [maintenance, failback] }`, {
        failbackAfter: '2s',
      }),
    );
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS);
    await until(
      () => appValues(mem),
      (v) => v === '192.0.2.10',
    );
    // Keep the probers fresh and happy throughout.
    let feeding = true;
    const feed = (async () => {
      while (feeding) {
        await round(ctl.url, KEYS, ENDPOINTS);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    cleanup.push(async () => {
      feeding = false;
      await feed;
    });
    const startAt = new Date(Date.now() + 2500).toISOString();
    const added = await call(ctl, 'POST', '/v1/maintenance', TOKENS.oncall, {
      id: 'kernel',
      region: 'us-east',
      reason: 'kernel update',
      start: startAt,
      durationMs: 2500,
      notifyBeforeMs: 60_000,
    });
    expect(added).toMatchObject({
      status: 201,
      doc: {
        window: {
          id: 'kernel',
          region: 'us-east',
          source: 'api',
          nextStart: new Date(startAt).toISOString(),
        },
      },
    });
    const s = await statusOf(ctl);
    expect(s.maintenance?.upcoming[0]).toMatchObject({
      window: 'kernel',
      region: 'us-east',
      reason: 'kernel update',
    });
    // Announced ahead (notifyBefore), then drained at the start: traffic moves to eu-west.
    await until(
      () => h.got.filter((g) => g.kind === 'maintenance').length,
      (n) => n >= 1,
    );
    expect(String(h.got[0]!.message)).toMatch(/us-east maintenance starts at/);
    await until(
      () => appValues(mem),
      (v) => v === '198.51.100.10',
    );
    expect(region(await statusOf(ctl), 'us-east')).toMatchObject({
      status: 'drained',
      maintenance: { window: 'kernel' },
    });
    // After the end: the failback hold-down (2 s) applies before traffic returns.
    const ended = await until(
      () => ctl.events.since(0, 1000, ['maintenance-end']),
      (l) => l.length === 1,
    );
    expect(ended[0]).toMatchObject({ region: 'us-east', from: 'drained', to: 'down' });
    expect(appValues(mem)).toBe('198.51.100.10');
    await until(
      () => appValues(mem),
      (v) => v === '192.0.2.10',
    );
    const returned = ctl.events.since(0, 1000, ['region-transition']).at(-1)!;
    expect(Date.parse(returned.at) - Date.parse(ended[0]!.at)).toBeGreaterThanOrEqual(1900);
    const kinds = ctl.events.since(0, 1000, [
      'maintenance-added',
      'maintenance-upcoming',
      'maintenance-start',
      'maintenance-end',
    ]);
    expect(kinds.map((e) => e.type)).toEqual([
      'maintenance-added',
      'maintenance-upcoming',
      'maintenance-start',
      'maintenance-end',
    ]);
    expect(kinds[0]).toMatchObject({
      actor: 'oncall',
      before: null,
      after: { id: 'kernel', region: 'us-east' },
    });
    // Persisted, then deleted through the API.
    expect(readFileSync(join(dir, 'maintenance.json'), 'utf8')).toContain('"kernel"');
    const del = await call(ctl, 'DELETE', '/v1/maintenance/kernel', TOKENS.oncall);
    expect(del.status).toBe(200);
    expect(ctl.events.since(0, 1000, ['maintenance-removed'])[0]).toMatchObject({
      actor: 'oncall',
      after: null,
      before: { id: 'kernel' },
    });
  }, 40_000);

  it('announces an occurrence once, also across a restart inside its notifyBefore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-op-'));
    const startAt = new Date(Date.now() + 5 * 60_000).toISOString();
    const cfg = () =>
      config(
        dir,
        `maintenance:\n  - { id: once, region: eu-west, reason: patching, start: "${startAt}", duration: 1h, notifyBefore: 10m }`,
      );
    const upcoming = (ctl: RunningController) => ctl.events.since(0, 1000, ['maintenance-upcoming']);
    const first = await start(cfg());
    await until(
      () => upcoming(first.ctl),
      (l) => l.length === 1,
    );
    await first.ctl.stop();
    const second = await start(cfg());
    // Several engine ticks (about one a second) after the restart: still the one announcement.
    await new Promise((r) => setTimeout(r, 2500));
    expect(upcoming(second.ctl).map((e) => (e.evidence as { window: string }).window)).toEqual(['once']);
  }, 30_000);

  it('config windows are listed and cannot be deleted through the API', async () => {
    const { ctl } = await start(
      config(
        mkdtempSync(join(tmpdir(), 'gf-op-')),
        'maintenance:\n  - { id: weekly, region: eu-west, reason: patching, cron: "0 3 * * 0", duration: 1h }',
      ),
    );
    const list = (await call(ctl, 'GET', '/v1/maintenance')).doc.windows as Record<string, unknown>[];
    expect(list).toEqual([
      expect.objectContaining({ id: 'weekly', source: 'config', cron: '0 3 * * 0', durationMs: 3_600_000 }),
    ]);
    expect(String(list[0]!.nextStart)).toMatch(/T03:00:00.000Z$/);
    const del = await call(ctl, 'DELETE', '/v1/maintenance/weekly', TOKENS.oncall);
    expect(del.status).toBe(409);
    expect(del.doc.error).toMatch(/defined in the config file/);
  }, 30_000);
});
