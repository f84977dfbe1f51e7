// The last resort before whenAllDown, for every policy: a geo rule falls through to the default rule,
// then the fallback (a list, or any-up: the first UP region in config order; none opts out), and
// whenAllDown decides only when no region at all can serve. The reasons say which step chose.
import { describe, expect, it } from 'vitest';
import { parseConfig, recordFallback } from '../../../src/config/index.ts';
import type { RecordSet, RegionStatus } from '../../../src/model/index.ts';
import { type DesiredRecord, desiredRecords } from '../../../src/policy/index.ts';
import { HOST, makeConfig, REGIONS, states, V4 } from './config.ts';

const WWW = {
  name: 'www.example.com',
  type: 'A',
  ttl: 30,
  policy: {
    kind: 'geo',
    rules: [
      { match: { continent: 'EU' }, regions: ['eu-west', 'us-east'] },
      { match: 'default', regions: ['us-east', 'eu-west'] },
    ],
  },
};

function plan(
  records: unknown[],
  combo: Record<string, RegionStatus>,
  extra: Record<string, unknown> = {},
  published: RecordSet[] = [],
): DesiredRecord[] {
  const config = makeConfig(records, extra);
  return desiredRecords(config, config.zones[0]!, states(combo), published);
}

const sorted = (...regions: string[]) => regions.flatMap((r) => V4[r]!).sort();

describe('geo: eu-west in maintenance, us-east down, ap-south UP', () => {
  const combo = { 'eu-west': 'drained', 'us-east': 'down', 'ap-south': 'up' } as const;

  it('answers ap-south to EU and default clients, and says why', () => {
    const [eu, def] = plan([WWW], combo);
    expect(eu!.record.values).toEqual(V4['ap-south']);
    expect(def!.record.values).toEqual(V4['ap-south']);
    expect(eu!.reason).toEqual({
      code: 'region-drained',
      region: 'eu-west',
      detail: 'eu-west is DRAINED and us-east is DOWN; fallback ap-south (any-up)',
    });
    expect(def!.reason).toEqual({
      code: 'region-down',
      region: 'us-east',
      detail: 'us-east is DOWN and eu-west is DRAINED; fallback ap-south (any-up)',
    });
    expect(eu!.answeredBy).toEqual({ step: 'fallback', region: 'ap-south' });
    expect(eu!.explanation).toContain('no region of rule continent-eu [eu-west, us-east] is UP');
    expect(eu!.explanation).toContain('fallback any-up: ap-south is UP');
    expect(eu!.explanation).toMatch(/ap-south answers$/);
  });

  it('fallback none keeps the old answer: whenAllDown fail-open over the rule’s own regions', () => {
    const [eu, def] = plan([{ ...WWW, fallback: 'none' }], combo);
    expect(eu!.record.values).toEqual(V4['us-east']);
    expect(def!.record.values).toEqual(V4['us-east']);
    expect(eu!.reason.code).toBe('all-down');
    expect(eu!.answeredBy).toEqual({ step: 'when-all-down' });
  });

  it('a CNAME answers the fallback region’s first host name', () => {
    const [eu] = plan([{ ...WWW, type: 'CNAME' }], combo);
    expect(eu!.record.values).toEqual([HOST['ap-south']]);
  });
});

