// Where each check kind connects when it probes one family of a dual-stack endpoint: that family's
// address, whatever host its config names; the URL's or `host`'s name stays the name it asks for.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/index.ts';
import { checkKinds } from '../../../src/probe/checks/index.ts';
import { compileAgentChecks } from '../../../src/probe/index.ts';

/** One check of every kind, naming a host of its own where it can: none may connect there. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  http: { kind: 'http', url: 'http://app.example.com/healthz' },
  https: { kind: 'https', url: 'https://app.example.com/healthz' },
  tcp: { kind: 'tcp', host: 'lb.example.net', port: 443 },
  dns: { kind: 'dns', server: '198.51.100.53:53', name: 'example.com' },
  tls: { kind: 'tls', host: 'app.example.com', port: 443 },
  grpc: { kind: 'grpc', host: 'api.example.com', port: 50051 },
};

function checksOf(check: Record<string, unknown>, several?: Record<string, unknown>[]) {
  const config = configSchema.parse({
    owner: 't',
    regions: [
      {
        id: 'r1',
        endpoints: [
          {
            id: 'e1',
            addresses: { ipv4: '192.0.2.10', ipv6: '2001:db8::10' },
            ...(several ? { checks: several } : { check }),
          },
        ],
      },
    ],
    probers: [{ id: 'p1', keyEnv: 'K1' }],
    providers: { m: { kind: 'memory' } },
  });
  const { endpoints } = compileAgentChecks(config, 'p1');
  for (const e of endpoints) e.check.close?.();
  return endpoints.map((e) => [e.endpoint, e.family, e.check.description]);
}

describe('a dual-stack endpoint: one check per family, aimed at its address', () => {
  it("every check kind connects to each family's address (a new kind must honour CheckTarget.family)", () => {
    for (const kind of checkKinds) {
      const sample = SAMPLES[kind];
      expect(
        sample,
        `add a sample of check kind ${kind} here, and make it connect to target.address when target.family is set`,
      ).toBeDefined();
      const got = checksOf(sample!);
      expect(
        got.map(([, f]) => f),
        kind,
      ).toEqual(['ipv4', 'ipv6']);
      expect(got[0]![2], kind).toContain('192.0.2.10');
      expect(got[1]![2], kind).toContain('2001:db8::10');
    }
  });

  it('http keeps its URL and connects to each address', () => {
    expect(checksOf({ kind: 'https', url: 'https://app.example.com:8443/healthz' })).toEqual([
      ['e1', 'ipv4', 'https GET https://app.example.com:8443/healthz via 192.0.2.10'],
      ['e1', 'ipv6', 'https GET https://app.example.com:8443/healthz via 2001:db8::10'],
    ]);
  });

  it('tcp connects to each address on its port, whatever its host', () => {
    expect(checksOf({ kind: 'tcp', host: 'lb.example.net', port: 443 })).toEqual([
      ['e1', 'ipv4', 'tcp 192.0.2.10:443'],
      ['e1', 'ipv6', 'tcp 2001:db8::10:443'],
    ]);
  });

  it('dns asks each address on the port of its server', () => {
    expect(checksOf({ kind: 'dns', server: '192.0.2.53:5353', name: 'example.com' })).toEqual([
      ['e1', 'ipv4', 'dns example.com A @192.0.2.10:5353'],
      ['e1', 'ipv6', 'dns example.com A @2001:db8::10:5353'],
    ]);
  });

  it('tls connects to each address and checks the certificate for its host name', () => {
    expect(checksOf({ kind: 'tls', host: 'app.example.com', port: 443 })).toEqual([
      ['e1', 'ipv4', 'tls 192.0.2.10:443 app.example.com'],
      ['e1', 'ipv6', 'tls 2001:db8::10:443 app.example.com'],
    ]);
  });

  it('grpc over TLS connects to each address; its host name is the server name', () => {
    const got = checksOf({ kind: 'grpc', host: 'api.example.com', port: 50051, tls: true });
    expect(got.map(([, f]) => f)).toEqual(['ipv4', 'ipv6']);
    expect(got[1]![2]).toMatch(/^grpc 2001:db8::10:50051 /);
  });

  it('several checks: the combined check runs once per family, each part against that address', () => {
    const got = checksOf({}, [
      { kind: 'tcp', port: 443 },
      { kind: 'https', url: 'https://app.example.com/healthz' },
    ]);
    expect(got.map(([, f]) => f)).toEqual(['ipv4', 'ipv6']);
    expect(got[0]![2]).toContain('tcp 192.0.2.10:443');
    expect(got[1]![2]).toContain('tcp 2001:db8::10:443');
    expect(got[1]![2]).toContain('via 2001:db8::10');
  });
});
