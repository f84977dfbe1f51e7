/// <reference lib="dom" />
// The dashboard's signals in headless Chromium: the list names each signal with its target, state,
// effect and words; a push that vetoes eu-west shows in the list as acting and on eu-west's card, and
// both clear when the push is lifted. Screenshot to test-artifacts/.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../providers/memory/index.ts';
import { parseConfig } from '../../src/config/index.ts';
import { type RunningController, startController } from '../../src/controller/index.ts';
import { silentLogger } from '../../src/log/index.ts';
import { controllerYaml, ENDPOINTS, KEY_ENV, KEYS } from '../helpers/controller-config.ts';
import { round } from '../helpers/reports.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`dashboard signals test skipped: ${CHROMIUM} is not installed`);

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const LB_TOKEN = 'lb-dash-token-0123456789abcdef012345';
const SIGNALS = `signals:
  - { name: lb-pool, kind: push, tokens: [lb-agent], region: eu-west, interval: 500ms, fall: 1, rise: 1 }
  - name: euw-errors
    kind: prometheus
    url: http://127.0.0.1:1
    query: app_error_ratio
    downWhen: { op: ">", value: 0.05 }
    endpoint: euw-a
    effect: vote
    interval: 1s
`;

describe.skipIf(!hasChromium)('dashboard: signals', () => {
  let ctl: RunningController;
  let browser: Browser;
  let page: Page;

  const push = async (state: string) => {
    const res = await fetch(`${ctl.url}/v1/signals/lb-pool`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${LB_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ state, reason: 'LB pool drained', expiresIn: '10m' }),
    });
    expect(res.status).toBe(200);
  };
  const waitFor = (fn: () => boolean) => page.waitForFunction(fn, undefined, { timeout: 15_000 });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ctl = await startController({
      config: parseConfig(
        controllerYaml({
          owner: 'dash-signals',
          stateDir: mkdtempSync(join(tmpdir(), 'gf-dash-sig-')),
          extra: SIGNALS,
        }).replace(
          'controller: { ',
          'controller: { tokens: [{ name: lb-agent, role: signal, tokenEnv: LB }], ',
        ),
      ),
      env: { ...KEY_ENV, LB: LB_TOKEN },
      logger: silentLogger(),
      providers: new Map([['p', new MemoryProvider('p', 'dash-signals')]]),
    });
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, Object.values(ENDPOINTS).slice(0, 2));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(ctl.url);
    await page.waitForSelector('body[data-loaded="true"]');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await ctl?.stop();
  });

  it('lists every signal with its target, state, effect and words', async () => {
    await waitFor(
      () => document.querySelector('[data-signal="lb-pool"]')?.getAttribute('data-state') === 'up',
    );
    const lines = await page.$$eval('#signals [data-signal]', (els) => els.map((e) => e.textContent ?? ''));
    expect(lines[0]).toMatch(/^UP lb-pool · push · region eu-west · veto/);
    expect(lines[0]).toMatch(/eu-west up: never pushed \(whenMissing up\) \(veto\)$/);
    expect(lines[1]).toMatch(/euw-errors · prometheus · endpoint euw-a · vote/);
    expect(lines[1]).toMatch(/no data: Prometheus at http:\/\/127\.0\.0\.1:1 is unreachable/);
  });

  it('shows a veto in the list and on its region card, and clears both when it lifts', async () => {
    await push('down');
    await waitFor(
      () => document.querySelector('[data-signal="lb-pool"]')?.classList.contains('acting') === true,
    );
    const card = await page.textContent('[data-region="eu-west"] [data-veto="lb-pool"]');
    expect(card).toMatch(
      /^VETO by signal lb-pool: eu-west down: pushed down by lb-agent until .*: LB pool drained \(veto\)$/,
    );
    expect(await page.getAttribute('[data-region="eu-west"]', 'data-phase')).toBe('down');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-signals-veto.png'), fullPage: true });
    await push('up');
    await waitFor(() => document.querySelector('[data-region="eu-west"] [data-veto]') === null);
    expect(await page.getAttribute('[data-signal="lb-pool"]', 'data-state')).toBe('up');
  });
});