describe('geo: a rule falls through to the default rule first', () => {
  const rules = {
    ...WWW,
    policy: {
      kind: 'geo',
      rules: [
        { match: { continent: 'EU' }, regions: ['eu-west'] },
        { match: 'default', regions: ['ap-south', 'us-east'] },
      ],
    },
  };

  it('takes the default rule’s first UP region, before any-up’s first in config order', () => {
    const [eu] = plan([rules], { 'eu-west': 'down', 'us-east': 'up', 'ap-south': 'up' });
    // any-up alone would pick us-east (first in config); the default rule says ap-south first.
    expect(eu!.record.values).toEqual(V4['ap-south']);
    expect(eu!.reason).toEqual({
      code: 'region-down',
      region: 'eu-west',
      detail: 'eu-west is DOWN; default rule ap-south',
    });
    expect(eu!.answeredBy).toEqual({ step: 'default-rule', region: 'ap-south' });
    expect(eu!.explanation).toContain('default rule: ap-south is UP');
  });

  it('goes on to the fallback when the default rule has none UP either', () => {
    const onlyAsia = {
      ...rules,
      policy: {
        kind: 'geo',
        rules: [
          { match: { continent: 'EU' }, regions: ['eu-west'] },
          { match: 'default', regions: ['ap-south'] },
        ],
      },
      fallback: ['us-east'],
    };
    const [eu, def] = plan([onlyAsia], { 'eu-west': 'down', 'ap-south': 'down' });
    expect(eu!.record.values).toEqual(V4['us-east']);
    expect(eu!.answeredBy).toEqual({ step: 'fallback', region: 'us-east' });
    expect(eu!.reason.detail).toBe('eu-west and ap-south are DOWN; fallback us-east');
    expect(eu!.explanation).toContain('default rule: ap-south is DOWN');
    expect(def!.reason.detail).toBe('ap-south is DOWN; fallback us-east');
  });

  it('fallback none does not fall through: the rule stays in its own regions', () => {
    const [eu] = plan([{ ...rules, fallback: 'none' }], { 'eu-west': 'down' });
    expect(eu!.record.values).toEqual(V4['eu-west']);
    expect(eu!.reason.code).toBe('all-down');
  });
});

describe('failover: a fallback list, any-up and none', () => {
  const app = (extra: Record<string, unknown> = {}) => ({
    name: 'app.example.com',
    type: 'A',
    ttl: 30,
    policy: { kind: 'failover', order: ['eu-west'] },
    ...extra,
  });

  it('a list is tried in its own order', () => {
    const [d] = plan([app({ fallback: ['ap-south', 'us-east'] })], { 'eu-west': 'down' });
    expect(d!.record.values).toEqual(V4['ap-south']);
    expect(d!.reason.detail).toBe('eu-west is DOWN; fallback ap-south');
    const [next] = plan([app({ fallback: ['ap-south', 'us-east'] })], {
      'eu-west': 'down',
      'ap-south': 'drained',
    });
    expect(next!.record.values).toEqual(V4['us-east']);
    expect(next!.reason.detail).toBe('eu-west is DOWN and ap-south is DRAINED; fallback us-east');
  });

  it('a list names only its regions: one UP outside it does not answer, whenAllDown does', () => {
    const [d] = plan([app({ fallback: ['ap-south'] })], { 'eu-west': 'down', 'ap-south': 'down' });
    expect(d!.record.values).toEqual(V4['eu-west']);
    expect(d!.reason).toEqual({
      code: 'all-down',
      detail:
        'every region in order [eu-west] is down, and no region of the fallback [ap-south] is UP (fail-open)',
    });
    expect(d!.explanation).toContain('fallback [ap-south]: ap-south is DOWN');
    expect(d!.explanation).toContain('none UP either; whenAllDown fail-open');
  });

  it('any-up takes the first UP region in the order of the config’s regions', () => {
    expect(plan([app()], { 'eu-west': 'down' })[0]!.record.values).toEqual(V4['us-east']);
    expect(plan([app()], { 'eu-west': 'down', 'us-east': 'down' })[0]!.record.values).toEqual(V4['ap-south']);
    // An UP region whose endpoints are all DOWN cannot serve: the next one does.
    const config = makeConfig([app()]);
    const s = states({ 'eu-west': 'down' });
    s.set('us-east', { ...s.get('us-east')!, upEndpoints: [] });
    const [d] = desiredRecords(config, config.zones[0]!, s);
    expect(d!.record.values).toEqual(V4['ap-south']);
    expect(d!.reason.detail).toBe(
      'eu-west is DOWN and us-east has no UP endpoint usable in a A record; fallback ap-south (any-up)',
    );
  });

  it('whenAllDown applies only when no region at all can serve', () => {
    const published: RecordSet[] = [{ name: 'app.example.com', type: 'A', ttl: 30, values: ['192.0.2.99'] }];
    const keep = app({ policy: { kind: 'failover', order: ['eu-west'], whenAllDown: 'keep-last' } });
    const some = plan([keep], { 'eu-west': 'down', 'us-east': 'down' }, {}, published);
    expect(some[0]!.record.values).toEqual(V4['ap-south']);
    const none = plan([keep], { 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'drained' }, {}, published);
    expect(none[0]!.record.values).toEqual(['192.0.2.99']);
    expect(none[0]!.reason.detail).toBe(
      'every region in order [eu-west] is down, and no region of the fallback any-up is UP (keep-last: keeping the published answer)',
    );
    expect(none[0]!.answeredBy).toEqual({ step: 'when-all-down' });
  });

  it('going back from a fallback answer to the record’s own region is a recovery (exempt from the gate)', () => {
    const published: RecordSet[] = [{ name: 'app.example.com', type: 'A', ttl: 30, values: V4['ap-south']! }];
    const [d] = plan([app({ fallback: ['ap-south'] })], {}, {}, published);
    expect(d!.record.values).toEqual(V4['eu-west']);
    expect(d!.reason).toMatchObject({ code: 'region-up', region: 'eu-west' });
  });
});

