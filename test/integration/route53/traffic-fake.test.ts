// Endpoint weights and the failback ramp's record shapes on the strict Route 53 fake: one weighted set
// per endpoint (integer weights 0-255), a failover answer reshaped into two weighted sets while a
// region ramps and back to one answer at 100% (simple and weighted never coexist after a batch), and
// no change at all for a config that only spells out equal weights. Every case re-plans to zero.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Route53Provider, resetBudgets } from '../../../providers/route53/index.ts';
import { FakeRoute53, type FakeZone } from '../../fakes/route53/index.ts';
import {
  awsConfig,
  converge,
  dummyCredentials,
  FAST,
  makeConfig,
  OWNER,
  plan,
  providerConfig,
} from './helpers.ts';
import { ALL_UP, at, convergeStates, down, RECORDS, up, weightedEndpointsConfig } from './traffic-cases.ts';

let fake: FakeRoute53;
let zone: FakeZone;
let restore: () => void;

beforeAll(async () => {
  restore = dummyCredentials();
  fake = await new FakeRoute53({ pendingPolls: 1 }).start();
});
afterAll(async () => {
  await fake.close();
  restore();
});
beforeEach(() => {
  fake.zones.clear();
  zone = fake.createZone('example.com');
  resetBudgets();
});

const provider = (config: ReturnType<typeof makeConfig>) =>
  new Route53Provider('aws', awsConfig(config), OWNER, FAST);

describe('route53 (strict fake): endpoint weights and failback ramp', () => {
  it('equal endpoint weights: an existing zone plans zero changes after the upgrade', async () => {
    const before = makeConfig(providerConfig(fake.url, zone.id), [RECORDS.failover, RECORDS.weighted]);
    await converge(before, provider(before));
    const after = weightedEndpointsConfig(
      providerConfig(fake.url, zone.id),
      [RECORDS.failover, RECORDS.weighted],
      [5, 5],
    );
    expect((await plan(after, provider(after))).changes).toEqual([]);
  });

  it('unequal endpoint weights: one weighted set per endpoint; a DOWN endpoint gives its share to the others', async () => {
    const config = weightedEndpointsConfig(providerConfig(fake.url, zone.id), [RECORDS.weighted]);
    const p = provider(config);
    await convergeStates(config, p, ALL_UP());
    expect(at(await p.records('example.com'), 'api')).toEqual([
      ['eu-west', 30, '198.51.100.10'],
      ['us-east/use-a', 53, '192.0.2.10'],
      ['us-east/use-b', 18, '192.0.2.11'],
    ]);
    const states = ALL_UP();
    states.set('us-east', up('us-east', ['use-b']));
    await convergeStates(config, p, states);
    expect(at(await p.records('example.com'), 'api')).toEqual([
      ['eu-west', 30, '198.51.100.10'],
      ['us-east/use-a', 0, '192.0.2.10'],
      ['us-east/use-b', 70, '192.0.2.11'],
    ]);
  });

  it('ramp: the failover answer becomes two weighted sets step by step, then one answer again', async () => {
    const config = weightedEndpointsConfig(
      providerConfig(fake.url, zone.id),
      [RECORDS.failover, RECORDS.weighted],
      [1, 1],
    );
    const p = provider(config);
    await convergeStates(config, p, ALL_UP());
    const failed = ALL_UP();
    failed.set('us-east', down('us-east'));
    await convergeStates(config, p, failed);
    expect(at(await p.records('example.com'), 'app')).toEqual([['', null, '198.51.100.10']]);
    for (const [i, percent] of [10, 25, 50].entries()) {
      const s = ALL_UP();
      s.set('us-east', up('us-east', ['use-a', 'use-b'], { step: i + 1, steps: 4, percent }));
      const plan = await convergeStates(config, p, s);
      expect(
        plan.changes.every((c) => c.reason.detail === `ramp step ${i + 1}/4 of us-east (${percent}%)`),
      ).toBe(true);
      expect(at(await p.records('example.com'), 'app')).toEqual([
        ['eu-west', 100 - percent, '198.51.100.10'],
        ['us-east', percent, '192.0.2.10,192.0.2.11'],
      ]);
      expect(at(await p.records('example.com'), 'api').find((r) => r[0] === 'us-east')![1]).toBe(
        Math.round(0.7 * percent),
      );
    }
    const last = ALL_UP();
    last.set('us-east', up('us-east', ['use-a', 'use-b'], { step: 4, steps: 4, percent: 100 }));
    await convergeStates(config, p, last);
    expect(at(await p.records('example.com'), 'app')).toEqual([['', null, '192.0.2.10,192.0.2.11']]);
    // The ramp over, nothing changes.
    await convergeStates(config, p, ALL_UP());
  });
});
