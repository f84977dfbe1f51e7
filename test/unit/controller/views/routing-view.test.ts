// Who serves whom, and why: the routes the status gives per record set (failover, weighted, geo) read
// right through a failover, a failback hold-down, a maintenance window, fail static and a pending change.
import { describe, expect, it } from 'vitest';
import type { ZoneView } from '../../../../src/api/index.ts';
import { routeContext, routesOf, routeWords } from '../../../../src/controller/views/routing-view.ts';
import { HealthEngine } from '../../../../src/health/index.ts';
import type { RecordSet } from '../../../../src/model/index.ts';
import type { DesiredRecord } from '../../../../src/policy/index.ts';
import { controllerConfig, FAILOVER_3, GEO, WEIGHTED } from '../../../helpers/controller-config.ts';

const config = controllerConfig({
  owner: 'routes',
  stateDir: '/nonexistent',
  regions: 3,
  records: [FAILOVER_3, WEIGHTED, GEO],
  health: { failbackAfter: '10s', maxFailbackAfter: '5m' },
});
const ENDPOINTS = ['use-a', 'euw-a', 'aps-a'];

function setup() {
  let t = Date.parse('2026-03-01T12:00:00Z');
  let seq = 1;
  const engine = new HealthEngine(config, { now: () => t });
  const round = (down: string[] = []) => {
    for (const prober of ['p1', 'p2', 'p3'])
      engine.ingest({
        prober,
        seq: seq++,
        sentAt: t,
        impaired: false,
        results: ENDPOINTS.map((endpoint) => ({
          endpoint,
          prober,
          ok: !down.includes(endpoint),
          latencyMs: 1,
          detail: down.includes(endpoint) ? 'status 500, expected 200' : 'status 200',
          at: t,
        })),
      });
    t += 1000;
    engine.tick(t);
  };
  const routes = (published: RecordSet[] = [], extra: Partial<ZoneView> = {}) =>
    routesOf({
      config,
      snapshot: engine.snapshot(),
      states: engine.regionStates(),
      zones: [{ zone: 'example.com.', provider: 'p', providerKind: 'memory', records: published, ...extra }],
    });
  const route = (list: ReturnType<typeof routes>, name: string, setId?: string) =>
    list.find((r) => r.name === name && (r.setId ?? '') === (setId ?? ''))!;
  return { engine, round, routes, route, advance: (ms: number) => (t += ms), now: () => t };
}

describe('routes: who serves whom, and why', () => {
  it('names the first choice when every region is up, with the clients each set answers', () => {
    const s = setup();
    s.round();
    s.round();
    const list = s.routes();
    expect(s.route(list, 'app.example.com.')).toMatchObject({
      clients: 'all clients',
      regions: ['us-east'],
      state: 'up',
      because: 'us-east is the first choice and up',
      values: ['192.0.2.10'],
    });
    expect(s.route(list, 'www.example.com.', 'continent-eu')).toMatchObject({
      clients: 'clients in Europe (EU)',
      regions: ['eu-west'],
    });
    expect(s.route(list, 'www.example.com.', 'default').clients).toBe('all other clients');
    expect(s.route(list, 'api.example.com.', 'us-east')).toMatchObject({
      clients: '70% of clients',
      because: 'us-east is up; weight 70 as configured',
    });
  });

  it('says which region it failed over from and what its checks answered', () => {
    const s = setup();
    s.round();
    s.round();
    s.round(['use-a']);
    s.round(['use-a']);
    const list = s.routes();
    expect(s.route(list, 'app.example.com.')).toMatchObject({
      regions: ['eu-west'],
      state: 'up',
      because: 'failed over from us-east because use-a fails: status 500, expected 200',
      values: ['198.51.100.10'],
    });
    expect(s.route(list, 'www.example.com.', 'default').because).toBe(
      'failed over from us-east because use-a fails: status 500, expected 200',
    );
    expect(s.route(list, 'www.example.com.', 'continent-eu').because).toBe(
      'eu-west is the first choice and up',
    );
    expect(s.route(list, 'api.example.com.', 'us-east')).toMatchObject({
      clients: '0% of clients',
      state: 'out',
      because: 'us-east takes no traffic: use-a fails: status 500, expected 200',
    });
    expect(s.route(list, 'api.example.com.', 'eu-west').clients).toBe('100% of clients');
  });

  it('shows a recovered region as recovering, with its failback time and hold-down', () => {
    const s = setup();
    s.round();
    s.round();
    s.round(['use-a']);
    s.round(['use-a']);
    s.round();
    s.round();
    const app = s.route(s.routes(), 'app.example.com.');
    expect(app.regions).toEqual(['eu-west']);
    expect(app.because).toMatch(
      /^failed over from us-east because recovering: failback at \d\d:\d\d:\d\d UTC \(hold-down 10 s \(failbackAfter\)\)$/,
    );
    expect(s.engine.snapshot().regions.find((r) => r.id === 'us-east')?.holdingFailback).toBe(true);
  });

  it('says drained for maintenance until when, and why', () => {
    const s = setup();
    s.round();
    s.round();
    s.engine.setApiWindows([
      {
        id: 'k1',
        region: 'eu-west',
        reason: 'kernel updates',
        start: s.now() - 1000,
        durationMs: 3_600_000,
        notifyBeforeMs: 0,
        source: 'api',
      },
    ]);
    s.round();
    const eu = s.route(s.routes(), 'www.example.com.', 'continent-eu');
    expect(eu.regions).toEqual(['us-east']);
    expect(eu.because).toBe(
      'failed over from eu-west because drained for maintenance until 13:00:01 UTC (kernel updates)',
    );
  });

  it('says when fail static holds DNS, and what is pending', () => {
    const s = setup();
    s.round();
    s.round();
    s.advance(60_000);
    s.engine.tick(s.now());
    const published: RecordSet = { name: 'app.example.com.', type: 'A', ttl: 30, values: ['203.0.113.10'] };
    const app = s.route(s.routes([published]), 'app.example.com.');
    expect(app.held).toMatch(/^held by fail-static: 0 prober\(s\) fresh/);
    expect(app.because).toMatch(
      /^held by fail-static: .*DNS is held as it is; policy would answer 192\.0\.2\.10: /,
    );
    expect(app).toMatchObject({ values: ['203.0.113.10'], pending: ['192.0.2.10'], regions: ['ap-south'] });
  });

  it('shows a reason code it does not know in the words the policy gave it', () => {
    const s = setup();
    s.round();
    s.round(['use-a', 'euw-a']);
    s.round(['use-a', 'euw-a']);
    const i = {
      config,
      snapshot: s.engine.snapshot(),
      states: s.engine.regionStates(),
      zones: [] as ZoneView[],
    };
    const d = {
      record: { name: 'app.example.com.', type: 'A', ttl: 30, values: ['203.0.113.10'] },
      reason: {
        code: 'fallback',
        region: 'ap-south',
        detail: 'every region of the order is down; fallback ap-south',
      },
      explanation: 'chain',
      source: { name: 'app.example.com', type: 'A', policy: 'failover' },
    } as unknown as DesiredRecord;
    expect(routeWords(config, d, ['ap-south'], routeContext(i))).toBe(
      'every region of the order is down; fallback ap-south; failed over from us-east because use-a fails: status 500, expected 200; eu-west is out too: euw-a fails: status 500, expected 200',
    );
  });
});
