// Hostile webhook receivers: one that never answers, one that never speaks HTTP, one that trickles its
// status line, 500s and 429s forever, resets, nothing listening, and one that streams an endless body.
// Each holds when the PagerDuty page owed to another receiver still arrives within 5 s, the hostile
// hook's backlog stays bounded (at most `backlog` waiting plus two in flight, the rest dropped and
// counted), and an endless answer body is cut short instead of filling memory. Real servers on loopback.
import { createServer as httpServer, type Server } from 'node:http';
import { type AddressInfo, type Socket, createServer as tcpServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ControllerMetrics } from '../../../src/api/index.ts';
import { Notifier } from '../../../src/controller/notify/notifier.ts';
import { silentLogger } from '../../../src/log/index.ts';
import type { StoredEvent } from '../../../src/model/index.ts';
import { pagerdutyReceiver } from '../../fakes/pagerduty/receiver.ts';
import { controllerConfig } from '../../helpers/controller-config.ts';
import { HostileTally } from '../../helpers/hostile.ts';

const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';
const tally = new HostileTally('notify-receivers');
afterAll(() => tally.record());

interface Hostile {
  url: string;
  /** Requests (or connections, for the non-HTTP ones) open at once, at most. */
  peakOpen: () => number;
  /** Most octets the receiver managed to send in one answer. */
  sent: () => number;
  close(): Promise<void>;
}

type Behaviour = (server: { count(n: number): void }) => Server | ReturnType<typeof tcpServer>;

const CHUNK = Buffer.alloc(1 << 16, 120);

const BEHAVIOURS: Record<string, Behaviour> = {
  'never answers': () => httpServer(() => undefined),
  'accepts the connection and never speaks HTTP': () => tcpServer((s) => s.on('data', () => undefined)),
  'trickles its status line one octet at a time': ({ count }) =>
    tcpServer((s) => {
      const line = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
      let i = 0;
      const t = setInterval(() => {
        if (s.destroyed || i >= line.length) return clearInterval(t);
        s.write(line.subarray(i, ++i));
        count(1);
      }, 300);
      s.on('close', () => clearInterval(t));
      s.on('error', () => undefined);
    }),
  'answers 500 forever': () => httpServer((_q, res) => res.writeHead(500).end('no')),
  'answers 429 with retry-after an hour': () =>
    httpServer((_q, res) => res.writeHead(429, { 'retry-after': '3600' }).end()),
  'resets every connection': () =>
    tcpServer((s) => {
      s.on('error', () => undefined);
      s.resetAndDestroy();
    }),
  'answers 200 with an endless body': ({ count }) =>
    httpServer((req, res) => {
      req.resume();
      res.writeHead(200);
      let sent = 0;
      const pump = () => {
        for (let more = true; more && !res.destroyed; ) {
          more = res.write(CHUNK);
          sent += CHUNK.length;
          count(sent);
        }
      };
      res.on('drain', pump);
      res.on('close', () => res.destroy());
      pump();
    }),
};

