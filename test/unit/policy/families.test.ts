// Desired records of dual-stack regions: A records follow each region's IPv4 health and AAAA records
// its IPv6 health, by the same rules as whole regions (failover order, weights, geo rules, the
// fallback, whenAllDown), and the reasons name the family that moved.
import { describe, expect, it } from 'vitest';
import { type Config, parseConfig } from '../../../src/config/index.ts';
import {
  type AddressFamily,
  type RecordSet,
  type RegionState,
  type RegionStatus,
  UsageError,
} from '../../../src/model/index.ts';
import { assumeStates, desiredRecords } from '../../../src/policy/index.ts';

const IDS = ['us-east', 'eu-west', 'ap-south'] as const;
const V4 = { 'us-east': '192.0.2.10', 'eu-west': '198.51.100.10', 'ap-south': '203.0.113.10' };
const V6 = { 'us-east': '2001:db8::10', 'eu-west': '2001:db8::20', 'ap-south': '2001:db8::30' };

function config(policy: unknown, extra: Record<string, unknown> = {}): Config {
  return parseConfig(
    JSON.stringify({
      owner: 'shop-prod',
      regions: IDS.map((id) => ({
        id,
        endpoints: [
          {
            id: `${id}-a`,
            addresses: { ipv4: V4[id], ipv6: V6[id] },
            check: { kind: 'tcp', port: 443 },
          },
        ],
      })),
      providers: { mem: { kind: 'memory' } },
      zones: [
        {
          name: 'example.com',
          provider: 'mem',
          records: (['A', 'AAAA'] as const).map((type) => ({
            name: 'app.example.com',
            type,
            ttl: 30,
            policy,
          })),
        },
      ],
      ...extra,
    }),
  );
}

type Health = Record<AddressFamily, RegionStatus>;

/** Region states whose families have the given health (the region is up while one family is). */
function familyStates(health: Record<string, Health>): Map<string, RegionState> {
  return new Map(
    Object.entries(health).map(([id, h]) => {
      const fam = (f: AddressFamily) => ({
        status: h[f],
        since: 1,
        upEndpoints: h[f] === 'up' ? [`${id}-a`] : [],
      });
      const up = h.ipv4 === 'up' || h.ipv6 === 'up';
      return [
        id,
        {
          id,
          status: up ? 'up' : 'down',
          since: 1,
          upEndpoints: up ? [`${id}-a`] : [],
          families: { ipv4: fam('ipv4'), ipv6: fam('ipv6') },
        },
      ];
    }),
  );
}

/** The same regions seen as whole regions with one family's health: what that family's records must follow. */
function wholeStates(health: Record<string, Health>, f: AddressFamily): Map<string, RegionState> {
  return new Map(
    Object.entries(health).map(([id, h]) => [
      id,
      { id, status: h[f], since: 1, upEndpoints: h[f] === 'up' ? [`${id}-a`] : [] },
    ]),
  );
}

const answer = (sets: readonly RecordSet[]) =>
  sets.map((r) => `${r.setId ?? ''}=${r.values.join(',')}${r.weight === undefined ? '' : `@${r.weight}`}`);

function* combinations(): Generator<Record<string, Health>> {
  const s: RegionStatus[] = ['up', 'down'];
  for (let n = 0; n < 64; n++) {
    const out: Record<string, Health> = {};
    IDS.forEach((id, i) => {
      out[id] = { ipv4: s[(n >> (2 * i)) & 1]!, ipv6: s[(n >> (2 * i + 1)) & 1]! };
    });
    yield out;
  }
}

const POLICIES: Record<string, unknown> = {
  failover: { kind: 'failover', order: ['us-east', 'eu-west', 'ap-south'] },
  'failover keep-last': { kind: 'failover', order: ['us-east', 'eu-west'], whenAllDown: 'keep-last' },
  weighted: { kind: 'weighted', weights: { 'us-east': 70, 'eu-west': 30 } },
  geo: {
    kind: 'geo',
    rules: [
      { match: { continent: 'EU' }, regions: ['eu-west'] },
      { match: 'default', regions: ['us-east'] },
    ],
  },
};

