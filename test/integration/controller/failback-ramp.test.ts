// The failback ramp and endpoint weights in the real controller with its embedded builtin DNS server:
// signed reports take us-east down and back; after the hold-down it returns at 10, 25, 50 and 100%
// of its weight, and at each step the answer shares measured over UDP (600 queries from 16 source
// ports) are within 5 points of the target. A relapse mid-ramp drops it to 0 at once and the next
// recovery waits out a (longer) hold-down again. Endpoint weights 3:1 split us-east's share.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusDoc } from '../../../src/api/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { type ExplainDoc, renderExplain } from '../../../src/controller/views/explain.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { hostPort, measureShares } from '../../helpers/dns-shares.ts';
import { round } from '../../helpers/reports.ts';

const STEPS = [10, 25, 50, 100];
// ±5 points must be a real bound, not luck: with 2,000 answers a share's standard deviation is at
// most 1.1 points, so 5 points is 4.5 sigma (600 answers made it 2.4 sigma: a 1-in-70 flake per check).
const QUERIES = 2000;
const TOLERANCE = 0.05;
/** Every worker process serves an applied change within 100 ms (the workers test bounds it). */
const settle = () => new Promise((r) => setTimeout(r, 150));

const yaml = (dir: string, stepAfter = '5s') => `
owner: ramp-test
regions:
  - id: us-east
    endpoints:
      - { id: use-a, address: 192.0.2.10, weight: 3, check: { kind: tcp, port: 80 } }
      - { id: use-b, address: 192.0.2.11, weight: 1, check: { kind: tcp, port: 80 } }
  - id: eu-west
    endpoints:
      - { id: euw-a, address: 198.51.100.10, check: { kind: tcp, port: 80 } }
probers: [{ id: p1, keyEnv: K1 }, { id: p2, keyEnv: K2 }, { id: p3, keyEnv: K3 }]
health:
  interval: 1s
  timeout: 500ms
  fall: 2
  rise: 2
  minProbers: 2
  staleAfter: 30s
  failbackAfter: 1s
  failbackRamp: { steps: [${STEPS.join(', ')}], stepAfter: ${stepAfter} }
providers: { dns: { kind: builtin, listen: "127.0.0.1:0" } }
zones:
  - name: example.com
    provider: dns
    records:
      - { name: app.example.com, type: A, ttl: 5, policy: { kind: failover, order: [us-east, eu-west] } }
      - { name: api.example.com, type: A, ttl: 5, policy: { kind: weighted, weights: { us-east: 100, eu-west: 100 } } }
controller: { listen: "127.0.0.1:0", schedule: "0 0 1 1 *", stateDir: "${dir}" }
verify: { nameservers: [], timeout: 5s }
`;

const running: RunningController[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
});

async function status(url: string): Promise<StatusDoc> {
  return (await (await fetch(`${url}/v1/status`)).json()) as StatusDoc;
}

