// What each Cloudflare mode accepts: records mode is failover only, with a message that says what to do.

import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../../src/config/index.ts';

const config = (mode: string, policy: unknown) =>
  stringify({
    owner: 'me',
    regions: [
      { id: 'r1', endpoints: [{ id: 'e1', address: '192.0.2.1', check: { kind: 'tcp', port: 80 } }] },
    ],
    providers: {
      cf: {
        kind: 'cloudflare',
        mode,
        accountId: 'acc',
        zoneId: '023e105f4ecef8ad9ca31a8372d0c353',
        apiTokenEnv: 'T',
      },
    },
    zones: [
      {
        name: 'example.com',
        provider: 'cf',
        records: [{ name: 'a.example.com', type: 'A', ttl: 60, policy }],
      },
    ],
    health: { minProbers: 1 },
  });

describe('cloudflare policy support', () => {
  const weighted = { kind: 'weighted', weights: { r1: 10 } };
  const geo = { kind: 'geo', rules: [{ match: 'default', regions: ['r1'] }] };

  it('records mode refuses weighted and geo, naming mode: load-balancer', () => {
    for (const policy of [weighted, geo]) {
      const err = (() => {
        try {
          parseConfig(config('records', policy));
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect(String((err as Error).message)).toMatch(/mode: load-balancer/);
    }
  });

  it('load-balancer mode accepts all three', () => {
    for (const policy of [weighted, geo, { kind: 'failover', order: ['r1'] }]) {
      expect(() => parseConfig(config('load-balancer', policy))).not.toThrow();
    }
  });
});
