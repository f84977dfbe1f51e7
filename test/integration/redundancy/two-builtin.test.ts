// Provider redundancy, chaos style: one controller publishes example.com to two builtin providers,
// each with its own store file and its own DNS server. Provider `b` is broken while the controller
// runs (its reads and writes throw, then they hang as a dead remote API would); provider `a` still
// fails over at once and its own server answers the new region, while status, metrics and events
// show b's error. The adapters and DNS servers are the real builtin ones; `b` is wrapped only to
// inject the failure.

import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider, type DnsProvider } from '../../../providers/index.ts';
import type { StatusDoc } from '../../../src/api/index.ts';
import { type Config, parseConfig } from '../../../src/config/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { type ExplainDoc, renderExplain } from '../../../src/controller/views/explain.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { ProviderError } from '../../../src/model/index.ts';
import { ENDPOINTS, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';

type Mode = 'ok' | 'throw' | 'hang';

/** The real builtin provider, with a switch that makes every call fail or never return. */
class Breakable implements DnsProvider {
  mode: Mode = 'ok';
  private release: (() => void)[] = [];
  constructor(private readonly inner: DnsProvider) {}
  get id() {
    return this.inner.id;
  }
  get kind() {
    return this.inner.kind;
  }
  get capabilities() {
    return this.inner.capabilities;
  }
  private async gate(zone: string): Promise<void> {
    if (this.mode === 'throw')
      throw new ProviderError(
        `builtin provider ${this.id}, zone ${zone}: store unavailable (injected: EROFS)`,
        {
          provider: this.id,
          zone,
          retryable: true,
        },
      );
    if (this.mode === 'hang') {
      await new Promise<void>((resolve) => this.release.push(resolve));
      throw new ProviderError(`builtin provider ${this.id}: released after hanging`, { provider: this.id });
    }
  }
  /** Let every hung call end (the controller's stop waits for passes in flight). */
  unhang(): void {
    for (const r of this.release.splice(0)) r();
  }
  async records(...args: Parameters<DnsProvider['records']>) {
    await this.gate(args[0]);
    return this.inner.records(...args);
  }
  async apply(...args: Parameters<DnsProvider['apply']>) {
    await this.gate(args[0]);
    return this.inner.apply(...args);
  }
  async close() {
    await this.inner.close?.();
  }
}

async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`not met in ${ms} ms; last: ${JSON.stringify(v).slice(0, 3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function answer(server: string, name: string): Promise<string[]> {
  const r = new Resolver({ timeout: 1000, tries: 1 });
  r.setServers([server]);
  return (await r.resolve4(name).catch(() => [] as string[])).sort();
}

describe('a zone on two builtin providers, one of them broken', () => {
  const root = mkdtempSync(join(tmpdir(), 'gf-redundancy-'));
  let config: Config;
  let ctl: RunningController;
  let b: Breakable;
  const endpoints = Object.values(ENDPOINTS).slice(0, 2);
  const US = ['192.0.2.10'];
  const EU = ['198.51.100.10'];

  beforeAll(async () => {
    config = parseConfig(`
owner: redundant
regions:
  - { id: us-east, endpoints: [{ id: use-a, address: 192.0.2.10, check: { kind: tcp, port: 80 } }] }
  - { id: eu-west, endpoints: [{ id: euw-a, address: 198.51.100.10, check: { kind: tcp, port: 80 } }] }
probers: [{ id: p1, keyEnv: K1 }, { id: p2, keyEnv: K2 }, { id: p3, keyEnv: K3 }]
health: { interval: 1s, timeout: 500ms, fall: 2, rise: 2, minProbers: 2, staleAfter: 30s, failbackAfter: 1s }
providers:
  a: { kind: builtin, listen: '127.0.0.1:0', storeFile: ${join(root, 'a', 'zones.json')} }
  b: { kind: builtin, listen: '127.0.0.1:0', storeFile: ${join(root, 'b', 'zones.json')} }
zones:
  - name: example.com
    providers: [a, b]
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west] } }
controller: { listen: '127.0.0.1:0', schedule: '0 0 1 1 *', stateDir: ${join(root, 'ctl')} }
verify: { timeout: 3s }
`);
    const ctx = { owner: config.owner, config, env: {} };
    b = new Breakable(await createProvider('b', ctx));
    const providers = new Map<string, DnsProvider>([
      ['a', await createProvider('a', ctx)],
      ['b', b],
    ]);
    ctl = await startController({ config, env: KEY_ENV, logger: silentLogger(), providers });
  });

  afterAll(async () => {
    b?.unhang();
    if (b) b.mode = 'ok';
    await ctl?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const status = async () => (await (await fetch(`${ctl.url}/v1/status`)).json()) as StatusDoc;
  const view = (s: StatusDoc, provider: string) => s.zones.find((z) => z.provider === provider);
  // The embedded servers start in config order: a, then b.
  const serverOf = (p: 'a' | 'b') => ctl.dnsAddresses[p === 'a' ? 0 : 1]!;

  it('publishes to both and shows one status entry per provider', async () => {
    expect(ctl.dnsAddresses).toHaveLength(2);
    await round(ctl.url, KEYS, endpoints);
    await round(ctl.url, KEYS, endpoints);
    const s = await until(status, (x) =>
      ['a', 'b'].every((p) => view(x, p)?.lastReconcile?.result === 'changed' && !view(x, p)?.error),
    );
    expect(s.zones.map((z) => [z.zone, z.provider])).toEqual([
      ['example.com.', 'a'],
      ['example.com.', 'b'],
    ]);
    expect(await answer(serverOf('a'), 'app.example.com')).toEqual(US);
    expect(await answer(serverOf('b'), 'app.example.com')).toEqual(US);
  });

  it('fails over on a while b throws; status, metrics and events name b', async () => {
    b.mode = 'throw';
    const down = new Set([ENDPOINTS['us-east']]);
    await round(ctl.url, KEYS, endpoints, down);
    const t0 = performance.now();
    await round(ctl.url, KEYS, endpoints, down); // the deciding round (fall 2)
    // a generous bound that catches a block on b, not a timing claim
    await until(
      () => answer(serverOf('a'), 'app.example.com'),
      (v) => v.join() === EU.join(),
      5_000,
    );
    console.log(
      `failover on a with b throwing: ${Math.round(performance.now() - t0)} ms after the deciding report`,
    );
    const s = await until(status, (x) => view(x, 'b')?.failing !== undefined);
    expect(view(s, 'b')!.failing!.message).toMatch(/store unavailable \(injected: EROFS\)/);
    expect(s.problems?.some((p) => p.kind === 'provider-failing' && p.provider === 'b')).toBe(true);
    expect(view(s, 'a')?.failing).toBeUndefined();
    expect(view(s, 'a')?.error).toBeUndefined();
    // a's change was confirmed on a's own server only: b's server (still the old answer) is not asked
    const { events } = (await (await fetch(`${ctl.url}/v1/events?type=apply`)).json()) as {
      events: unknown[];
    };
    const applyA = events.filter((e) => JSON.stringify(e).includes('"provider":"a"')).at(-1);
    expect(JSON.stringify(applyA)).toContain(serverOf('a'));
    expect(JSON.stringify(applyA)).not.toContain(serverOf('b'));
    expect(await answer(serverOf('b'), 'app.example.com')).toEqual(US);
    // Each event says when its pass began and when it began writing; b failed reading, before any write.
    const a = applyA as { startedAt?: string; writeStartedAt?: string };
    expect(Date.parse(a.writeStartedAt!)).toBeGreaterThanOrEqual(Date.parse(a.startedAt!));
    const errors = (
      (await (await fetch(`${ctl.url}/v1/events?type=apply-error`)).json()) as {
        events: { provider?: string; stage?: string; startedAt?: string; writeStartedAt?: string }[];
      }
    ).events.filter((e) => e.provider === 'b');
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.stage).toBe('read');
      expect(Number.isNaN(Date.parse(e.startedAt!))).toBe(false);
      expect(e.writeStartedAt).toBeUndefined();
    }
    const metrics = await (await fetch(`${ctl.url}/metrics`)).text();
    expect(metrics).toMatch(/geofailover_provider_failing\{provider="b",zone="example.com."\} 1/);
    expect(metrics).toMatch(/geofailover_provider_failing\{provider="a",zone="example.com."\} 0/);
    expect(metrics).toMatch(
      /geofailover_reconciles_total\{zone="example.com.",provider="a",result="changed"\} [1-9]/,
    );
    // explain names both providers: a serves the new answer, b is still pending with the old one
    const doc = (await (await fetch(`${ctl.url}/v1/explain?name=app.example.com`)).json()) as ExplainDoc;
    expect(doc.providers).toEqual(['a', 'b']);
    expect(doc.sets[0]!.published).toEqual(EU);
    expect(doc.sets[0]!.inSync).toBe(true);
    expect(doc.sets[0]!.otherProviders).toEqual([
      { provider: 'b', published: US, desired: EU, inSync: false },
    ]);
    expect(renderExplain(doc)).toMatch(/on b: 192\.0\.2\.10 {2}\(pending -> 198\.51\.100\.10\)/);
    // the CLI's table: one row per provider with its state
    const { renderStatus } = await import('../../../src/cli/commands/status.ts');
    const text = renderStatus(s);
    // The two servers share the process's budget: b is sized with the workers a already runs.
    const [da, db] = s.dns ?? [];
    expect([da?.provider, db?.provider]).toEqual(['a', 'b']);
    expect(da!.addresses).toEqual([serverOf('a')]);
    if (da!.workers > 1)
      expect(db!.reason).toMatch(/\(\d+ workers? already serves? (another|other) builtin providers?\)$/);
    expect(text).toMatch(new RegExp(`^a\\s+${serverOf('a')}\\s+${da!.workers}\\s+${da!.reason}`, 'm'));
    expect(text).toMatch(/example\.com\.\s+a\s+builtin\s+OK/);
    expect(text).toMatch(/example\.com\.\s+b\s+builtin\s+FAILING/);
  }, 30_000);

  it('fails back on a while every call to b hangs', async () => {
    b.mode = 'hang';
    // b's passes hang from now on (not awaited: reconcileNow waits for every unit); a must not wait
    void ctl.reconcileNow();
    await round(ctl.url, KEYS, endpoints);
    const t0 = performance.now();
    await round(ctl.url, KEYS, endpoints); // the deciding round (rise 2)
    // us-east is UP again: after failbackAfter (1s) a fails back, with b's passes still hanging
    await until(
      () => answer(serverOf('a'), 'app.example.com'),
      (v) => v.join() === US.join(),
      10_000,
    );
    console.log(`failback on a with b hanging: ${Math.round(performance.now() - t0)} ms (failbackAfter 1s)`);
  }, 30_000);

  it('b converges once it works again, and both then plan zero changes', async () => {
    b.unhang();
    b.mode = 'ok';
    await ctl.reconcileNow();
    await until(
      status,
      (x) => view(x, 'b')?.failing === undefined && view(x, 'b')?.lastReconcile?.result !== 'error',
    );
    await until(
      () => answer(serverOf('b'), 'app.example.com'),
      (v) => v.join() === US.join(),
    );
    // planning again through the CLI's own path finds nothing to do on either provider
    const { openProviders, planZones, closeProviders } = await import('../../../src/controller/index.ts');
    const providers = await openProviders(config);
    try {
      const plan = await planZones(config, providers, new Map());
      expect(plan.zones.map((z) => [z.provider, z.changes.length])).toEqual([
        ['a', 0],
        ['b', 0],
      ]);
    } finally {
      await closeProviders(providers);
    }
  }, 30_000);
});
