/// <reference lib="dom" />
// The dashboard answers "who serves whom, and why" in headless Chromium, on a laptop (1400 px) and a
// phone (390 px), through a failover, flaps that double the failback hold-down, the failback ramp, a
// drain and a maintenance window: which region answers each client group and why in words, the failing
// check without hovering, a recovering region with its countdown and the reason its hold-down doubled,
// timeline bands starting at their own events, and no sideways scrolling on the phone. Screenshots go
// to test-artifacts/.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../providers/memory/index.ts';
import { parseConfig } from '../../src/config/index.ts';
import { type RunningController, startController } from '../../src/controller/index.ts';
import { silentLogger } from '../../src/log/index.ts';
import type { StoredEvent } from '../../src/model/index.ts';
import { KEY_ENV, KEYS } from '../helpers/controller-config.ts';
import { round } from '../helpers/reports.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`dashboard test skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const TOKEN = 'dash-why-token-0123456789';
const ENDPOINTS = ['use-a', 'use-b', 'euw-a', 'aps-a'];

const yaml = (stateDir: string) => `
owner: dash-why
regions:
  - id: us-east
    endpoints:
      - { id: use-a, address: 192.0.2.10, check: { kind: tcp, port: 80 } }
      - { id: use-b, address: 192.0.2.11, check: { kind: tcp, port: 80 } }
  - { id: eu-west, endpoints: [{ id: euw-a, address: 198.51.100.10, check: { kind: tcp, port: 80 } }] }
  - { id: ap-south, endpoints: [{ id: aps-a, address: 203.0.113.10, check: { kind: tcp, port: 80 } }] }
probers: [{ id: p1, keyEnv: K1 }, { id: p2, keyEnv: K2 }, { id: p3, keyEnv: K3 }]
health:
  interval: 1s
  timeout: 500ms
  fall: 2
  rise: 2
  minProbers: 2
  staleAfter: 60s
  failbackAfter: 3s
  maxFailbackAfter: 20s
  failbackRamp: { steps: [50, 100], stepAfter: 3s }
providers: { p: { kind: memory } }
zones:
  - name: example.com
    provider: p
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west, ap-south] } }
      - name: www.example.com
        type: A
        ttl: 30
        policy: { kind: geo, rules: [{ match: { continent: EU }, regions: [eu-west, us-east] }, { match: default, regions: [us-east, eu-west] }] }
controller: { listen: "127.0.0.1:0", schedule: "0 0 1 1 *", stateDir: "${stateDir}", tokenEnv: API_TOKEN }
`;

const text = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .textContent()
    .then((t) => (t ?? '').trim());

/** Waits until `selector`'s text (first match) satisfies `want` on the page, then returns it. */
async function waitText(page: Page, selector: string, want: RegExp, timeout = 20_000): Promise<string> {
  await page.waitForFunction(
    ([sel, src, flags]) => new RegExp(src!, flags).test(document.querySelector(sel!)?.textContent ?? ''),
    [selector, want.source, want.flags] as const,
    { timeout },
  );
  return text(page, selector);
}