async function until(
  url: string,
  ok: (s: StatusDoc) => boolean,
  what: string,
  ms = 20_000,
): Promise<StatusDoc> {
  const end = Date.now() + ms;
  for (;;) {
    const s = await status(url);
    if (ok(s)) return s;
    if (Date.now() > end)
      throw new Error(
        `${what}: not within ${ms} ms; regions ${JSON.stringify(s.regions.map((r) => [r.id, r.status, r.ramp]))}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

const useast = (s: StatusDoc) => s.regions.find((r) => r.id === 'us-east')!;
/** The api/app sets as published (the controller's last read of the builtin store). */
const published = (s: StatusDoc, name: string) =>
  s.zones[0]!.records.filter((r) => r.name === `${name}.example.com.` && r.type === 'A');
const region = (addr: string) =>
  addr.startsWith('192.0.2.') ? 'us-east' : addr.startsWith('198.51.100.') ? 'eu-west' : addr;

describe('failback ramp in the running controller (builtin DNS over UDP)', () => {
  it('ramps a recovered region 10/25/50/100%, measured on the wire, and a relapse drops it to 0 at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-ramp-'));
    const ctl = await startController({
      config: parseConfig(yaml(dir)),
      env: KEY_ENV,
      logger: silentLogger(),
    });
    running.push(ctl);
    const dns = hostPort(ctl.dnsAddresses[0]!);

    // Probe agents: every prober reports every 300 ms; `down` is what fails.
    let down = new Set<string>();
    let pumping = true;
    const pump = (async () => {
      while (pumping) {
        await round(ctl.url, KEYS, ['use-a', 'use-b', 'euw-a'], down);
        await new Promise((r) => setTimeout(r, 300));
      }
    })();

    try {
      // Steady state: endpoint weights 3:1 split us-east's half of api (37.5 / 12.5 / 50 %).
      await until(ctl.url, (s) => published(s, 'api').length === 3, 'first publish');
      await settle();
      const api = await measureShares(dns, 'api.example.com', QUERIES, (a) => a);
      expect(api.total).toBeGreaterThanOrEqual(QUERIES * 0.95);
      expect(Math.abs(api.share('192.0.2.10') - 0.375)).toBeLessThan(TOLERANCE);
      expect(Math.abs(api.share('192.0.2.11') - 0.125)).toBeLessThan(TOLERANCE);
      expect(Math.abs(api.share('198.51.100.10') - 0.5)).toBeLessThan(TOLERANCE);

      // us-east fails: everything goes to eu-west.
      down = new Set(['use-a', 'use-b']);
      await until(
        ctl.url,
        (s) => useast(s).status === 'down' && published(s, 'app')[0]?.values.join() === '198.51.100.10',
        'failover',
      );

      // Recovery: hold-down (1 s), then the ramp, step by step.
      down = new Set();
      for (const [i, pct] of STEPS.entries()) {
        const s = await until(
          ctl.url,
          (x) => {
            const r = useast(x).ramp;
            const app = published(x, 'app');
            const appReady =
              pct < 100 ? app.find((p) => p.setId === 'us-east')?.weight === pct : app.length === 1;
            return r?.step === i + 1 && appReady && x.zones[0]!.lastReconcile?.result !== 'error';
          },
          `ramp step ${i + 1}`,
        );
        expect(useast(s).ramp).toMatchObject({ step: i + 1, steps: 4, percent: pct });
        if (i === 1) {
          // explain shows the step, and the plan's reason names it.
          const doc = (await (
            await fetch(`${ctl.url}/v1/explain?name=app.example.com&type=A`)
          ).json()) as ExplainDoc;
          expect(doc.regions.find((r) => r.id === 'us-east')?.ramp).toMatchObject({
            step: 2,
            steps: 4,
            percent: 25,
          });
          expect(doc.sets.map((x) => x.reason.detail)).toEqual([
            'ramp step 2/4 of us-east (25%)',
            'ramp step 2/4 of us-east (25%)',
          ]);
          expect(renderExplain(doc)).toContain('failback ramp step 2/4 (25%)');
          const applies = ctl.events.since(0, 10_000, ['apply']);
          expect(JSON.stringify(applies.at(-1))).toContain('ramp step 2/4 of us-east');
        }
        await settle();
        const app = await measureShares(dns, 'app.example.com', QUERIES, region);
        const apiNow = await measureShares(dns, 'api.example.com', QUERIES, region);
        // Still on the same step after measuring: the shares belong to it.
        expect(useast(await status(ctl.url)).ramp?.step).toBe(i + 1);
        expect(app.total).toBeGreaterThanOrEqual(QUERIES * 0.95);
        expect(Math.abs(app.share('us-east') - pct / 100), `app at step ${i + 1}`).toBeLessThan(TOLERANCE);
        // api: us-east weighs 100 x pct%, eu-west 100.
        const target = pct / (pct + 100);
        expect(Math.abs(apiNow.share('us-east') - target), `api at step ${i + 1}`).toBeLessThan(TOLERANCE);
      }
      const events = ctl.events.since(0, 10_000, ['failback-ramp']).map((e) => e.to);
      expect(events.slice(0, 4)).toEqual([
        'step 1/4 (10%)',
        'step 2/4 (25%)',
        'step 3/4 (50%)',
        'step 4/4 (100%)',
      ]);
      await until(ctl.url, (s) => useast(s).status === 'up' && useast(s).ramp === undefined, 'ramp done');

      // A second failure and recovery; at step 2 it relapses.
      down = new Set(['use-a', 'use-b']);
      await until(ctl.url, (s) => useast(s).status === 'down', 'second failover');
      down = new Set();
      await until(ctl.url, (s) => useast(s).ramp?.step === 2, 'second ramp at step 2', 30_000);
      down = new Set(['use-a', 'use-b']);
      await until(
        ctl.url,
        (s) =>
          useast(s).status === 'down' &&
          published(s, 'app').length === 1 &&
          published(s, 'app')[0]!.values.join() === '198.51.100.10',
        'relapse',
      );
      await settle();
      const relapsed = await measureShares(dns, 'app.example.com', QUERIES, region);
      expect(relapsed.share('us-east')).toBe(0);
      const apiRelapsed = await measureShares(dns, 'api.example.com', QUERIES, region);
      expect(apiRelapsed.share('us-east')).toBe(0);
      expect(ctl.events.since(0, 10_000, ['failback-ramp']).some((e) => e.to === 'aborted')).toBe(true);

      // The next recovery starts with the hold-down again (longer after the flaps), not on a ramp step.
      down = new Set();
      const held = await until(ctl.url, (s) => useast(s).holdingFailback === true, 'hold-down again');
      expect(useast(held).ramp).toBeUndefined();
      const holds = ctl.events.since(0, 10_000, ['failback-hold']);
      const lengths = holds.map((e) => (e.evidence as { holdDownMs: number }).holdDownMs);
      expect(lengths.at(-1)!).toBeGreaterThan(lengths[0]!);
    } finally {
      pumping = false;
      await pump;
    }
  }, 120_000);

  it('a restart mid-ramp continues on the same step (health memory), not from the hold-down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-ramp-restart-'));
    const start = async () => {
      const c = await startController({
        config: parseConfig(yaml(dir, '20s')),
        env: KEY_ENV,
        logger: silentLogger(),
      });
      running.push(c);
      return c;
    };
    let ctl = await start();
    const all = ['use-a', 'use-b', 'euw-a'];
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, all);
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, all, new Set(['use-a', 'use-b']));
    await until(ctl.url, (s) => useast(s).status === 'down', 'down');
    const pump = async (url: string, stop: () => boolean) => {
      while (!stop()) {
        await round(url, KEYS, all);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    let stopped = false;
    const p1 = pump(ctl.url, () => stopped);
    await until(ctl.url, (s) => useast(s).ramp?.step === 1, 'ramp step 1');
    stopped = true;
    await p1;
    await ctl.stop();
    running.splice(running.indexOf(ctl), 1);

    ctl = await start();
    stopped = false;
    const p2 = pump(ctl.url, () => stopped);
    try {
      const s = await until(
        ctl.url,
        (x) => useast(x).decided && useast(x).status === 'up',
        'decided after restart',
      );
      expect(useast(s).holdingFailback).toBe(false);
      expect(useast(s).ramp).toMatchObject({ step: 1, steps: 4, percent: 10 });
      const app = await until(ctl.url, (x) => published(x, 'app').length === 2, 'ramp sets after restart');
      expect(published(app, 'app').find((r) => r.setId === 'us-east')?.weight).toBe(10);
    } finally {
      stopped = true;
      await p2;
    }
  }, 60_000);
});
