// Endpoint weights and the failback ramp's weighted sets on moto's Route 53 emulator (moto_server on
// a free loopback port): per-endpoint sets, and a failover answer reshaped into ramp sets and climbing
// a step. (The way back to one answer re-creates a record moto has in its change journal, which moto
// 5.2.1 refuses; the strict fake covers it.) Every case re-plans to zero changes.
import { describe, expect, it } from 'vitest';
import { Route53Provider } from '../../../providers/route53/index.ts';
import type { Config } from '../../../src/config/index.ts';
import { motoMissing } from '../../helpers/moto.ts';
import { awsConfig, FAST, motoZone, OWNER, providerConfig } from './helpers.ts';
import { ALL_UP, at, convergeStates, down, RECORDS, up, weightedEndpointsConfig } from './traffic-cases.ts';

if (motoMissing) console.warn(`skipping route53 moto traffic tests: ${motoMissing}`);

describe.skipIf(motoMissing !== undefined)(
  'route53 on moto_server: endpoint weights and failback ramp',
  () => {
    const moto = motoZone();

    const provider = (config: Config) => new Route53Provider('aws', awsConfig(config), OWNER, FAST);

    it('publishes one weighted set per endpoint with integer weights', async () => {
      const config = weightedEndpointsConfig(providerConfig(moto.url, moto.zoneId), [RECORDS.weighted]);
      const p = provider(config);
      await convergeStates(config, p, ALL_UP());
      expect(at(await p.records('example.com'), 'api')).toEqual([
        ['eu-west', 30, '198.51.100.10'],
        ['us-east/use-a', 53, '192.0.2.10'],
        ['us-east/use-b', 18, '192.0.2.11'],
      ]);
    });

    it('reshapes a failover answer into ramp sets and climbs a step', async () => {
      const config = weightedEndpointsConfig(
        providerConfig(moto.url, moto.zoneId),
        [RECORDS.failover],
        [1, 1],
      );
      const p = provider(config);
      const failed = ALL_UP();
      failed.set('us-east', down('us-east'));
      await convergeStates(config, p, failed);
      for (const [i, percent] of [10, 25].entries()) {
        const s = ALL_UP();
        s.set('us-east', up('us-east', ['use-a', 'use-b'], { step: i + 1, steps: 4, percent }));
        await convergeStates(config, p, s);
        expect(at(await p.records('example.com'), 'app')).toEqual([
          ['eu-west', 100 - percent, '198.51.100.10'],
          ['us-east', percent, '192.0.2.10,192.0.2.11'],
        ]);
      }
    });
  },
);
