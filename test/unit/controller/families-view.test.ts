// What operators read about a dual-stack region whose IPv6 path broke, from a real engine's events and
// snapshot: `status` (use-a UP on IPv4, DOWN on IPv6), `explain` (the family this record follows),
// `events` lines naming the family, the routes' words, and the failover/failback notifications and
// PagerDuty alerts of one family.
import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../../src/cli/commands/status.ts';
import { eventSummary } from '../../../src/cli/event-text.ts';
import { classify, toNotification } from '../../../src/controller/notify/notifier.ts';
import { pagerdutyAction } from '../../../src/controller/notify/pagerduty.ts';
import { auditOf } from '../../../src/controller/runtime/health-events.ts';
import { explain, renderExplain } from '../../../src/controller/views/explain.ts';
import { buildStatus } from '../../../src/controller/views/status-view.ts';
import type { StoredEvent } from '../../../src/model/index.ts';
import { dualStackConfig, FamilyHarness } from '../health/family-harness.ts';

/** The harness's regions, with an A and an AAAA record failing over from us-east to eu-west. */
function withRecords() {
  const config = dualStackConfig(
    {},
    {
      zones: [
        {
          name: 'example.com',
          provider: 'm',
          records: ['A', 'AAAA'].map((type) => ({
            name: 'app.example.com',
            type,
            ttl: 30,
            policy: { kind: 'failover', order: ['us-east', 'eu-west'] },
          })),
        },
      ],
    },
  );
  return { h: new FamilyHarness(config), config };
}

/** us-east's IPv6 broken after both families were up: the engine's events as the audit trail stores them. */
function ipv6Broken() {
  const { h, config } = withRecords();
  h.rounds(2);
  h.rounds(3, { 'use-a': ['ipv6'] });
  const events: StoredEvent[] = h.events.map((e, i) => ({
    ...auditOf(e),
    seq: i + 1,
    at: new Date(e.at).toISOString(),
    type: e.type,
  }));
  return { h, config, events };
}

describe('dual-stack views', () => {
  it('status shows the families of a region and each family of an endpoint', () => {
    const { h, config } = ipv6Broken();
    const doc = buildStatus({
      config,
      snapshot: h.engine.snapshot(),
      states: h.engine.regionStates(),
      zones: [],
      replica: 'r1',
      startedAt: h.t - 60_000,
      role: 'single',
      errors: [],
    });
    const use = doc.regions.find((r) => r.id === 'us-east')!;
    expect(use.families?.map((f) => [f.family, f.status])).toEqual([
      ['ipv4', 'up'],
      ['ipv6', 'down'],
    ]);
    const ep = use.endpoints[0]!;
    expect(ep.address).toBe('192.0.2.10, 2001:db8::10');
    expect(ep.families?.map((f) => [f.family, f.address, f.state])).toEqual([
      ['ipv4', '192.0.2.10', 'up'],
      ['ipv6', '2001:db8::10', 'down'],
    ]);
    expect(ep.families?.[1]?.lastFailure?.detail).toBe('ipv6 fails');
    const text = renderStatus(doc, h.t);
    expect(text).toMatch(/us-east\s+UP\s+IPv4 UP · IPv6 DOWN/);
    expect(text).toMatch(/use-a\s+us-east\s+UP on IPv4\s+up\s+up\s+up/);
    expect(text).toMatch(/use-a\s+us-east\s+DOWN on IPv6\s+down\s+down\s+down/);
  });

  it('explain of the AAAA record names the IPv6 family it follows; of the A record, IPv4', () => {
    const { h, config, events } = ipv6Broken();
    const doc = (type: string) =>
      explain({
        config,
        name: 'app.example.com',
        type,
        snapshot: h.engine.snapshot(),
        states: h.engine.regionStates(),
        published: () => [],
        events,
      });
    const aaaa = doc('AAAA');
    expect(aaaa.sets[0]!.desired).toEqual(['2001:db8:1::10']);
    expect(aaaa.sets[0]!.explanation).toMatch(/^us-east IPv6 is DOWN since/);
    const fam = aaaa.regions.find((r) => r.id === 'us-east')!.family!;
    expect(fam).toMatchObject({ family: 'ipv6', status: 'down' });
    expect(fam.lastTransition).toMatchObject({ from: 'up', to: 'down' });
    const text = renderExplain(aaaa);
    expect(text).toContain('IPv6 (this AAAA record): DOWN since');
    expect(text).toMatch(/use-a: UP on IPv4 {2}votes: a=up b=up c=up/);
    expect(text).toMatch(/use-a: DOWN on IPv6 {2}votes: a=down b=down c=down/);
    const a = doc('A');
    expect(a.sets[0]!.desired).toEqual(['192.0.2.10']);
    expect(a.regions.find((r) => r.id === 'us-east')!.family).toMatchObject({ family: 'ipv4', status: 'up' });
  });

  it('events lines name the family', () => {
    const { events } = ipv6Broken();
    const ep = events.find((e) => e.type === 'endpoint-transition' && e.to === 'down')!;
    expect(eventSummary(ep)).toMatch(/^us-east use-a IPv6 up -> down: 2 DOWN votes >= quorum 2/);
    const ft = events.find((e) => e.type === 'family-transition' && e.to === 'down')!;
    expect(eventSummary(ft)).toBe('us-east IPv6 up -> down: up endpoints on IPv6 0 < minHealthy 1');
  });

  it('routes say why the AAAA answer left us-east while its A answer stays', () => {
    const { h, config } = ipv6Broken();
    const doc = buildStatus({
      config,
      snapshot: h.engine.snapshot(),
      states: h.engine.regionStates(),
      zones: [],
      replica: 'r1',
      startedAt: h.t - 60_000,
      role: 'single',
      errors: [],
    });
    const routes = doc.routes ?? [];
    const aaaa = routes.find((r) => r.type === 'AAAA')!;
    expect(aaaa.because).toBe('failed over from us-east because IPv6 is down: use-a fails: ipv6 fails');
    expect(aaaa.regions).toEqual(['eu-west']);
    const a = routes.find((r) => r.type === 'A')!;
    expect(a.regions).toEqual(['us-east']);
  });

  it('a family failover and failback notify, naming the family and its record type; PagerDuty keys them apart', () => {
    const { h, events } = ipv6Broken();
    const down = events.find((e) => e.type === 'family-transition' && e.to === 'down')!;
    expect(classify(down)).toBe('failover');
    expect(toNotification('shop', 'failover', down).message).toBe(
      'region us-east is DOWN on IPv6: its AAAA answers move to the next region with working IPv6; its other answers stay',
    );
    expect(pagerdutyAction('shop', down)).toMatchObject({
      action: 'trigger',
      key: 'geofailover/shop/region/us-east/ipv6',
      class: 'family-down',
    });
    h.rounds(15); // recovered, then the 60 s hold-down
    const up = h.events
      .filter((e) => e.type === 'family-transition' && e.to === 'up')
      .map((e) => ({ ...auditOf(e), seq: 0, at: '', type: e.type }))
      .at(-1)!;
    expect(up).toMatchObject({ type: 'family-transition', family: 'ipv6', from: 'down', to: 'up' });
    expect(classify(up)).toBe('failback');
    expect(toNotification('shop', 'failback', up).message).toBe(
      'region us-east is UP again on IPv6: its AAAA answers return to it',
    );
    expect(pagerdutyAction('shop', up)).toMatchObject({
      action: 'resolve',
      key: 'geofailover/shop/region/us-east/ipv6',
    });
    // A family that goes down with its region is evidence, not a second notification.
    expect(classify({ ...down, type: 'family-health' })).toBeUndefined();
  });
});
