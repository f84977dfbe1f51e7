// Each webhook has its own queue: a receiver that never answers, with a full backlog of drain
// notifications, must not hold up the page another receiver (PagerDuty-like) is owed for a failover;
// and the dead receiver's backlog stays bounded, dropping its oldest non-page notifications (counted,
// logged) while pages are kept. Real HTTP servers on loopback, made here.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ControllerMetrics } from '../../../src/api/index.ts';
import { Notifier } from '../../../src/controller/notify/notifier.ts';
import { silentLogger } from '../../../src/log/index.ts';
import type { StoredEvent } from '../../../src/model/index.ts';
import { pagerdutyReceiver } from '../../fakes/pagerduty/receiver.ts';
import { controllerConfig } from '../../helpers/controller-config.ts';

const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';
const ENV = { PD_KEY: ROUTING_KEY };

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A webhook that takes every request and never answers it (a hung receiver). */
async function deadReceiver(): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer(() => {
    requests++; // and never respond
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests: () => requests,
  };
}

let seq = 0;
const event = (type: string, rest: Record<string, unknown>): StoredEvent => ({
  seq: ++seq,
  at: new Date().toISOString(),
  type,
  ...rest,
});
const drain = (i: number) => event('drain', { region: 'eu-west', evidence: { reason: `change ${i}` } });
const failover = () => event('region-transition', { region: 'us-east', from: 'up', to: 'down' });

function hooksOf(yaml: string) {
  return controllerConfig({ owner: 'iso', stateDir: '/nonexistent', extra: `notifications:\n${yaml}` })
    .notifications;
}

async function until(ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('one queue per webhook', () => {
  it('pages PagerDuty promptly while a slack hook that never answers has a full backlog', async () => {
    const dead = await deadReceiver();
    const pd = await pagerdutyReceiver();
    cleanup.push(() => pd.close());
    const metrics = new ControllerMetrics({ defaults: false });
    const notifier = new Notifier({
      owner: 'iso',
      hooks: hooksOf(
        `  - { kind: webhook, url: "${dead.url}", format: slack, events: [drain, failover] }\n` +
          `  - { kind: webhook, format: pagerduty, url: "${pd.url}", routingKeyEnv: PD_KEY, events: [failover] }`,
      ),
      env: ENV,
      metrics,
      logger: silentLogger(),
    });
    cleanup.push(() => notifier.close());
    for (let i = 0; i < 8; i++) notifier.handle(drain(i));
    await until(() => dead.requests() >= 1, 2000);
    const start = Date.now();
    notifier.handle(failover());
    await until(() => pd.accepted.length >= 1, 5000);
    const late = Date.now() - start;
    expect(late).toBeLessThan(5000);
    expect(pd.accepted[0]).toMatchObject({
      event_action: 'trigger',
      dedup_key: 'geofailover/iso/region/us-east',
    });
  }, 20_000);

  it('bounds a dead hook backlog: the oldest non-page notifications are dropped, counted and logged', async () => {
    const dead = await deadReceiver();
    const metrics = new ControllerMetrics({ defaults: false });
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
          done();
        },
      }),
    );
    const notifier = new Notifier({
      owner: 'iso',
      hooks: hooksOf(`  - { kind: webhook, url: "${dead.url}", format: json, backlog: 3, timeout: 10s }`),
      env: {},
      metrics,
      logger,
    });
    cleanup.push(() => notifier.close());
    const first = seq + 1;
    // One goes out at once (and hangs); three wait; the six between are dropped, oldest first.
    for (let i = 0; i < 10; i++) notifier.handle(drain(i));
    // A page goes out beside the hung drain (pushing nothing out); a second page waits and pushes
    // out the oldest waiting drain.
    notifier.handle(failover());
    notifier.handle(event('fail-static', { to: 'on' }));
    await until(() => dead.requests() >= 2, 2000);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/geofailover_notifications_dropped_total\{hook="0",event="drain"\} 7/);
    expect(text).toMatch(/geofailover_notifications_backlog\{hook="0"\} 5/); // 3 waiting + 2 in flight
    expect(text).not.toMatch(
      /geofailover_notifications_dropped_total\{hook="0",event="(failover|fail-static)"\}/,
    );
    const dropped = lines.filter((l) => String(l.msg).includes('dropped'));
    expect(dropped).toHaveLength(7);
    expect(dropped.map((l) => l.id)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `iso-${first + i}`));
    expect(dropped[0]).toMatchObject({ hook: 0, kind: 'drain', backlog: 3, page: false });
    expect(JSON.stringify(dropped)).not.toContain('/hook'); // the origin only: a path may hold a secret
  }, 20_000);
});
