// uncovered(): the rules and records an operator change (or plan's assumptions) leaves with no UP
// region of their own, and what they will answer; statesDuring(): a maintenance window's states.
import { describe, expect, it } from 'vitest';
import { statesDuring } from '../../../src/controller/views/coverage-warnings.ts';
import type { MaintenanceWindow } from '../../../src/health/index.ts';
import type { RecordSet } from '../../../src/model/index.ts';
import { uncovered } from '../../../src/policy/index.ts';
import { makeConfig, states, V4 } from './config.ts';

const WWW = {
  name: 'www.example.com',
  type: 'A',
  ttl: 30,
  policy: {
    kind: 'geo',
    rules: [
      { match: { continent: 'EU' }, regions: ['eu-west', 'us-east'] },
      { match: { continent: 'AS' }, regions: ['ap-south'] },
      { match: 'default', regions: ['us-east', 'eu-west'] },
    ],
  },
};
const APP = { name: 'app.example.com', type: 'A', ttl: 30, policy: { kind: 'failover', order: ['us-east'] } };
const API = {
  name: 'api.example.com',
  type: 'A',
  ttl: 30,
  policy: { kind: 'weighted', weights: { 'us-east': 70, 'eu-west': 30 } },
};

describe('uncovered', () => {
  it('names each rule left without an UP region and the fallback it answers', () => {
    const config = makeConfig([WWW]);
    const list = uncovered(config, states({ 'eu-west': 'drained', 'us-east': 'down' }));
    expect(list).toEqual([
      {
        zone: 'example.com.',
        name: 'www.example.com.',
        type: 'A',
        rule: 'continent-eu',
        regions: ['eu-west', 'us-east'],
        answer: { step: 'fallback', region: 'ap-south', values: V4['ap-south'] },
        message:
          'www.example.com. A rule continent-eu [eu-west, us-east] has no UP region of its own: eu-west is DRAINED and us-east is DOWN; fallback ap-south (any-up) answers 203.0.113.10',
      },
      expect.objectContaining({
        rule: 'default',
        answer: { step: 'fallback', region: 'ap-south', values: V4['ap-south'] },
      }),
    ]);
  });

  it('is empty while every rule and record has an UP region of its own', () => {
    const config = makeConfig([WWW, APP, API]);
    expect(uncovered(config, states({ 'eu-west': 'down' }))).toEqual([]);
    expect(uncovered(config, new Map())).toEqual([]);
  });

  it('says the default rule answers when that is where the rule fell through to', () => {
    const config = makeConfig([WWW]);
    const [eu] = uncovered(config, states({ 'eu-west': 'down', 'us-east': 'drained', 'ap-south': 'up' }));
    expect(eu!.answer.step).toBe('fallback');
    const geo = makeConfig([
      {
        ...WWW,
        policy: {
          kind: 'geo',
          rules: [
            { match: { continent: 'EU' }, regions: ['eu-west'] },
            { match: 'default', regions: ['us-east'] },
          ],
        },
      },
    ]);
    const [only] = uncovered(geo, states({ 'eu-west': 'down' }));
    expect(only!.message).toBe(
      'www.example.com. A rule continent-eu [eu-west] has no UP region of its own: eu-west is DOWN; default rule us-east answers 192.0.2.10, 192.0.2.11',
    );
  });

  it('gives one warning for a weighted record, whatever its number of sets', () => {
    const config = makeConfig([API]);
    const list = uncovered(config, states({ 'us-east': 'down', 'eu-west': 'drained' }));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      name: 'api.example.com.',
      regions: ['us-east', 'eu-west'],
      answer: { step: 'fallback', region: 'ap-south', values: V4['ap-south'] },
    });
    expect(list[0]).not.toHaveProperty('rule');
  });

  it('when nothing can serve, names whenAllDown’s answer: dead addresses for fail-open', () => {
    const config = makeConfig([APP]);
    const [u] = uncovered(config, states({ 'us-east': 'down', 'eu-west': 'down', 'ap-south': 'down' }));
    expect(u!.answer).toEqual({ step: 'when-all-down', values: V4['us-east'] });
    expect(u!.message).toBe(
      'app.example.com. A [us-east] has no UP region of its own: every region in order [us-east] is down, and no region of the fallback any-up is UP (fail-open); it will answer 192.0.2.10, 192.0.2.11, addresses of regions that are not UP',
    );
  });

  it('keep-last: the published answer when known, and says so when not', () => {
    const keep = { ...APP, policy: { ...APP.policy, whenAllDown: 'keep-last' }, fallback: 'none' };
    const config = makeConfig([keep]);
    const down = states({ 'us-east': 'down' });
    const [unknown] = uncovered(config, down);
    expect(unknown!.answer).toEqual({ step: 'when-all-down' });
    expect(unknown!.message).toMatch(/; it keeps the answer published then$/);
    const published: RecordSet[] = [{ name: 'app.example.com.', type: 'A', ttl: 30, values: ['192.0.2.99'] }];
    const [known] = uncovered(config, down, () => published);
    expect(known!.answer).toEqual({ step: 'when-all-down', values: ['192.0.2.99'] });
  });
});

describe('statesDuring', () => {
  const window = (id: string, region: string, start: number): MaintenanceWindow => ({
    id,
    region,
    reason: 'patching',
    start,
    durationMs: 3_600_000,
    notifyBeforeMs: 0,
    source: 'api',
  });

  it('drains the regions of the windows in force at that time, and keeps the others as they are', () => {
    const now = states({ 'us-east': 'down' });
    const t = Date.parse('2030-01-01T02:00:00Z');
    const during = statesDuring(
      now,
      [window('w1', 'eu-west', t), window('w2', 'ap-south', t + 7_200_000)],
      t + 60_000,
    );
    expect(during.get('eu-west')).toMatchObject({
      status: 'drained',
      since: t,
      reason: 'maintenance window w1: patching',
    });
    expect(during.get('us-east')!.status).toBe('down');
    // Not in a window at that time: as it was (absent means up with all endpoints).
    expect(during.has('ap-south')).toBe(false);
    // The input is not changed.
    expect(now.has('eu-west')).toBe(false);
  });
});
