// The generated demo config: valid, fast health settings, one distinct address range per region,
// and no secret in the YAML.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.ts';
import {
  DEMO_LAYOUT,
  DEMO_PROBERS,
  DEMO_TOKEN_ENV,
  demoConfigYaml,
  demoSecrets,
  proberKeyEnv,
} from '../../../src/demo/index.ts';

const targets = DEMO_LAYOUT.flatMap((r, i) =>
  r.endpoints.map((e, j) => ({ endpoint: e.id, host: e.address, port: 40000 + i * 10 + j })),
);

describe('demo config', () => {
  const yaml = demoConfigYaml({ targets, controllerPort: 8080, dnsPort: 5353, stateDir: '/tmp/x' });
  const config = parseConfig(yaml, 'demo.yaml');

  it('loads with the real schema and cross-reference checks', () => {
    expect(config.regions.map((r) => r.id)).toEqual(['us-east', 'eu-west', 'ap-south']);
    expect(config.probers.map((p) => p.id)).toEqual([...DEMO_PROBERS]);
    expect(config.controllers).toEqual([{ url: 'http://127.0.0.1:8080' }]);
    expect(config.controller.listen).toBe('127.0.0.1:8080');
    expect(config.providers.demo).toMatchObject({ kind: 'builtin', listen: '127.0.0.1:5353' });
  });

  it('uses the fast health settings the demo and the failover measurement assume', () => {
    expect(config.health).toMatchObject({
      interval: 1000,
      timeout: 500,
      fall: 2,
      rise: 2,
      failbackAfter: 10_000,
    });
  });

  it('checks each endpoint at its backend and publishes a per-region address', () => {
    for (const r of config.regions) {
      for (const e of r.endpoints) {
        const t = targets.find((x) => x.endpoint === e.id)!;
        expect(e.check).toMatchObject({ kind: 'http', url: `http://${t.host}:${t.port}/healthz` });
      }
    }
    const prefixes = config.regions.map((r) => new Set(r.endpoints.map((e) => e.address!.slice(0, -1))));
    expect(prefixes.every((p) => p.size === 1)).toBe(true);
    expect(new Set(prefixes.map((p) => [...p][0])).size).toBe(3);
  });

  it('has failover, weighted and geo records', () => {
    expect(config.zones[0]!.records.map((r) => r.policy.kind)).toEqual(['failover', 'weighted', 'geo']);
  });

  it('takes secrets from the environment only: random per call, never in the YAML', () => {
    const a = demoSecrets();
    const b = demoSecrets();
    for (const p of DEMO_PROBERS) {
      expect(a[proberKeyEnv(p)]).toMatch(/^[0-9a-f]{64}$/);
      expect(a[proberKeyEnv(p)]).not.toBe(b[proberKeyEnv(p)]);
      expect(yaml).not.toContain(a[proberKeyEnv(p)]);
      expect(config.probers.find((x) => x.id === p)!.keyEnv).toBe(proberKeyEnv(p));
    }
    expect(config.controller.tokenEnv).toBe(DEMO_TOKEN_ENV);
  });
});