describe('where a fallback is written: record, zone, config, default', () => {
  const rec = {
    name: 'app.example.com',
    type: 'A',
    ttl: 30,
    policy: { kind: 'failover', order: ['eu-west'] },
  };
  const zone = (fallback?: unknown, records: unknown[] = [rec]) => ({
    zones: [{ name: 'example.com', provider: 'mem', records, ...(fallback ? { fallback } : {}) }],
  });
  const down = { 'eu-west': 'down' } as const;

  it('the nearest wins', () => {
    const cases: [Record<string, unknown>, unknown[], string][] = [
      [{}, [rec], 'us-east'],
      [{ fallback: ['ap-south'] }, [rec], 'ap-south'],
      [{ fallback: ['ap-south'], ...zone('none') }, [rec], 'eu-west'],
      [{ fallback: 'none', ...zone(['ap-south']) }, [rec], 'ap-south'],
      [{ fallback: 'none', ...zone('none', [{ ...rec, fallback: 'any-up' }]) }, [], 'us-east'],
    ];
    for (const [extra, records, region] of cases) {
      const [d] = plan(records, down, extra);
      expect(d!.record.values, JSON.stringify(extra)).toEqual(V4[region]);
    }
  });

  it('recordFallback names where it came from', () => {
    const config = makeConfig([rec], { fallback: ['ap-south'] });
    const z = config.zones[0]!;
    expect(recordFallback(config, z, z.records[0]!)).toEqual({ fallback: ['ap-south'], from: 'config' });
    const plain = makeConfig([rec]);
    const p = plain.zones[0]!;
    expect(recordFallback(plain, p, p.records[0]!)).toEqual({ fallback: 'any-up', from: 'default' });
  });

  it('defaults to none on a provider that cannot publish an answer from outside a rule (Cloudflare load balancers)', () => {
    const config = parseConfig(
      JSON.stringify({
        owner: 'shop-prod',
        regions: REGIONS,
        providers: {
          cf: { kind: 'cloudflare', zoneId: 'a'.repeat(32), apiTokenEnv: 'CF_TOKEN', mode: 'load-balancer' },
        },
        zones: [{ name: 'example.com', provider: 'cf', records: [{ ...rec, ttl: 60 }] }],
      }),
      'cf.yaml',
    );
    const z = config.zones[0]!;
    expect(recordFallback(config, z, z.records[0]!)).toEqual({ fallback: 'none', from: 'default' });
    const [d] = desiredRecords(config, z, states(down));
    expect(d!.record.values).toEqual(V4['eu-west']);
    expect(d!.reason.code).toBe('all-down');
  });
});

