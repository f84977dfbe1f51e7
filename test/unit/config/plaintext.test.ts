// Plain HTTP beyond loopback is refused: a controller listening on a non-loopback address without
// controller.tls, and an http:// controller URL to a host that is neither loopback nor cluster-local,
// each unless `allowPlaintext: true` says the operator means it. Loopback-only configs (every test
// config, the demo, config/local.yaml) are untouched.
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  isClusterLocalHost,
  isLoopbackHost,
  parseConfig,
  plaintextListenProblem,
  plaintextUrlProblem,
} from '../../../src/config/index.ts';
import { DEMO_LAYOUT, demoConfigYaml } from '../../../src/demo/index.ts';

const base = (extra: string) => `
owner: shop
regions:
  - { id: us-east, endpoints: [{ id: use-a, address: 192.0.2.10, check: { kind: tcp, port: 443 } }] }
probers: [{ id: virginia, keyEnv: K }]
health: { minProbers: 1 }
providers: { local: { kind: builtin } }
${extra}
`;

function problems(text: string): string[] {
  try {
    parseConfig(text, 'site.yaml');
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`);
  }
}

describe('loopback and cluster-local hosts', () => {
  it('loopback: 127.0.0.0/8, ::1 in any spelling, IPv4-mapped loopback, localhost', () => {
    for (const h of ['127.0.0.1', '127.9.8.7', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['localhost', 'LOCALHOST.', 'api.localhost']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'gslb.example.net', 'localhost.example.net'])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it('cluster-local: Kubernetes Service names only', () => {
    for (const h of ['geofailover-api.geofailover.svc', 'a.b.svc.cluster.local', 'a.b.svc.'])
      expect(isClusterLocalHost(h), h).toBe(true);
    for (const h of ['svc', 'geofailover-api', 'a.svc.example.net', 'cluster.local'])
      expect(isClusterLocalHost(h), h).toBe(false);
  });
});

describe('controller.listen', () => {
  const controller = (listen: string, extra: Record<string, unknown> = {}) =>
    ({ listen, ...extra }) as Parameters<typeof plaintextListenProblem>[0];

  it('refuses an address beyond loopback without tls, naming the fixes', () => {
    for (const l of ['0.0.0.0:8080', '[::]:8080', '10.1.2.3:8080', 'gslb.example.net:8080'])
      expect(plaintextListenProblem(controller(l)), l).toMatch(/beyond loopback without controller\.tls/);
    expect(plaintextListenProblem(controller('0.0.0.0:8080'))).toContain('controller.allowPlaintext: true');
  });

  it('allows loopback, tls, or an explicit allowPlaintext', () => {
    for (const l of ['127.0.0.1:8080', '[::1]:8080', 'localhost:8080'])
      expect(plaintextListenProblem(controller(l)), l).toBeUndefined();
    expect(plaintextListenProblem(controller('0.0.0.0:8443', { tls: {} }))).toBeUndefined();
    expect(plaintextListenProblem(controller('0.0.0.0:8080', { allowPlaintext: true }))).toBeUndefined();
    expect(plaintextListenProblem(controller('0.0.0.0:8080', { allowPlaintext: false }))).toBeDefined();
  });

  it('validate names the file, line and field; allowPlaintext: true makes the same config valid', () => {
    const refused = problems(base('controller:\n  listen: "0.0.0.0:8080"\n'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/^9: controller\.listen: "0\.0\.0\.0:8080" is beyond loopback/);
    expect(problems(base('controller:\n  listen: "0.0.0.0:8080"\n  allowPlaintext: true\n'))).toEqual([]);
  });
});

describe('controller URLs', () => {
  it('refuses http:// beyond loopback and the cluster; https://, loopback, *.svc and allowPlaintext pass', () => {
    expect(plaintextUrlProblem('http://gslb.example.net:8080', undefined)).toMatch(
      /plain HTTP to gslb\.example\.net, which is neither loopback nor cluster-local/,
    );
    expect(plaintextUrlProblem('http://10.0.0.5:8080', false)).toBeDefined();
    for (const u of [
      'https://gslb.example.net:8443',
      'http://127.0.0.1:8080',
      'http://[::1]:8080',
      'http://localhost:8080',
      'http://geofailover-api.geofailover.svc:8080',
      'http://geofailover-controller-0.geofailover-controller-peers.geofailover.svc.cluster.local:8080',
    ])
      expect(plaintextUrlProblem(u, undefined), u).toBeUndefined();
    expect(plaintextUrlProblem('http://10.0.0.5:8080', true)).toBeUndefined();
  });

  it('validate refuses each plain entry at its line; the object form with allowPlaintext: true passes', () => {
    const text = base(
      'controllers:\n  - "http://gslb.example.net:8080"\n  - { url: "http://10.0.0.5:8080", allowPlaintext: true }\n  - "http://203.0.113.7:8080"\n',
    );
    const refused = problems(text);
    expect(refused.map((p) => p.split(': ').slice(0, 2).join(': '))).toEqual([
      '9: controllers[0]',
      '11: controllers[2]',
    ]);
  });

  it("the demo's generated config (loopback only) is not affected", () => {
    const targets = DEMO_LAYOUT.flatMap((r) =>
      r.endpoints.map((e, j) => ({ endpoint: e.id, host: e.address, port: 40000 + j })),
    );
    const yaml = demoConfigYaml({ targets, controllerPort: 8080, dnsPort: 5353, stateDir: '/tmp/x' });
    expect(problems(yaml)).toEqual([]);
  });
});
