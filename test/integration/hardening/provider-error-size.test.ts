// A provider whose error text is megabytes (an HTTP error body copied into an SDK's message, a cause
// of the same size), seen from the running controller: status, the event log, a webhook notification
// and the log each keep about 2,000 characters of it and say it was cut, however often it is retried.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordsQuery } from '../../../providers/index.ts';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import type { StatusDoc } from '../../../src/api/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { createLogger } from '../../../src/log/index.ts';
import { ProviderError, type RecordSet } from '../../../src/model/index.ts';
import { controllerConfig, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { HostileTally } from '../../helpers/hostile.ts';
import { round } from '../../helpers/reports.ts';

const tally = new HostileTally('provider-error-size');
afterAll(() => tally.record());
const MB = 1024 * 1024;
const BIG = 5 * MB;

/** A memory provider whose reads fail with `make()`'s error. */
class FailingProvider extends MemoryProvider {
  constructor(private readonly make: () => Error) {
    super('p', 'big-errors');
  }
  override async records(_zone: string, _query?: RecordsQuery): Promise<RecordSet[]> {
    throw this.make();
  }
}

const ERRORS: [string, () => Error][] = [
  [
    'a ProviderError carrying a 5 MB body and a 5 MB cause',
    () =>
      new ProviderError(
        `cloud provider p, zone example.com.: read failed with HTTP 500: ${'b'.repeat(BIG)}`,
        {
          provider: 'p',
          zone: 'example.com.',
          retryable: true,
          remedy: 'the next reconcile tries again',
          cause: new Error('c'.repeat(BIG)),
        },
      ),
  ],
  ['an untyped Error of 5 MB (an SDK error, a bug)', () => new TypeError('t'.repeat(BIG))],
];

describe.each(ERRORS)('%s', (_name, make) => {
  const dir = mkdtempSync(join(tmpdir(), 'gf-bigerr-'));
  const logLines: string[] = [];
  const hooks: string[] = [];
  let hook: Server;
  let ctl: RunningController;

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hooks.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    });
    ctl = await startController({
      config: controllerConfig({
        owner: 'big-errors',
        stateDir: dir,
        extra: `notifications: [{ kind: webhook, url: "http://127.0.0.1:${(hook.address() as AddressInfo).port}/", events: [apply-error] }]`,
      }),
      env: KEY_ENV,
      logger: createLogger('test', { destination: sink }),
      providers: new Map([['p', new FailingProvider(make)]]),
    });
  });
  afterAll(async () => {
    await ctl?.stop();
    hook?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('status, events, the notification and the log keep about 2,000 characters and say it was cut', async () => {
    await round(ctl.url, KEYS, ['use-a', 'euw-a']);
    await round(ctl.url, KEYS, ['use-a', 'euw-a']);
    // Two failed passes at least (the retry comes after about a second).
    const end = Date.now() + 15_000;
    let s: StatusDoc;
    for (;;) {
      s = (await (await fetch(`${ctl.url}/v1/status`)).json()) as StatusDoc;
      if ((s.zones[0]?.failing?.attempts ?? 0) >= 2 && hooks.length > 0) break;
      if (Date.now() > end) throw new Error(`no second failure: ${JSON.stringify(s.zones[0]).slice(0, 500)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const z = s.zones[0]!;
    const events = ctl.events.since(0, 1000, ['apply-error']);
    const failedLogs = logLines.filter((l) => l.includes('"reconcile failed"'));
    const eventBytes = statSync(join(dir, 'events.jsonl')).size;
    const sizes = {
      status: JSON.stringify(s).length,
      error: z.error!.message.length,
      failing: z.failing!.message.length,
      last: z.lastReconcile!.message!.length,
      event: Math.max(...events.map((e) => JSON.stringify(e).length)),
      eventLog: eventBytes,
      hook: Math.max(...hooks.map((h) => h.length)),
      log: Math.max(...failedLogs.map((l) => l.length)),
    };
    const cut = /… \(cut, 5,242,\d{3} characters\)/;
    const held =
      sizes.status < 20_000 &&
      sizes.error < 2200 &&
      sizes.failing < 2200 &&
      sizes.last < 2200 &&
      sizes.event < 5000 &&
      sizes.eventLog < 50_000 &&
      sizes.hook < 10_000 &&
      sizes.log < 10_000 &&
      cut.test(z.error!.message) &&
      failedLogs.length >= 2;
    tally.add(held);
    expect(sizes.error, JSON.stringify(sizes)).toBeLessThan(2200);
    expect(z.error!.message).toMatch(cut);
    expect(z.failing!.message).toMatch(cut);
    expect(sizes.last).toBeLessThan(2200);
    expect(sizes.status).toBeLessThan(20_000);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(String(events[0]!.message)).toMatch(cut);
    expect(sizes.event).toBeLessThan(5000);
    expect(sizes.eventLog).toBeLessThan(50_000);
    expect(sizes.hook).toBeLessThan(10_000);
    expect(failedLogs.length).toBeGreaterThanOrEqual(2);
    expect(sizes.log).toBeLessThan(10_000);
    expect(failedLogs[0]).toMatch(cut);
  }, 60_000);
});