async function hostile(name: string): Promise<Hostile> {
  let open = 0;
  let peak = 0;
  let sent = 0;
  const sockets = new Set<Socket>();
  const server = BEHAVIOURS[name]!({
    count: (n) => {
      sent = Math.max(sent, n);
    },
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    peak = Math.max(peak, ++open);
    s.on('close', () => {
      open--;
      sockets.delete(s);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    peakOpen: () => peak,
    sent: () => sent,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A port nothing listens on (bound, then closed). */
async function refusedUrl(): Promise<string> {
  const s = tcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/hook`;
}

let seq = 0;
const event = (type: string, rest: Record<string, unknown>): StoredEvent => ({
  seq: ++seq,
  at: new Date().toISOString(),
  type,
  ...rest,
});

async function until(ok: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

const BACKLOG = 5;
const DRAINS = 10;

/** Run one hostile receiver beside a PagerDuty-like one; returns what held. */
async function attack(hookUrl: string) {
  const pd = await pagerdutyReceiver();
  const metrics = new ControllerMetrics({ defaults: false });
  const hooks = controllerConfig({
    owner: 'hostile',
    stateDir: '/nonexistent',
    extra: `notifications:
  - { kind: webhook, url: "${hookUrl}", format: slack, events: [drain, failover], timeout: 1s, backlog: ${BACKLOG} }
  - { kind: webhook, format: pagerduty, url: "${pd.url}", routingKeyEnv: PD_KEY, events: [failover] }`,
  }).notifications;
  const notifier = new Notifier({
    owner: 'hostile',
    hooks,
    env: { PD_KEY: ROUTING_KEY },
    metrics,
    logger: silentLogger(),
    backoffMs: 50,
  });
  let peakBacklog = 0;
  const watch = setInterval(async () => {
    const g = (await metrics.notificationsBacklog.get()).values.find((v) => v.labels.hook === '0');
    peakBacklog = Math.max(peakBacklog, g?.value ?? 0);
  }, 5);
  try {
    for (let i = 0; i < DRAINS; i++)
      notifier.handle(event('drain', { region: 'eu-west', evidence: { reason: `r${i}` } }));
    await new Promise((r) => setTimeout(r, 300));
    const start = Date.now();
    notifier.handle(event('region-transition', { region: 'us-east', from: 'up', to: 'down' }));
    const paged = await until(() => pd.accepted.length > 0, 5000);
    const pageMs = Date.now() - start;
    // Let the hostile hook work through a few timeouts and retries before counting.
    await new Promise((r) => setTimeout(r, 1500));
    const text = await metrics.registry.metrics();
    const dropped = Number(
      /notifications_dropped_total\{hook="0",event="drain"\} (\d+)/.exec(text)?.[1] ?? 0,
    );
    return { paged, pageMs, dropped, peakBacklog };
  } finally {
    clearInterval(watch);
    notifier.close();
    await pd.close();
  }
}

describe('hostile webhook receivers', () => {
  for (const name of Object.keys(BEHAVIOURS)) {
    it(`${name}: the page to another receiver is on time and the backlog stays bounded`, async () => {
      const h = await hostile(name);
      try {
        const r = await attack(h.url);
        const held = tally.add(
          r.paged &&
            r.pageMs < 5000 &&
            r.dropped >= DRAINS - 1 - BACKLOG &&
            r.peakBacklog <= BACKLOG + 2 &&
            h.peakOpen() <= 4 &&
            h.sent() < 16 << 20,
        );
        expect(r.paged).toBe(true);
        expect(r.pageMs).toBeLessThan(5000);
        expect(r.dropped).toBeGreaterThanOrEqual(DRAINS - 1 - BACKLOG);
        expect(r.peakBacklog).toBeLessThanOrEqual(BACKLOG + 2);
        // Two attempts at a time, plus sockets still closing on the receiver's side.
        expect(h.peakOpen()).toBeLessThanOrEqual(4);
        // An endless body is cut short, not buffered: what one answer got out is what the socket buffers hold.
        expect(h.sent()).toBeLessThan(16 << 20);
        expect(held).toBe(true);
      } finally {
        await h.close();
      }
    }, 20_000);
  }

  it('nothing listening: the page to another receiver is on time and the backlog stays bounded', async () => {
    const r = await attack(await refusedUrl());
    const held = tally.add(
      r.paged && r.pageMs < 5000 && r.dropped >= DRAINS - 1 - BACKLOG && r.peakBacklog <= BACKLOG + 2,
    );
    expect(r.paged).toBe(true);
    expect(r.pageMs).toBeLessThan(5000);
    expect(r.dropped).toBeGreaterThanOrEqual(DRAINS - 1 - BACKLOG);
    expect(r.peakBacklog).toBeLessThanOrEqual(BACKLOG + 2);
    expect(held).toBe(true);
  }, 20_000);
});