describe('dual-stack regions: each record type follows its own family', () => {
  for (const [name, policy] of Object.entries(POLICIES)) {
    it(`${name}: A answers as if each region had its IPv4 health, AAAA its IPv6 health (64 combinations)`, () => {
      const cfg = config(policy);
      const zone = cfg.zones[0]!;
      const only = (type: string) => ({ ...zone, records: zone.records.filter((r) => r.type === type) });
      for (const health of combinations()) {
        const got = desiredRecords(cfg, zone, familyStates(health));
        for (const [type, f] of [
          ['A', 'ipv4'],
          ['AAAA', 'ipv6'],
        ] as const) {
          const want = desiredRecords(cfg, only(type), wholeStates(health, f));
          const mine = got.filter((d) => d.record.type === type);
          expect(answer(mine.map((d) => d.record)), `${type} under ${JSON.stringify(health)}`).toEqual(
            answer(want.map((d) => d.record)),
          );
          expect(mine.map((d) => d.answeredBy)).toEqual(want.map((d) => d.answeredBy));
        }
      }
    });
  }

  it('a broken IPv6 path in us-east withdraws its AAAA answer, not its A answer, and says why', () => {
    const cfg = config(POLICIES.failover);
    const ds = desiredRecords(
      cfg,
      cfg.zones[0]!,
      familyStates({
        'us-east': { ipv4: 'up', ipv6: 'down' },
        'eu-west': { ipv4: 'up', ipv6: 'up' },
        'ap-south': { ipv4: 'up', ipv6: 'up' },
      }),
    );
    const a = ds.find((d) => d.record.type === 'A')!;
    const aaaa = ds.find((d) => d.record.type === 'AAAA')!;
    expect(a.record.values).toEqual(['192.0.2.10']);
    expect(a.explanation).toContain('us-east IPv4 is UP');
    expect(aaaa.record.values).toEqual(['2001:db8::20']);
    expect(aaaa.reason).toMatchObject({
      code: 'region-down',
      region: 'us-east',
      detail: 'us-east IPv6 is DOWN',
    });
    expect(aaaa.explanation).toMatch(
      /^us-east IPv6 is DOWN since .*; eu-west IPv6 is UP since .*: first UP region/,
    );
  });

  it('the reverse: a broken IPv4 path withdraws the A answer only', () => {
    const cfg = config(POLICIES.failover);
    const ds = desiredRecords(
      cfg,
      cfg.zones[0]!,
      familyStates({
        'us-east': { ipv4: 'down', ipv6: 'up' },
        'eu-west': { ipv4: 'up', ipv6: 'up' },
        'ap-south': { ipv4: 'up', ipv6: 'up' },
      }),
    );
    expect(ds.find((d) => d.record.type === 'A')!.record.values).toEqual(['198.51.100.10']);
    expect(ds.find((d) => d.record.type === 'AAAA')!.record.values).toEqual(['2001:db8::10']);
  });

  it('no region with working IPv6: the fallback answers AAAA, then whenAllDown; A is untouched', () => {
    const cfg = config({ kind: 'failover', order: ['us-east', 'eu-west'] }, { fallback: ['ap-south'] });
    const down6 = { ipv4: 'up', ipv6: 'down' } as const;
    const ds = desiredRecords(
      cfg,
      cfg.zones[0]!,
      familyStates({ 'us-east': down6, 'eu-west': down6, 'ap-south': { ipv4: 'up', ipv6: 'up' } }),
    );
    expect(ds.find((d) => d.record.type === 'A')!.record.values).toEqual(['192.0.2.10']);
    const aaaa = ds.find((d) => d.record.type === 'AAAA')!;
    expect(aaaa.record.values).toEqual(['2001:db8::30']);
    expect(aaaa.answeredBy).toEqual({ step: 'fallback', region: 'ap-south' });
    expect(aaaa.reason.detail).toBe('us-east IPv6 and eu-west IPv6 are DOWN; fallback ap-south');

    const all = desiredRecords(
      cfg,
      cfg.zones[0]!,
      familyStates({ 'us-east': down6, 'eu-west': down6, 'ap-south': down6 }),
    );
    const open = all.find((d) => d.record.type === 'AAAA')!;
    expect(open.answeredBy).toEqual({ step: 'when-all-down' });
    expect(open.record.values).toEqual(['2001:db8::10', '2001:db8::20']);
    expect(all.find((d) => d.record.type === 'A')!.record.values).toEqual(['192.0.2.10']);
  });

  it('whenAllDown keep-last applies per record type: AAAA keeps its published answer, A moves on', () => {
    const cfg = config(POLICIES['failover keep-last']);
    const published: RecordSet[] = [
      { name: 'app.example.com.', type: 'A', ttl: 30, values: ['192.0.2.10'] },
      { name: 'app.example.com.', type: 'AAAA', ttl: 30, values: ['2001:db8::10'] },
    ];
    const ds = desiredRecords(
      cfg,
      cfg.zones[0]!,
      familyStates({
        'us-east': { ipv4: 'down', ipv6: 'down' },
        'eu-west': { ipv4: 'up', ipv6: 'down' },
        'ap-south': { ipv4: 'up', ipv6: 'up' },
      }),
      published,
    );
    expect(ds.find((d) => d.record.type === 'A')!.record.values).toEqual(['198.51.100.10']);
    // Fallback any-up (unwritten) answers before keep-last: ap-south has IPv6.
    expect(ds.find((d) => d.record.type === 'AAAA')!.record.values).toEqual(['2001:db8::30']);

    const none = config(POLICIES['failover keep-last'], { fallback: 'none' });
    const kept = desiredRecords(
      none,
      none.zones[0]!,
      familyStates({
        'us-east': { ipv4: 'up', ipv6: 'down' },
        'eu-west': { ipv4: 'up', ipv6: 'down' },
        'ap-south': { ipv4: 'up', ipv6: 'up' },
      }),
      published,
    );
    expect(kept.find((d) => d.record.type === 'AAAA')!.record.values).toEqual(['2001:db8::10']);
    expect(kept.find((d) => d.record.type === 'AAAA')!.answeredBy).toEqual({ step: 'when-all-down' });
    expect(kept.find((d) => d.record.type === 'A')!.record.values).toEqual(['192.0.2.10']);
  });

  it('a region without family states (assumed, or a plain region) answers both types from its whole health', () => {
    const cfg = config(POLICIES.failover);
    const ds = desiredRecords(cfg, cfg.zones[0]!, new Map());
    expect(ds.map((d) => d.record.values)).toEqual([['192.0.2.10'], ['2001:db8::10']]);
  });

  it('plan --assume us-east/ipv6=down: the AAAA answer fails over, the A answer stays', () => {
    const cfg = config(POLICIES.failover);
    const states = assumeStates(cfg, new Map([['us-east/ipv6', 'down']]), 1);
    expect(states.get('us-east')).toMatchObject({
      status: 'up',
      families: {
        ipv4: { status: 'up', upEndpoints: ['us-east-a'] },
        ipv6: { status: 'down', upEndpoints: [], reason: 'assumed down (--assume us-east/ipv6)' },
      },
    });
    const ds = desiredRecords(cfg, cfg.zones[0]!, states);
    expect(ds.map((d) => [d.record.type, d.record.values])).toEqual([
      ['A', ['192.0.2.10']],
      ['AAAA', ['2001:db8::20']],
    ]);
    // A region assumed down or drained holds both families, whatever one of them is assumed.
    const both = assumeStates(
      cfg,
      new Map<string, RegionStatus>([
        ['us-east', 'drained'],
        ['us-east/ipv4', 'up'],
      ]),
    );
    expect(both.get('us-east')!.families?.ipv4?.status).toBe('drained');
  });

  it('--assume refuses a family other than ipv4/ipv6, or drained for a family', () => {
    const cfg = config(POLICIES.failover);
    for (const [key, status] of [
      ['us-east/ipv5', 'down'],
      ['us-east/ipv6', 'drained'],
    ] as const) {
      let err: unknown;
      try {
        assumeStates(cfg, new Map([[key, status]]));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toContain('an address family is ipv4 or ipv6, up or down');
    }
  });
});
