// PagerDuty Events API v2 from a running controller fed with real signed reports, against a strict
// local receiver that checks the v2 schema and answers 400 to anything else (as PagerDuty does): a
// region going down opens one alert keyed by region, its return resolves the same key.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import { startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { pagerdutyReceiver } from '../../fakes/pagerduty/receiver.ts';
import { controllerConfig, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';

const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';
const ENV = { ...KEY_ENV, PD_KEY: ROUTING_KEY };
const ENDPOINTS = ['use-a', 'euw-a'];

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function until(ok: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('PagerDuty notifications', () => {
  it('triggers on a region going down and resolves the same dedup key when it is back', async () => {
    const pd = await pagerdutyReceiver();
    cleanup.push(() => pd.close());
    const ctl = await startController({
      config: controllerConfig({
        owner: 'pd-test',
        stateDir: mkdtempSync(join(tmpdir(), 'gf-pd-')),
        health: { staleAfter: '30s', failbackAfter: '1s' },
        extra: `notifications:\n  - { kind: webhook, format: pagerduty, url: "${pd.url}", routingKeyEnv: PD_KEY, events: [failover, fail-static, apply-error] }`,
      }),
      env: ENV,
      logger: silentLogger(),
      providers: new Map([['p', new MemoryProvider('p', 'pd-test')]]),
    });
    cleanup.push(() => ctl.stop());
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS);
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS, new Set(['use-a']));
    // The first reports end the fail static every controller starts in: that resolves its alert (one a
    // previous run may have opened); PagerDuty accepts a resolve for a key it does not know.
    const regionEvents = () => pd.accepted.filter((e) => String(e.dedup_key).includes('/region/'));
    await until(() => regionEvents().length >= 1);
    expect(pd.accepted).toContainEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: 'geofailover/pd-test/fail-static',
    });
    const trigger = regionEvents()[0]!;
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'geofailover/pd-test/region/us-east',
      payload: {
        severity: 'critical',
        source: 'geofailover/pd-test',
        component: 'us-east',
        class: 'region-down',
      },
    });
    expect(String((trigger.payload as { summary: string }).summary)).toContain('region us-east is DOWN');
    // Back up: after failbackAfter the failback resolves the alert (failback not listed: paired with failover).
    const end = Date.now() + 2500;
    while (Date.now() < end) {
      await round(ctl.url, KEYS, ENDPOINTS);
      await new Promise((r) => setTimeout(r, 200));
    }
    await until(() => regionEvents().length >= 2);
    expect(regionEvents()[1]).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: 'geofailover/pd-test/region/us-east',
    });
    expect(pd.rejected).toEqual([]);
    expect(regionEvents()).toHaveLength(2);
  }, 30_000);
});