describe.skipIf(!hasChromium)('dashboard: who serves whom, and why (1400 px and 390 px)', () => {
  let ctl: RunningController;
  let browser: Browser;
  let desk: Page;
  let phone: Page;
  const notFound: string[] = [];
  const pages = () =>
    [
      ['desk', desk],
      ['phone', phone],
    ] as const;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ctl.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const lastEvent = (type: string, region: string): StoredEvent =>
    ctl.events
      .since(undefined, 10_000, [type])
      .filter((e) => e.region === region)
      .at(-1)!;
  const shoot = (name: string) =>
    Promise.all(
      pages().map(([label, p]) =>
        p.screenshot({ path: join(ARTIFACTS, `dashboard-why-${name}-${label}.png`), fullPage: true }),
      ),
    );

  /** Nothing wider than the phone: the page itself never scrolls sideways. */
  const noSideways = async () => {
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
  };

  /** The layer's rectangle starts at its event's time, on the timeline's own scale. */
  const layerStartsAt = async (page: Page, kind: string, region: string, event: StoredEvent) => {
    const sel = `#timeline rect.layer.${kind}[data-region="${region}"]`;
    await page.waitForSelector(sel, { state: 'attached', timeout: 10_000 });
    const got = await page.evaluate((s) => {
      const rects = [...document.querySelectorAll(s)];
      const r = rects.at(-1)!;
      const root = document.getElementById('timeline')!;
      const n = (e: Element, a: string) => Number(e.getAttribute(a));
      const start = Date.parse(root.dataset.start!);
      const end = Date.parse(root.dataset.end!);
      const from = Date.parse(r.getAttribute('data-from')!);
      const expected =
        n(root, 'data-left') +
        ((from - start) / (end - start)) * (n(root, 'data-right') - n(root, 'data-left'));
      return { from: r.getAttribute('data-from'), x: n(r, 'x'), expected };
    }, sel);
    expect(got.from).toBe(String(event.at_engine ?? event.at));
    expect(Math.abs(got.x - got.expected)).toBeLessThan(1);
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const dir = mkdtempSync(join(tmpdir(), 'gf-dash-why-'));
    ctl = await startController({
      config: parseConfig(yaml(dir)),
      env: { ...KEY_ENV, API_TOKEN: TOKEN },
      logger: silentLogger(),
      providers: new Map([['p', new MemoryProvider('p', 'dash-why')]]),
    });
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS);
    await ctl.reconcileNow();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    desk = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    for (const [, p] of pages()) {
      p.on('response', (r) => {
        if (r.status() === 404) notFound.push(r.url());
      });
      await p.goto(ctl.url);
      await p.waitForSelector('body[data-loaded="true"]');
    }
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await ctl?.stop();
  });

  it('says who serves whom when every region is up', async () => {
    for (const [, p] of pages()) {
      expect(await text(p, '[data-route="app.example.com. A"] .clients')).toBe('all clients');
      expect(await text(p, '[data-route="app.example.com. A"] .serving')).toBe('us-east');
      expect(await text(p, '[data-route="app.example.com. A"] .because')).toBe(
        'us-east is the first choice and up',
      );
      expect(await text(p, '[data-route="www.example.com. A continent-eu"] .clients')).toBe(
        'clients in Europe (EU)',
      );
      expect(await text(p, '[data-route="www.example.com. A continent-eu"] .serving')).toBe('eu-west');
      expect(await text(p, '[data-route="www.example.com. A default"] .clients')).toBe('all other clients');
    }
    // The policy's own reasoning is one click away, and stays open across the redraws.
    await desk.click('[data-route="app.example.com. A"] details.chain summary');
    await desk.waitForTimeout(2500);
    expect(
      await desk.locator('[data-route="app.example.com. A"] details.chain').getAttribute('open'),
    ).not.toBeNull();
    expect(await text(desk, '[data-route="app.example.com. A"] details.chain')).toMatch(
      /first UP region in order/,
    );
    await noSideways();
  });

  it('a failover: the answer names the region it failed over from and what its checks answered', async () => {
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS, new Set(['use-a', 'use-b']));
    for (const [, p] of pages()) {
      await waitText(p, '[data-route="app.example.com. A"] .serving', /^eu-west$/);
      expect(await text(p, '[data-route="app.example.com. A"] .because')).toBe(
        'failed over from us-east because use-a and use-b fail: status 500',
      );
      expect(await text(p, '[data-route="app.example.com. A"] .values')).toBe('198.51.100.10');
      expect(await text(p, '[data-route="www.example.com. A default"] .serving')).toBe('eu-west');
      expect(await text(p, '[data-region="us-east"] .state')).toBe('DOWN');
      // The failing check in plain sight, with the prober that saw it (no tooltip needed).
      expect(await text(p, '[data-region="us-east"] li.check[data-endpoint="use-a"]')).toMatch(
        /^use-a DOWN · status 500 \(p\d, \d+s ago\)$/,
      );
      await p.waitForSelector('#timeline rect.band[data-region="us-east"][data-state="down"]', {
        state: 'attached',
      });
    }
    await noSideways();
    await shoot('failover');
  });

  it('flaps: a recovered region is RECOVERING with a countdown and why its hold-down doubled', async () => {
    // Back up (hold-down 3 s), down again inside it (a flap), back up: the hold-down doubles to 6 s.
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS);
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS, new Set(['use-a', 'use-b']));
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS);
    const hold = lastEvent('failback-hold', 'us-east');
    expect(hold.evidence).toMatchObject({ holdDownMs: 6000 });
    for (const [, p] of pages()) {
      await waitText(p, '[data-region="us-east"] .state', /^RECOVERING$/, 10_000);
      const note = await text(p, '[data-region="us-east"] .holddown');
      expect(note).toMatch(
        /^endpoints up; failback in \d s \(at .+\) · hold-down doubled to 6 s after 2 flaps in 40 s$/,
      );
      expect(await text(p, '[data-region="us-east"] p')).toContain('endpoints up 2/2');
      expect(await text(p, '[data-route="app.example.com. A"] .because')).toMatch(
        /^failed over from us-east because recovering: failback at \d\d:\d\d:\d\d UTC \(hold-down doubled to 6 s after 2 flaps in 40 s\)$/,
      );
      await p.waitForSelector('#timeline rect.band[data-region="us-east"][data-state="recovering"]', {
        state: 'attached',
      });
      await p.waitForSelector('#timeline path.mark.flap[data-region="us-east"]', { state: 'attached' });
    }
    await noSideways();
    await shoot('recovering');
  }, 30_000);

  it('failback: the ramp step in words, then the first choice again', async () => {
    for (const [, p] of pages()) {
      const why = await waitText(
        p,
        '[data-route="app.example.com. A us-east"] .because',
        /ramping back/,
        15_000,
      );
      expect(why).toMatch(
        /^ramping back to us-east: failback ramp step 1\/2 \(50%\), next step at \d\d:\d\d:\d\d UTC$/,
      );
      expect(await text(p, '[data-route="app.example.com. A us-east"] .clients')).toBe('50% of clients');
      expect(await text(p, '[data-route="app.example.com. A eu-west"] .because')).toBe(
        'eu-west keeps 50% while us-east ramps back (step 1/2)',
      );
      expect(await text(p, '[data-region="us-east"] .state')).toBe('RAMPING');
    }
    await shoot('ramping');
    for (const [, p] of pages()) {
      await waitText(
        p,
        '[data-route="app.example.com. A"] .because',
        /^us-east is the first choice and up$/,
        20_000,
      );
      await p.waitForSelector('#timeline circle.mark.ramp[data-region="us-east"]', { state: 'attached' });
      await p.waitForSelector('#timeline rect.band[data-region="us-east"][data-state="ramping"]', {
        state: 'attached',
      });
    }
  }, 45_000);

  it('a drain: the EU clients fail over with the drain in words, and its band starts at the drain', async () => {
    await api('PUT', '/v1/drains/eu-west', { reason: 'db migration', author: 'ana' });
    const drain = lastEvent('drain', 'eu-west');
    for (const [, p] of pages()) {
      await waitText(p, '[data-route="www.example.com. A continent-eu"] .serving', /^us-east$/);
      expect(await text(p, '[data-route="www.example.com. A continent-eu"] .because')).toBe(
        'failed over from eu-west because drained by ana (db migration)',
      );
      expect(await text(p, '[data-region="eu-west"] .state')).toBe('DRAINED');
      await layerStartsAt(p, 'drain', 'eu-west', drain);
    }
    await noSideways();
    await shoot('drain');
  });

  it('a maintenance window: drained for maintenance until when, and its own band', async () => {
    await api('DELETE', '/v1/drains/eu-west');
    await api('POST', '/v1/maintenance', {
      id: 'k1',
      region: 'eu-west',
      reason: 'kernel updates',
      start: new Date().toISOString(),
      durationMs: 3_600_000,
    });
    for (const [, p] of pages()) {
      const why = await waitText(
        p,
        '[data-route="www.example.com. A continent-eu"] .because',
        /maintenance/,
        10_000,
      );
      expect(why).toMatch(
        /^failed over from eu-west because drained for maintenance until \d\d:\d\d:\d\d UTC \(kernel updates\)$/,
      );
      expect(await text(p, '[data-region="eu-west"] .state')).toBe('MAINTENANCE');
    }
    const start = lastEvent('maintenance-start', 'eu-west');
    const undrain = lastEvent('undrain', 'eu-west');
    for (const [, p] of pages()) {
      await layerStartsAt(p, 'maintenance', 'eu-west', start);
      // The drain band ended at the undrain, not at "now".
      const to = await p
        .locator('#timeline rect.layer.drain[data-region="eu-west"]')
        .last()
        .getAttribute('data-to');
      expect(to).toBe(String(undrain.at_engine));
    }
    await noSideways();
    await shoot('maintenance');
  });

  it('an override: the forced region in words, and its own band from its event', async () => {
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS, new Set(['aps-a']));
    await api('PUT', '/v1/overrides/ap-south', { state: 'up', reason: 'checks wrong', forMs: 600_000 });
    const override = lastEvent('override', 'ap-south');
    for (const [, p] of pages()) {
      await waitText(p, '[data-region="ap-south"] .state', /^FORCED UP$/);
      expect(await text(p, '[data-region="ap-south"] li.check[data-endpoint="aps-a"]')).toMatch(
        /^aps-a DOWN · status 500 \(p\d, \d+s ago\)$/,
      );
      await layerStartsAt(p, 'override', 'ap-south', override);
    }
    await noSideways();
  });

  it('asks for no favicon that is not there', async () => {
    const res = await fetch(`${ctl.url}/favicon.ico`);
    expect(res.status).toBe(204);
    expect(notFound).toEqual([]);
  });
});
