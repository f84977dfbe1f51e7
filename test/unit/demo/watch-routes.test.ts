// The demo's running commentary (statusChanges) and its HTTP switches (demoRoutes, over real HTTP).
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusDoc } from '../../../src/api/status-types.ts';
import {
  DEMO_LAYOUT,
  type DemoBackend,
  demoRoutes,
  startDemoBackend,
  statusChanges,
} from '../../../src/demo/index.ts';

function doc(
  regions: { id: string; status: 'up' | 'down' | 'drained'; holding?: boolean }[],
  app: string[],
): StatusDoc {
  return {
    version: 1,
    owner: 'o',
    mode: 'apply',
    role: 'single',
    replica: 'r',
    now: '',
    startedAt: '',
    failStatic: false,
    freshProbers: 3,
    minProbers: 2,
    regions: regions.map((r) => ({
      id: r.id,
      status: r.status,
      decided: true,
      holdingFailback: r.holding ?? false,
      endpoints: [],
    })),
    probers: [],
    zones: [
      {
        zone: 'demo.geofailover.test.',
        provider: 'demo',
        providerKind: 'builtin',
        records: [{ name: 'app.demo.geofailover.test.', type: 'A', ttl: 5, values: app }],
      },
    ],
    errors: [],
    problems: [],
  };
}

describe('statusChanges', () => {
  const app = 'app.demo.geofailover.test';
  it('says what moved: region state, failback hold, the failover answer with its region', () => {
    const a = doc(
      [
        { id: 'us-east', status: 'up' },
        { id: 'eu-west', status: 'up' },
      ],
      ['127.0.0.11', '127.0.0.12'],
    );
    const b = doc(
      [
        { id: 'us-east', status: 'down' },
        { id: 'eu-west', status: 'up' },
      ],
      ['127.0.0.21'],
    );
    expect(statusChanges(a, b, app, DEMO_LAYOUT)).toEqual([
      'region us-east is DOWN',
      `${app} now answers 127.0.0.21 (eu-west)`,
    ]);
    const c = doc(
      [
        { id: 'us-east', status: 'down', holding: true },
        { id: 'eu-west', status: 'up' },
      ],
      ['127.0.0.21'],
    );
    expect(statusChanges(b, c, app, DEMO_LAYOUT)).toEqual([
      'region us-east recovered; traffic returns at the end of failbackAfter',
    ]);
    expect(statusChanges(c, c, app, DEMO_LAYOUT)).toEqual([]);
  });

  it('says why a failback waits longer than failbackAfter, and says "held as it is" once', () => {
    const b = doc([{ id: 'us-east', status: 'down' }], ['127.0.0.21']);
    const c = doc([{ id: 'us-east', status: 'down', holding: true }], ['127.0.0.21']);
    c.regions[0]!.failbackAt = '2026-03-01T12:00:20.000Z';
    c.regions[0]!.holdDownReason = 'hold-down doubled to 20 s after 2 flaps in 4 min';
    expect(statusChanges(b, c, app, DEMO_LAYOUT)).toEqual([
      'region us-east recovered; traffic returns at 2026-03-01T12:00:20.000Z (hold-down doubled to 20 s after 2 flaps in 4 min)',
    ]);
    const d = {
      ...c,
      failStatic: true,
      failStaticReason: '1 prober(s) fresh, fewer than minProbers 2: DNS is held as it is',
    };
    const lines = statusChanges(c, d, app, DEMO_LAYOUT);
    expect(lines).toEqual(['fail static: 1 prober(s) fresh, fewer than minProbers 2: DNS is held as it is']);
  });
});

describe('demoRoutes', () => {
  let server: Server | undefined;
  const backends: DemoBackend[] = [];
  afterEach(async () => {
    server?.close();
    for (const b of backends.splice(0)) await b.close();
  });

  it('switches every backend of a region and names the known regions on a typo', async () => {
    const a = await startDemoBackend({ name: 'a' });
    const b = await startDemoBackend({ name: 'b' });
    backends.push(a, b);
    const switched: string[] = [];
    const routes = demoRoutes(new Map([['us-east', [a, b]]]), (r, m) => switched.push(`${r}=${m}`));
    server = createServer((req, res) => {
      for (const r of routes) {
        const m = r.path.exec(req.url ?? '');
        if (m && r.method === req.method) return void r.handler(req, res, m);
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

    const res = await fetch(`${base}/demo/regions/us-east/fail`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { mode: string }).mode).toBe('fail');
    expect([a.mode, b.mode]).toEqual(['fail', 'fail']);
    await fetch(`${base}/demo/regions/us-east/down`, { method: 'POST' });
    expect((await fetch(a.url).catch((e: Error) => e)) instanceof Error).toBe(true);
    await fetch(`${base}/demo/regions/us-east/heal`, { method: 'POST' });
    expect((await fetch(a.url)).status).toBe(200);
    expect(switched).toEqual(['us-east=fail', 'us-east=down', 'us-east=healthy']);

    const typo = await fetch(`${base}/demo/regions/us-west/fail`, { method: 'POST' });
    expect(typo.status).toBe(404);
    expect(((await typo.json()) as { error: string }).error).toContain('us-east');
    const list = (await (await fetch(`${base}/demo/regions`)).json()) as { regions: { id: string }[] };
    expect(list.regions.map((r) => r.id)).toEqual(['us-east']);
  });
});
