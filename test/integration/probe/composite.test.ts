/// <reference lib="dom" />
// Several checks on one endpoint, through the real path: two probe agents run a gRPC health check (a
// real server with the official health service) and an HTTP check with a header pattern against one
// endpoint, report to a running controller, and the failover follows their combined vote. The real
// `geofailover status`, `explain` and `events` then name the sub-check that failed and what it said;
// the status API carries it as `failed`, and the dashboard shows it. A critical sub-check fails the
// endpoint under `any`; a failing sub-check of an endpoint still up is shown as failing now.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import type { StatusDoc } from '../../../src/api/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { ProbeAgent } from '../../../src/probe/index.ts';

const run = promisify(execFile);
const cli = (...args: string[]) => run('node', ['bin/geofailover.js', ...args], { encoding: 'utf8' });
const KEYS = { p1: 'composite-key-one-0123456789abcdef', p2: 'composite-key-two-0123456789abcdef' };

const health = new HealthImplementation({ '': 'SERVING', payments: 'SERVING' });
let servedBy = 'us-east-1a';
const backend = http.createServer((_q, res) => {
  res.setHeader('x-served-by', servedBy);
  res.end('ok');
});
const grpcServer = new grpc.Server();
let ctl: RunningController;
const agents: ProbeAgent[] = [];
const provider = new MemoryProvider('p', 'composite-test');
let httpPort = 0;

// The dashboard is checked too where Chromium is installed.
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`dashboard part skipped: ${CHROMIUM} is not installed`);
let browser: Browser | undefined;
let page: Page | undefined;

/** Waits until `selector`'s text satisfies `want` on the page, then returns it. */
async function waitText(p: Page, selector: string, want: RegExp, timeout = 15_000): Promise<string> {
  await p.waitForFunction(
    ([sel, src, flags]) => new RegExp(src!, flags).test(document.querySelector(sel!)?.textContent ?? ''),
    [selector, want.source, want.flags] as const,
    { timeout },
  );
  return ((await p.locator(selector).first().textContent()) ?? '').trim();
}

async function status(): Promise<StatusDoc> {
  return (await (await fetch(`${ctl.url}/v1/status`)).json()) as StatusDoc;
}

