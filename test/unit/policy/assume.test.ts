// assumeStates: what `plan --assume REGION=up|down|drained` feeds to policy.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/model/index.ts';
import { assumeStates, desiredRecords } from '../../../src/policy/index.ts';
import { makeConfig, V4 } from './config.ts';

const config = makeConfig([
  {
    name: 'app.example.com',
    type: 'A',
    ttl: 30,
    policy: { kind: 'failover', order: ['us-east', 'eu-west'] },
  },
]);

describe('assumeStates', () => {
  it('gives every configured region a state; unassumed ones are up with all endpoints', () => {
    const s = assumeStates(config, new Map([['eu-west', 'down']]), 1234);
    expect([...s.keys()]).toEqual(['us-east', 'eu-west', 'ap-south']);
    expect(s.get('us-east')).toEqual({
      id: 'us-east',
      status: 'up',
      since: 1234,
      upEndpoints: ['use-a', 'use-b', 'use-6', 'use-h', 'use-h2'],
    });
    expect(s.get('eu-west')).toMatchObject({
      status: 'down',
      upEndpoints: [],
      reason: 'assumed down (--assume)',
    });
  });

  it('a drained region keeps its endpoints up but is never chosen', () => {
    const s = assumeStates(config, new Map([['us-east', 'drained']]));
    expect(s.get('us-east')!.upEndpoints).toHaveLength(5);
    const [d] = desiredRecords(config, config.zones[0]!, s);
    expect(d!.record.values).toEqual(V4['eu-west']);
  });

  it('refuses an unknown region with the known ones as remedy', () => {
    let err: unknown;
    try {
      assumeStates(config, new Map([['mars', 'down']]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).message).toContain('"mars"');
    expect((err as UsageError).context.remedy).toBe('use one of: us-east, eu-west, ap-south');
  });

  it('refuses a state other than up, down or drained', () => {
    expect(() => assumeStates(config, new Map([['us-east', 'sideways' as 'up']]))).toThrow(UsageError);
  });
});
