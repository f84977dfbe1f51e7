// PagerDuty Events API v2 mapping (pure): which audit events trigger and resolve which alert, and that
// every body passes the v2 schema checks of the strict local receiver (which rejects bad ones).
import { describe, expect, it } from 'vitest';
import {
  PD_SUMMARY_MAX,
  pagerdutyAction,
  pagerdutyEvent,
} from '../../../../src/controller/notify/pagerduty.ts';
import type { StoredEvent } from '../../../../src/model/index.ts';
import { pagerdutyProblems } from '../../../fakes/pagerduty/receiver.ts';

const KEY = 'abcdefabcdefabcdefabcdefabcdef12';
let seq = 0;
const ev = (type: string, rest: Record<string, unknown> = {}): StoredEvent => ({
  seq: ++seq,
  at: '2026-12-07T01:00:00.000Z',
  type,
  ...rest,
});

describe('PagerDuty mapping', () => {
  it('a region going down triggers a critical alert keyed by region; coming back resolves that key', () => {
    const down = pagerdutyEvent(
      'shop',
      KEY,
      ev('region-transition', { region: 'us-east', from: 'up', to: 'down' }),
      'region us-east is DOWN',
      { a: 1 },
    )!;
    expect(down).toMatchObject({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: 'geofailover/shop/region/us-east',
      payload: {
        source: 'geofailover/shop',
        severity: 'critical',
        component: 'us-east',
        timestamp: '2026-12-07T01:00:00.000Z',
      },
    });
    expect(down.payload!.summary).toBe('geofailover shop: region us-east is DOWN');
    expect(pagerdutyProblems(down)).toEqual([]);
    const up = pagerdutyEvent(
      'shop',
      KEY,
      ev('region-transition', { region: 'us-east', from: 'down', to: 'up' }),
      'up',
      {},
    )!;
    expect(up).toEqual({ routing_key: KEY, event_action: 'resolve', dedup_key: down.dedup_key });
    expect(pagerdutyProblems(up)).toEqual([]);
  });

  it('fail static triggers and resolves one alert', () => {
    expect(pagerdutyAction('shop', ev('fail-static', { from: 'off', to: 'on' }))).toMatchObject({
      action: 'trigger',
      key: 'geofailover/shop/fail-static',
      severity: 'error',
    });
    expect(pagerdutyAction('shop', ev('fail-static', { from: 'on', to: 'off' }))).toMatchObject({
      action: 'resolve',
      key: 'geofailover/shop/fail-static',
    });
  });

  it('provider errors: one alert per zone+provider, first attempt only, resolved by apply-recovered', () => {
    const first = pagerdutyAction(
      'shop',
      ev('apply-error', { zone: 'example.com', provider: 'aws', attempt: 1 }),
    );
    expect(first).toMatchObject({
      action: 'trigger',
      key: 'geofailover/shop/provider/example.com/aws',
      severity: 'error',
    });
    expect(
      pagerdutyAction('shop', ev('apply-error', { zone: 'example.com', provider: 'aws', attempt: 2 })),
    ).toBeUndefined();
    expect(pagerdutyAction('shop', ev('plan-refused', { zone: 'example.com', provider: 'aws' }))?.key).toBe(
      first!.key,
    );
    expect(
      pagerdutyAction('shop', ev('apply-recovered', { zone: 'example.com', provider: 'aws' })),
    ).toMatchObject({ action: 'resolve', key: first!.key });
    expect(
      pagerdutyAction('shop', ev('apply-error', { zone: 'other.com', provider: 'aws', attempt: 1 }))?.key,
    ).not.toBe(first!.key);
  });

  it('ignores what is not an alert (drains, first decisions, votes, maintenance)', () => {
    for (const e of [
      ev('drain', { region: 'us-east' }),
      ev('region-transition', { region: 'us-east', from: 'unknown', to: 'up' }),
      ev('vote-transition'),
      ev('maintenance-start', { region: 'us-east' }),
    ])
      expect(pagerdutyAction('shop', e)).toBeUndefined();
  });

  it('cuts a long summary to 1024 characters', () => {
    const e = pagerdutyEvent(
      'shop',
      KEY,
      ev('apply-error', { zone: 'z', provider: 'p', attempt: 1 }),
      'x'.repeat(5000),
      {},
    )!;
    expect(e.payload!.summary.length).toBe(PD_SUMMARY_MAX);
    expect(pagerdutyProblems(e)).toEqual([]);
  });

  it('the receiver rejects what PagerDuty rejects', () => {
    const ok = {
      routing_key: KEY,
      event_action: 'trigger',
      payload: { summary: 's', source: 'x', severity: 'error' },
    };
    expect(pagerdutyProblems(ok)).toEqual([]);
    expect(pagerdutyProblems({ ...ok, routing_key: 'short' })[0]).toMatch(/routing_key/);
    expect(pagerdutyProblems({ ...ok, event_action: 'open' })[0]).toMatch(/event_action/);
    expect(pagerdutyProblems({ ...ok, payload: { ...ok.payload, severity: 'high' } })[0]).toMatch(/severity/);
    expect(pagerdutyProblems({ ...ok, payload: { ...ok.payload, summary: 'x'.repeat(1025) } })[0]).toMatch(
      /summary/,
    );
    expect(pagerdutyProblems({ ...ok, payload: { ...ok.payload, timestamp: 'yesterday' } })[0]).toMatch(
      /timestamp/,
    );
    expect(pagerdutyProblems({ routing_key: KEY, event_action: 'resolve' })[0]).toMatch(/dedup_key/);
    expect(pagerdutyProblems({ ...ok, extra: 1 })[0]).toMatch(/not a recognised field/);
    expect(pagerdutyProblems({ routing_key: KEY, event_action: 'trigger' })[0]).toMatch(/payload/);
  });
});
