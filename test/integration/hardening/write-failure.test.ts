// When a provider cannot write (here the builtin zone store on a state dir that
// turns read-only), the failure shows in status, metrics and notifications until it clears, and
// clears when writes work again. The state dir is a real tmpfs the test mounts and remounts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusDoc } from '../../../src/api/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerConfig, ENDPOINTS, FAILOVER_2, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';

function canMount(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs';
  const probe = mkdtempSync(join(tmpdir(), 'gf-mnt-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'this machine does not allow mounting a tmpfs';
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const skip = canMount();
if (skip) console.warn(`skipping the read-only state dir test: ${skip}`);

async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`not met in ${ms} ms; last: ${JSON.stringify(v).slice(0, 4000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(skip !== undefined)('a provider that cannot write', () => {
  const root = mkdtempSync(join(tmpdir(), 'gf-ro-'));
  const mnt = join(root, 'state');
  const hooks: Record<string, unknown>[] = [];
  const hook = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hooks.push(JSON.parse(body) as Record<string, unknown>);
      res.end('ok');
    });
  });
  let ctl: RunningController;

  beforeAll(async () => {
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]);
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as AddressInfo).port;
    ctl = await startController({
      config: controllerConfig({
        owner: 'ro',
        stateDir: join(root, 'ctl'),
        provider: `{ kind: builtin, listen: '127.0.0.1:0', storeFile: ${join(mnt, 'zones.json')} }`,
        records: [FAILOVER_2],
        extra: `notifications: [{ kind: webhook, url: "http://127.0.0.1:${port}/", events: [apply-error] }]`,
      }),
      env: KEY_ENV,
      logger: silentLogger(),
    });
  });

  afterAll(async () => {
    await ctl?.stop();
    hook.close();
    try {
      execFileSync('umount', [mnt]);
    } catch {}
    rmSync(root, { recursive: true, force: true });
  });

  const status = async () => (await (await fetch(`${ctl.url}/v1/status`)).json()) as StatusDoc;
  const metrics = async () => (await fetch(`${ctl.url}/metrics`)).text();
  const endpoints = Object.values(ENDPOINTS).slice(0, 2);

  it('shows the failure in status, metrics and a notification until it clears', async () => {
    await round(ctl.url, KEYS, endpoints);
    await round(ctl.url, KEYS, endpoints);
    await until(status, (s) => s.zones[0]?.lastReconcile?.result === 'changed' && !s.zones[0]?.error);

    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    const down = new Set([ENDPOINTS['us-east']]);
    await round(ctl.url, KEYS, endpoints, down);
    await round(ctl.url, KEYS, endpoints, down);

    const failing = await until(status, (s) => s.zones[0]?.error !== undefined);
    expect(failing.zones[0]!.error!.message).toMatch(/read-only|EROFS/i);
    // The event says the write was sent (the store refused it), and when.
    const { events } = (await (await fetch(`${ctl.url}/v1/events?type=apply-error`)).json()) as {
      events: { stage?: string; startedAt?: string; writeStartedAt?: string }[];
    };
    expect(events.at(-1)?.stage).toBe('write');
    expect(Date.parse(events.at(-1)!.writeStartedAt!)).toBeGreaterThanOrEqual(
      Date.parse(events.at(-1)!.startedAt!),
    );
    // It stays visible across retries, not only until the next pass.
    await new Promise((r) => setTimeout(r, 2500));
    const still = await status();
    expect(still.zones[0]!.error, JSON.stringify(still.zones[0])).toBeDefined();
    expect(still.problems?.some((p) => p.kind === 'provider-failing' && p.provider === 'p')).toBe(true);
    expect(await metrics()).toMatch(/geofailover_provider_failing\{[^}]*provider="p"[^}]*\} 1/);
    await until(
      () => hooks,
      (h) => h.some((x) => (x.details as { event?: string }).event === 'apply-error'),
    );
    // One notification for the streak, not one per retry.
    expect(hooks.filter((x) => (x.details as { event?: string }).event === 'apply-error')).toHaveLength(1);

    execFileSync('mount', ['-o', 'remount,rw', mnt]);
    const healed = await until(status, (s) => s.zones[0]?.error === undefined, 90_000);
    expect(healed.problems?.some((p) => p.kind === 'provider-failing') ?? false).toBe(false);
    expect(await metrics()).toMatch(/geofailover_provider_failing\{[^}]*provider="p"[^}]*\} 0/);
    await until(
      () => hooks,
      (h) => h.some((x) => (x.details as { event?: string }).event === 'apply-recovered'),
    );
  }, 120_000);
});
