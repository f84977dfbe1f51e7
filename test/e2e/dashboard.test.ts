/// <reference lib="dom" />
// The dashboard in a real headless Chromium against a running controller fed with real signed reports:
// the matrix, region states, answers and timeline show the real data and update after a region fails,
// without a reload; a prober whose reports are refused is named with the reason. Screenshots (laptop and phone) are saved under test-artifacts/.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../providers/memory/index.ts';
import { type RunningController, startController } from '../../src/controller/index.ts';
import { silentLogger } from '../../src/log/index.ts';
import { controllerConfig, FAILOVER_3, KEY_ENV, KEYS, WEIGHTED } from '../helpers/controller-config.ts';
import { round, sendReport } from '../helpers/reports.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`dashboard test skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

const ENDPOINTS = ['use-a', 'euw-a', 'aps-a'];

/** The memory provider, with writes that fail while `broken` (a full or read-only store, an API outage). */
class BreakableProvider extends MemoryProvider {
  broken = false;
  override async apply(...args: Parameters<MemoryProvider['apply']>) {
    if (this.broken) throw new Error('EROFS: read-only file system, open zones.json');
    return super.apply(...args);
  }
}
const provider = new BreakableProvider('p', 'dash-test');
const ARTIFACTS = join(process.cwd(), 'test-artifacts');

describe.skipIf(!hasChromium)('dashboard in headless Chromium', () => {
  let ctl: RunningController;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const dir = mkdtempSync(join(tmpdir(), 'gf-dash-'));
    ctl = await startController({
      config: controllerConfig({
        owner: 'dash-test',
        stateDir: dir,
        regions: 3,
        records: [FAILOVER_3, WEIGHTED],
      }),
      env: KEY_ENV,
      logger: silentLogger(),
      providers: new Map([['p', provider]]),
    });
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS);
    await ctl.reconcileNow();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => requests.push(r.url()));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await ctl?.stop();
  });

  it('shows the matrix, states, answers and timeline from the controller', async () => {
    await page.goto(ctl.url);
    await page.waitForSelector('body[data-loaded="true"]');
    await expect(page.locator('[data-region="us-east"] .state').textContent()).resolves.toBe('UP');
    const cell = page.locator('tr[data-endpoint="use-a"] td[data-prober="p2"]');
    await expect(cell.textContent()).resolves.toBe('UP');
    await expect(page.locator('tr[data-record="app.example.com. A"] .answer').textContent()).resolves.toBe(
      '192.0.2.10',
    );
    await expect(
      page.locator('tr[data-record="api.example.com. A eu-west"] td').nth(3).textContent(),
    ).resolves.toBe('30');
    expect(await page.locator('#timeline rect.band[data-region="us-east"]').count()).toBeGreaterThan(0);
    expect(await page.locator('#timeline path.mark').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-healthy.png'), fullPage: true });
  });

  it('updates without a reload after a region fails', async () => {
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS, new Set(['use-a']));
    await page.waitForFunction(
      () => document.querySelector('[data-region="us-east"] .state')?.textContent === 'DOWN',
      undefined,
      { timeout: 10_000 },
    );
    await page.waitForFunction(
      () =>
        document.querySelector('tr[data-record="app.example.com. A"] .answer')?.textContent ===
        '198.51.100.10',
      undefined,
      { timeout: 10_000 },
    );
    await expect(page.locator('tr[data-endpoint="use-a"] td[data-prober="p1"]').textContent()).resolves.toBe(
      'DOWN',
    );
    await page.waitForSelector('#timeline rect.band[data-region="us-east"][data-state="down"]');
    expect(navigations).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-failover.png'), fullPage: true });
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await phone.goto(ctl.url);
    await phone.waitForSelector('body[data-loaded="true"]');
    // Nothing wider than the phone's screen except inside the scroll boxes.
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await phone.screenshot({ path: join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
    await phone.close();
  });

  it('keeps a provider that cannot write in a banner until it clears', async () => {
    provider.broken = true;
    // eu-west fails too: the weighted record must change, and the write fails.
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS, new Set(['use-a', 'euw-a']));
    await page.waitForSelector('#problems:not([hidden])', { timeout: 15_000 });
    const text = await page.locator('#problems').textContent();
    expect(text).toContain('PROVIDER-FAILING');
    expect(text).toContain('EROFS');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-provider-failing.png'), fullPage: true });
    provider.broken = false;
    await page.waitForSelector('#problems[hidden]', { state: 'attached', timeout: 60_000 });
  }, 90_000);

  it('marks leadership hand-overs on the timeline', async () => {
    // As the etcd coordinator records them (see src/coordination); a single controller has none.
    ctl.events.append('leader-elected', { replica: 'replica-b', term: 2 });
    await page.waitForSelector('#timeline path.mark.leadership.leader-elected', { timeout: 10_000 });
    const label = await page.locator('#timeline path.mark.leadership').first().getAttribute('aria-label');
    expect(label).toContain('leader-elected');
    expect(label).toContain('replica-b');
  });

  it('shows a force-up override on its region and the upcoming maintenance windows', async () => {
    // Straight on the engine (the API path is tested in test/integration/controller/operator.test.ts).
    ctl.engine.forceUp('eu-west', { reason: 'checks wrong', author: 'ana', until: Date.now() + 3_600_000 });
    ctl.engine.setApiWindows([
      {
        id: 'w-kernel',
        region: 'ap-south',
        reason: 'kernel updates',
        start: Date.now() + 3_600_000,
        durationMs: 7_200_000,
        notifyBeforeMs: 900_000,
        source: 'api',
      },
    ]);
    await page.waitForSelector('[data-region="eu-west"][data-override="up"]', { timeout: 10_000 });
    const note = await page.locator('article[data-region="eu-west"]').textContent();
    expect(note).toContain('FORCED UP by ana');
    expect(note).toContain('checks wrong');
    const row = page.locator('#maintenance [data-window="w-kernel"]');
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toMatch(/^ap-south: .* · kernel updates \(w-kernel\)$/);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-override.png'), fullPage: true });
    ctl.engine.clearOverride('eu-west', 'ana');
    ctl.engine.setApiWindows([]);
  });

  it('is keyboard reachable and never asks another host for anything', async () => {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName);
    expect(focused).toBe('pause');
    const origin = new URL(ctl.url).origin;
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith(origin))).toEqual([]);
  });

  it('names a prober whose reports are refused, with the reason and the remedy', async () => {
    const res = await sendReport(ctl.url, 'p3', 'not-the-key-of-p3-0123456789', [
      { endpoint: 'use-a', ok: true },
    ]);
    expect(res.status).toBe(401);
    const line = page.locator('#rejections [data-rejected="p3"]');
    await line.waitFor({ timeout: 10_000 });
    expect(await line.textContent()).toMatch(
      /^p3: 1 report rejected, last \d+s ago: bad signature — .*same key/,
    );
    expect(await page.locator('#matrix th[data-prober="p3"]').textContent()).toContain('(rejected)');
    expect(await page.locator('#problems').textContent()).toContain('PROBER-REJECTED');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-prober-rejected.png'), fullPage: true });
  });

  it('answers unknown paths with a 404 message, not a stack trace', async () => {
    const res = await fetch(`${ctl.url}/regions/mars`);
    expect(res.status).toBe(404);
    const body = await res.text();
    expect(body).toContain('no such resource');
    expect(body).not.toMatch(/\.ts:\d+/);
  });
});
