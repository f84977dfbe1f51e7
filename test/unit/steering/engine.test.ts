// The controller's steering engine: round-trip times come from successful checks (failed ones add
// nothing), are smoothed and go stale, and each latency geography's ranking moves only when the hold
// allows, as one event naming the times.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.ts';
import type { ProbeReport } from '../../../src/probe/index.ts';
import { RttTable, SMOOTHING, SteeringEngine } from '../../../src/steering/index.ts';

const tcp = { kind: 'tcp', port: 443 };
const config = parseConfig(
  JSON.stringify({
    owner: 'o',
    regions: [
      { id: 'us-east', endpoints: [{ id: 'use-a', address: '192.0.2.10', check: tcp }] },
      {
        id: 'eu-west',
        endpoints: [
          { id: 'euw-a', address: '198.51.100.10', check: tcp },
          { id: 'euw-b', address: '198.51.100.11', check: tcp },
        ],
      },
    ],
    probers: [
      { id: 'frankfurt', keyEnv: 'K1' },
      { id: 'virginia', keyEnv: 'K2' },
    ],
    health: { interval: '1s', timeout: '500ms', staleAfter: '5s' },
    providers: { m: { kind: 'memory' } },
    zones: [
      {
        name: 'example.com',
        provider: 'm',
        records: [
          {
            name: 'www.example.com',
            type: 'A',
            ttl: 30,
            policy: {
              kind: 'latency',
              regions: ['us-east', 'eu-west'],
              geographies: [
                { match: { continent: 'EU' }, probers: ['frankfurt'] },
                { match: 'default', probers: ['virginia'] },
              ],
              margin: '20ms',
              hold: '10s',
            },
          },
        ],
      },
    ],
  }),
  'engine-test',
);

function report(
  prober: string,
  at: number,
  latency: Record<string, number>,
  failed: string[] = [],
): ProbeReport {
  return {
    prober,
    seq: at,
    sentAt: at,
    impaired: false,
    results: Object.entries(latency).map(([endpoint, latencyMs]) => ({
      endpoint,
      prober,
      ok: !failed.includes(endpoint),
      latencyMs,
      detail: 'ok',
      at,
    })),
  };
}

describe('round-trip times', () => {
  it('smooths successful checks per endpoint and averages a region’s endpoints', () => {
    const t = new RttTable(config);
    t.ingest(report('frankfurt', 1000, { 'use-a': 100, 'euw-a': 10, 'euw-b': 30 }), 1000);
    t.ingest(report('frankfurt', 2000, { 'use-a': 200, 'euw-a': 10, 'euw-b': 30 }), 2000);
    const times = t.regionTimes(2000).get('frankfurt')!;
    expect(times.get('us-east')).toBeCloseTo(SMOOTHING * 200 + (1 - SMOOTHING) * 100);
    expect(times.get('eu-west')).toBe(20);
  });

  it('ignores failed checks, and forgets times older than staleAfter', () => {
    const t = new RttTable(config);
    t.ingest(report('frankfurt', 1000, { 'use-a': 100, 'euw-a': 2000 }, ['euw-a']), 1000);
    expect(t.regionTimes(1000).get('frankfurt')).toEqual(new Map([['us-east', 100]]));
    expect(t.regionTimes(6001).get('frankfurt')).toBeUndefined();
  });

  it('translates the agent’s clock (skew does not age results)', () => {
    const t = new RttTable(config);
    // The agent's clock is an hour behind: its results are still fresh on arrival.
    t.ingest(report('virginia', 1000, { 'use-a': 50 }), 1000 + 3_600_000);
    expect(
      t
        .regionTimes(1000 + 3_600_000)
        .get('virginia')
        ?.get('us-east'),
    ).toBe(50);
  });
});

describe('steering engine', () => {
  it('holds no ranking before a measurement, ranks at once on the first, moves once after the hold', () => {
    const e = new SteeringEngine(config, () => 0);
    expect(e.active).toBe(true);
    expect(e.tick(0)).toEqual([]);
    expect(e.input().held.size).toBe(0);
    let now = 1000;
    const feed = (use: number, euw: number) => {
      e.ingest(report('frankfurt', now, { 'use-a': use, 'euw-a': euw, 'euw-b': euw }), now);
      e.ingest(report('virginia', now, { 'use-a': 5, 'euw-a': 80, 'euw-b': 80 }), now);
    };
    feed(100, 20);
    expect(e.tick(now)).toEqual([]);
    expect(e.input().held.get('www.example.com. A continent-eu')?.order).toEqual(['eu-west', 'us-east']);
    // From here us-east is much faster for frankfurt: the smoothed times cross after a few samples,
    // then the 10 s hold runs; exactly one move.
    const moved = [];
    for (now = 2000; now <= 30_000; now += 1000) {
      feed(10, 200);
      moved.push(...e.tick(now));
    }
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({
      type: 'ranking',
      record: 'www.example.com.',
      geography: 'continent-eu',
      from: ['eu-west', 'us-east'],
      to: ['us-east', 'eu-west'],
      probers: ['frankfurt'],
    });
    expect(moved[0]!.at).toBeGreaterThanOrEqual(12_000);
    expect(moved[0]!.at).toBeLessThanOrEqual(15_000);
  });

  it('is idle for a config without latency records', () => {
    const e = new SteeringEngine({ ...config, zones: [] });
    expect(e.active).toBe(false);
    expect(e.tick(1)).toEqual([]);
  });
});