describe('weighted: every set answers from the last resort when no weighted region serves', () => {
  const api = (weights: Record<string, number>, extra: Record<string, unknown> = {}) => ({
    name: 'api.example.com',
    type: 'A',
    ttl: 60,
    policy: { kind: 'weighted', weights },
    ...extra,
  });

  it('any-up: ap-south’s addresses in every set, each set keeping its weight', () => {
    const ds = plan([api({ 'us-east': 70, 'eu-west': 30 })], { 'us-east': 'down', 'eu-west': 'down' });
    expect(ds.map((d) => [d.record.setId, d.record.weight, d.record.values])).toEqual([
      ['us-east', 70, V4['ap-south']],
      ['eu-west', 30, V4['ap-south']],
    ]);
    expect(ds[0]!.reason).toEqual({
      code: 'region-down',
      region: 'us-east',
      detail: 'us-east and eu-west are DOWN; fallback ap-south (any-up)',
    });
    expect(ds[0]!.answeredBy).toEqual({ step: 'fallback', region: 'ap-south' });
    expect(ds[0]!.explanation).toContain('ap-south answers in every set');
  });

  it('drained sets keep weight 0 but still hold the fallback (all weights 0 share equally)', () => {
    const ds = plan([api({ 'us-east': 70, 'eu-west': 30 })], { 'us-east': 'drained', 'eu-west': 'drained' });
    expect(ds.map((d) => [d.record.weight, d.record.values])).toEqual([
      [0, V4['ap-south']],
      [0, V4['ap-south']],
    ]);
  });

  it('a region with weight 0 is not a candidate: the last resort answers when the weighted ones are down', () => {
    const ds = plan([api({ 'us-east': 100, 'eu-west': 0 }, { fallback: ['ap-south'] })], {
      'us-east': 'down',
    });
    expect(ds.map((d) => d.record.values)).toEqual([V4['ap-south'], V4['ap-south']]);
  });

  it('nothing serves: whenAllDown fail-open, as before', () => {
    const ds = plan([api({ 'us-east': 70, 'eu-west': 30 })], {
      'us-east': 'down',
      'eu-west': 'down',
      'ap-south': 'down',
    });
    expect(ds.map((d) => [d.record.weight, d.record.values])).toEqual([
      [70, V4['us-east']],
      [30, V4['eu-west']],
    ]);
    expect(ds[0]!.reason.code).toBe('all-down');
    expect(ds[0]!.explanation).toContain('fallback any-up: ap-south is DOWN');
  });

  it('endpoint-weighted sets hold the fallback too, with their fail-open shares', () => {
    const regions = REGIONS.map((r) =>
      r.id === 'us-east'
        ? { ...r, endpoints: r.endpoints.map((e) => ({ ...e, weight: e.id === 'use-a' ? 3 : 1 })) }
        : r,
    );
    const ds = plan([api({ 'us-east': 40 })], { 'us-east': 'down' }, { regions });
    expect(ds.map((d) => [d.record.setId, d.record.weight, d.record.values])).toEqual([
      ['us-east/use-a', 30, sorted('eu-west')],
      ['us-east/use-b', 10, sorted('eu-west')],
    ]);
    expect(ds[0]!.answeredBy).toEqual({ step: 'fallback', region: 'eu-west' });
  });

  it('when the weighted region is back, its set returning from the fallback is a recovery', () => {
    const published: RecordSet[] = [
      { name: 'api.example.com', type: 'A', ttl: 60, setId: 'us-east', weight: 70, values: V4['ap-south']! },
    ];
    const ds = plan([api({ 'us-east': 70, 'eu-west': 30 })], { 'eu-west': 'down' }, {}, published);
    expect(ds[0]!.record.values).toEqual(V4['us-east']);
    expect(ds[0]!.reason).toMatchObject({ code: 'region-up', region: 'us-east' });
  });
});
