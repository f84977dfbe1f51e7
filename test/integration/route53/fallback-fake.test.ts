// The last resort on the strict Route 53 fake: with eu-west drained and us-east down, the failover
// answer, both weighted sets and the geo rules that name only those two hold ap-south's address (the
// weighted sets keep their weights, eu-west's at 0); the way back is a recovery; fallback none keeps
// the old fail-open answers. Every step converges and plans again to zero changes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Route53Provider, resetBudgets } from '../../../providers/route53/index.ts';
import { FakeRoute53, type FakeZone } from '../../fakes/route53/index.ts';
import { awsConfig, converge, dummyCredentials, FAST, makeConfig, OWNER, providerConfig } from './helpers.ts';
import { at, RECORDS } from './traffic-cases.ts';

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

const ALL = [RECORDS.failover, RECORDS.weighted, RECORDS.geo];
const OUT = { 'eu-west': 'drained', 'us-east': 'down' } as const;
const AP = '203.0.113.10';

describe('route53 (strict fake): fallback before whenAllDown', () => {
  it('answers ap-south everywhere eu-west and us-east cannot, and comes back as a recovery', async () => {
    const config = makeConfig(providerConfig(fake.url, zone.id), ALL);
    const p = new Route53Provider('aws', awsConfig(config), OWNER, FAST);
    expect((await converge(config, p)).again.changes).toEqual([]);

    const out = await converge(config, p, OUT);
    expect(out.again.changes).toEqual([]);
    const recs = await p.records('example.com');
    expect(at(recs, 'app')).toEqual([['', null, AP]]);
    expect(at(recs, 'api')).toEqual([
      ['eu-west', 0, AP],
      ['us-east', 70, AP],
    ]);
    expect(at(recs, 'www')).toEqual([
      ['continent-eu', null, AP],
      ['country-in', null, AP],
      ['country-us-ca', null, AP],
      ['default', null, AP],
    ]);
    // Health transitions, not config changes: the safety fractions never hold them back.
    expect(new Set(out.plan.changes.map((c) => c.reason.code))).toEqual(
      new Set(['region-down', 'region-drained']),
    );

    const back = await converge(config, p);
    expect(back.again.changes).toEqual([]);
    expect(back.plan.changes.every((c) => c.reason.code === 'region-up')).toBe(true);
    expect(at(await p.records('example.com'), 'app')).toEqual([['', null, '192.0.2.10,192.0.2.11']]);
  });

  it('fallback none on the config keeps the old fail-open answers', async () => {
    const config = makeConfig(providerConfig(fake.url, zone.id), ALL, { fallback: 'none' });
    const p = new Route53Provider('aws', awsConfig(config), OWNER, FAST);
    const out = await converge(config, p, OUT);
    expect(out.again.changes).toEqual([]);
    const recs = await p.records('example.com');
    expect(at(recs, 'app')).toEqual([['', null, '192.0.2.10,192.0.2.11']]);
    expect(at(recs, 'api')).toEqual([
      ['eu-west', 0, '198.51.100.10'],
      ['us-east', 70, '192.0.2.10,192.0.2.11'],
    ]);
  });
});
