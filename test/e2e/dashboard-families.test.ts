/// <reference lib="dom" />
// The dashboard of a dual-stack region in headless Chromium: after us-east's IPv6 checks fail, its card
// says IPv6 is down (its AAAA answers go elsewhere) while the region is UP, the endpoint shows one line
// per family (use-a UP on IPv4, DOWN on IPv6) and the vote matrix one row per family.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../providers/memory/index.ts';
import { parseConfig } from '../../src/config/index.ts';
import { type RunningController, startController } from '../../src/controller/index.ts';
import { silentLogger } from '../../src/log/index.ts';
import { KEY_ENV, KEYS } from '../helpers/controller-config.ts';
import { sendReport } from '../helpers/reports.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`dashboard families test skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

function config(dir: string) {
  return parseConfig(`
owner: dash-families
regions:
  - id: us-east
    endpoints: [{ id: use-a, addresses: { ipv4: 192.0.2.10, ipv6: "2001:db8::10" }, check: { kind: tcp, port: 80 } }]
  - id: eu-west
    endpoints: [{ id: euw-a, addresses: { ipv4: 198.51.100.10, ipv6: "2001:db8:1::10" }, check: { kind: tcp, port: 80 } }]
probers:
  - { id: p1, keyEnv: K1 }
  - { id: p2, keyEnv: K2 }
  - { id: p3, keyEnv: K3 }
health: { interval: 1s, timeout: 500ms, fall: 2, rise: 2, minProbers: 2, staleAfter: 30s, failbackAfter: 60s }
providers: { p: { kind: memory } }
zones:
  - name: example.com
    provider: p
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west] } }
      - { name: app.example.com, type: AAAA, ttl: 30, policy: { kind: failover, order: [us-east, eu-west] } }
controller: { listen: "127.0.0.1:0", schedule: "0 0 1 1 *", stateDir: ${dir} }
`);
}

/** Every prober reports each family of each endpoint; us-east's IPv6 fails when `v6Down`. */
async function round(url: string, v6Down: boolean): Promise<void> {
  for (const [prober, key] of Object.entries(KEYS)) {
    const results = ['use-a', 'euw-a'].flatMap((endpoint) =>
      (['ipv4', 'ipv6'] as const).map((family) => ({
        endpoint,
        family,
        ok: !(v6Down && endpoint === 'use-a' && family === 'ipv6'),
      })),
    );
    const res = await sendReport(url, prober, key, results);
    if (res.status !== 200) throw new Error(`report rejected: ${res.status} ${await res.text()}`);
  }
}

describe.skipIf(!hasChromium)('dashboard: dual-stack regions in headless Chromium', () => {
  let ctl: RunningController;
  let browser: Browser;

  beforeAll(async () => {
    ctl = await startController({
      config: config(mkdtempSync(join(tmpdir(), 'gf-dash-fam-'))),
      env: KEY_ENV,
      logger: silentLogger(),
      providers: new Map([['p', new MemoryProvider('p', 'dash-families')]]),
    });
    for (let i = 0; i < 2; i++) await round(ctl.url, false);
    for (let i = 0; i < 2; i++) await round(ctl.url, true);
    await ctl.reconcileNow();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await ctl?.stop();
  });

  it('shows the region UP, its IPv6 down, and each family of the endpoint', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(ctl.url);
    await page.waitForSelector('body[data-loaded="true"]');
    const card = '[data-region="us-east"]';
    await expect(page.locator(`${card} .state`).textContent()).resolves.toBe('UP');
    await expect(page.locator(`${card} p[data-family="ipv6"]`).textContent()).resolves.toBe(
      'IPv6 DOWN: its AAAA answers go elsewhere',
    );
    await expect(page.locator(`${card} li.check[data-family="ipv4"]`).textContent()).resolves.toBe(
      'use-a UP on IPv4',
    );
    await expect(page.locator(`${card} li.check[data-family="ipv6"]`).textContent()).resolves.toMatch(
      /^use-a DOWN on IPv6 · status 500 \(p\d, /,
    );
    await expect(
      page.locator('tr[data-endpoint="use-a"][data-family="ipv6"] td[data-prober="p1"]').textContent(),
    ).resolves.toBe('DOWN');
    await expect(
      page.locator('tr[data-endpoint="use-a"][data-family="ipv4"] td[data-prober="p1"]').textContent(),
    ).resolves.toBe('UP');
    await expect(
      page.locator('tr[data-endpoint="use-a"][data-family="ipv6"] th').textContent(),
    ).resolves.toBe('use-a on IPv6 (2001:db8::10)');
    await page.close();
  });
});
