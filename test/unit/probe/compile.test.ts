// Check definitions the agent cannot run are a config error at start-up, naming each one.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/index.ts';
import { UsageError } from '../../../src/model/index.ts';
import { compileAgentChecks, compileCheck, ProbeAgent } from '../../../src/probe/index.ts';

function config(check: unknown, extra: Record<string, unknown> = {}) {
  return configSchema.parse({
    owner: 't',
    regions: [{ id: 'r1', endpoints: [{ id: 'e1', address: '127.0.0.1', check }] }],
    probers: [{ id: 'a', keyEnv: 'KA' }],
    controllers: ['http://127.0.0.1:9'],
    providers: { m: { kind: 'memory' } },
    ...extra,
  });
}

describe('check compilation', () => {
  it('compiles every kind', () => {
    const c = config({ kind: 'http', url: 'http://[::1]:8080/healthz?x=1' });
    const { endpoints } = compileAgentChecks(c, 'a');
    expect(endpoints[0]!.check.description).toBe('http GET http://[::1]:8080/healthz?x=1');
    expect(compileCheck({ kind: 'tcp', port: 22 }, '10.0.0.1', 1000).description).toBe('tcp 10.0.0.1:22');
    expect(
      compileCheck({ kind: 'dns', name: 'x.', type: 'A', server: '[::1]:53' }, 'h', 1000).description,
    ).toBe('dns x. A @::1:53');
  });

  it('refuses a kind/scheme mismatch, credentials in the URL and unknown kinds with a UsageError', () => {
    const bad = config({ kind: 'https', url: 'http://127.0.0.1/' });
    expect(() => compileAgentChecks(bad, 'a')).toThrow(UsageError);
    expect(() => compileAgentChecks(bad, 'a')).toThrow(
      /regions\[0\]\.endpoints\[0\]\.check \(e1\): check kind is https/,
    );
    expect(() => compileAgentChecks(config({ kind: 'http', url: 'http://u:p@127.0.0.1/' }), 'a')).toThrow(
      /credentials/,
    );
    expect(() => compileCheck({ kind: 'smtp' } as never, 'x', 1000)).toThrow(/unknown check kind "smtp"/);
  });

  it('the agent refuses an unknown prober (listing the known ones) and a config without controllers', () => {
    const c = config({ kind: 'tcp', port: 1 });
    let err: unknown;
    try {
      new ProbeAgent({ config: c, proberId: 'zz', key: 'k' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).describe()).toMatch(
      /unknown prober "zz"[\s\S]*use one of the configured probers: a/,
    );
    expect((err as UsageError).exitCode).toBe(2);
    const none = config({ kind: 'tcp', port: 1 }, { controllers: [] });
    expect(() => new ProbeAgent({ config: none, proberId: 'a', key: 'k' })).toThrow(
      /no controllers configured/,
    );
  });
});