async function until(what: string, cond: (s: StatusDoc) => boolean, ms = 15_000): Promise<StatusDoc> {
  const end = Date.now() + ms;
  for (;;) {
    const s = await status();
    if (cond(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s.regions)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const endpoint = (s: StatusDoc, id: string) =>
  s.regions.flatMap((r) => r.endpoints).find((e) => e.id === id)!;

beforeAll(async () => {
  health.addToServer(grpcServer);
  const grpcPort = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
  httpPort = (backend.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'gf-composite-'));
  const config = parseConfig(`
owner: composite-test
regions:
  - id: us-east
    endpoints:
      - id: use-a
        address: 127.0.0.1
        checks:
          - { kind: grpc, port: ${grpcPort}, service: payments }
          - { kind: http, url: "http://127.0.0.1:${httpPort}/healthz", expectHeaders: { x-served-by: "^us-" } }
        combine: all
      - id: use-b
        address: 127.0.0.3
        checks:
          - { kind: grpc, host: 127.0.0.1, port: ${grpcPort}, service: payments, critical: true, name: payments }
          - { kind: http, url: "http://127.0.0.1:${httpPort}/", expectHeaders: { x-served-by: "^us-" } }
        combine: any
  - id: eu-west
    endpoints:
      - { id: euw-a, address: 127.0.0.2, check: { kind: tcp, host: 127.0.0.1, port: ${httpPort} } }
probers: [{ id: p1, keyEnv: K1 }, { id: p2, keyEnv: K2 }]
health: { interval: 300ms, timeout: 250ms, fall: 2, rise: 2, minProbers: 2, staleAfter: 5s, failbackAfter: 1s }
providers: { p: { kind: memory } }
zones:
  - name: example.com
    provider: p
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west] } }
controller: { listen: "127.0.0.1:0", schedule: "0 0 1 1 *", stateDir: ${JSON.stringify(dir)} }
`);
  ctl = await startController({
    config,
    env: { K1: KEYS.p1, K2: KEYS.p2 },
    logger: silentLogger(),
    providers: new Map([['p', provider]]),
  });
  for (const prober of ['p1', 'p2'] as const) {
    const agent = new ProbeAgent({
      config,
      proberId: prober,
      key: KEYS[prober],
      flushIntervalMs: 100,
      controllers: [{ url: ctl.url, where: 'controllers[0]' }],
    });
    agents.push(agent);
    agent.start();
  }
  await until('every endpoint up', (s) => s.regions.every((r) => r.endpoints.every((e) => e.state === 'up')));
  if (hasChromium) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(ctl.url);
    await page.waitForSelector('body[data-loaded="true"]');
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(agents.map((a) => a.stop(200)));
  await ctl?.stop();
  grpcServer.forceShutdown();
  backend.closeAllConnections();
  backend.close();
});

describe('an endpoint with several checks, through agents and controller', () => {
  it('fails over when the gRPC sub-check fails, and status names it (text and JSON)', async () => {
    health.setStatus('payments', 'NOT_SERVING');
    const s = await until('use-a down', (x) => endpoint(x, 'use-a').state === 'down');
    const useA = endpoint(s, 'use-a');
    for (const v of useA.votes) {
      expect(v.vote).toBe('down');
      expect(v.failed).toEqual([{ check: `grpc payments`, detail: 'NOT_SERVING' }]);
      expect(v.detail).toBe(
        '1 of 2 checks failed (all must pass): grpc payments: NOT_SERVING; http /healthz ok',
      );
    }
    expect(useA.lastFailure?.failed).toEqual([{ check: 'grpc payments', detail: 'NOT_SERVING' }]);
    // use-b's payments check is critical: its failure alone fails the endpoint under `any`.
    await until('use-b down', (x) => endpoint(x, 'use-b').state === 'down');
    const down = await until(
      'us-east down',
      (x) => x.regions.find((r) => r.id === 'us-east')!.status === 'down',
    );
    expect(endpoint(down, 'use-b').votes[0]!.detail).toBe(
      'critical check payments failed: payments: NOT_SERVING; http / ok',
    );

    const { stdout } = await cli('status', '--controller', ctl.url);
    expect(stdout).toContain('failing checks (latest result of each fresh prober):');
    expect(stdout).toMatch(/^ {2}use-a: grpc payments: NOT_SERVING \(seen by p1, p2\)$/m);
    expect(stdout).toMatch(/^ {2}use-b: payments: NOT_SERVING \(seen by p1, p2\)$/m);
    if (page) {
      const line = await waitText(page, 'li.check[data-endpoint="use-a"]', /grpc payments: NOT_SERVING/);
      expect(line).toMatch(
        /^use-a DOWN · 1 of 2 checks failed \(all must pass\): grpc payments: NOT_SERVING; http \/healthz ok \(p[12],/,
      );
    }
  });

  it('explain and events name the failing sub-check too', async () => {
    await ctl.reconcileNow();
    const { stdout: explained } = await cli('explain', 'app.example.com', '--controller', ctl.url);
    expect(explained).toMatch(/app\.example\.com\. A .*\n[\s\S]*127\.0\.0\.2/);
    expect(explained).toMatch(/^ {8}p1: grpc payments: NOT_SERVING$/m);
    expect(explained).toMatch(/^ {8}p2: payments: NOT_SERVING$/m);
    const { stdout: events } = await cli('events', '--controller', ctl.url, '--type', 'vote-transition');
    expect(events).toMatch(
      /use-a.*p1.*1 of 2 checks failed \(all must pass\): grpc payments: NOT_SERVING; http \/healthz ok/,
    );
  });

  it('names the HTTP sub-check and its header when that one fails instead, and recovers', async () => {
    servedBy = 'eu-west-1b';
    health.setStatus('payments', 'SERVING');
    const s = await until('use-a failing on its header', (x) =>
      endpoint(x, 'use-a').votes.every((v) => v.fresh && v.failed?.[0]?.check === 'http /healthz'),
    );
    expect(endpoint(s, 'use-a').votes[0]!.failed).toEqual([
      { check: 'http /healthz', detail: 'header x-served-by: "eu-west-1b" does not match /^us-/' },
    ]);
    // use-b is up again under `any` (its critical check passes), with its HTTP sub-check failing.
    const b = await until('use-b up', (x) => endpoint(x, 'use-b').state === 'up');
    expect(endpoint(b, 'use-b').votes[0]!.failed?.[0]?.check).toBe('http /');
    const { stdout } = await cli('status', '--controller', ctl.url);
    expect(stdout).toMatch(
      /^ {2}use-b: http \/: header x-served-by: "eu-west-1b" does not match \/\^us-\/ \(seen by p1, p2\) \(endpoint still up\)$/m,
    );
    if (page)
      await waitText(
        page,
        'li.check[data-endpoint="use-b"]',
        /^use-b UP · failing now: http \/ · last failed/,
      );
    servedBy = 'us-east-1a';
    const up = await until('use-a up', (x) => endpoint(x, 'use-a').state === 'up');
    expect(endpoint(up, 'use-a').votes.every((v) => v.failed === undefined)).toBe(true);
    // The reason it last went down is kept after the recovery.
    expect(endpoint(up, 'use-a').lastFailure?.failed?.[0]?.check).toBe('http /healthz');
  });
});
