// The `signals:` config: defaults (fall/rise from health, whenMissing by kind), and the cross checks
// that are warnings or need several parts (tokens of a wider role, a signal token nobody uses, a
// timeout longer than the interval, expireAfter within the interval, a label-mapped target).
import { describe, expect, it } from 'vitest';
import { configSchema, configWarnings, parseConfig } from '../../../src/config/index.ts';

const base = (signals: string, tokens = '[{ name: am, role: signal, tokenEnv: AM }]') => `
owner: shop
regions:
  - { id: us-east, endpoints: [{ id: use-a, address: 192.0.2.10, check: { kind: tcp, port: 443 } }] }
probers: [{ id: p1, keyEnv: K1 }]
health: { minProbers: 1, interval: 5s }
providers: { local: { kind: builtin } }
controller: { tokenEnv: API_TOKEN, tokens: ${tokens} }
signals:
${signals}
`;

function problems(text: string): string[] {
  try {
    parseConfig(text, 'c.yaml');
    return [];
  } catch (err) {
    return (err as { problems: { path: string; message: string }[] }).problems.map(
      (p) => `${p.path}: ${p.message}`,
    );
  }
}

describe('signals config', () => {
  it('defaults: veto, whenMissing last (prometheus) or up (push), fall/rise left to health', () => {
    const c = parseConfig(
      base(`  - { name: e, kind: prometheus, url: "http://p:9090", query: up, downWhen: { op: "<", value: 1 }, region: us-east }
  - { name: l, kind: push, tokens: [am], endpoint: use-a }
  - { name: a, kind: alertmanager, match: { alertname: X }, regionLabel: region, tokens: [am] }`),
    );
    expect(c.signals[0]).toMatchObject({ effect: 'veto', whenMissing: 'last' });
    expect(c.signals[0]!.fall).toBeUndefined();
    expect(c.signals[1]).toMatchObject({ whenMissing: 'up', maxExpiresIn: 3_600_000 });
    expect(c.signals[2]).toMatchObject({ expireAfter: 3_600_000 });
    expect(configSchema.shape.signals).toBeDefined();
  });

  it('refuses timings that cannot work and a target given twice or not at all', () => {
    expect(
      problems(
        base(`  - { name: e, kind: prometheus, url: "http://p:9090", query: up, downWhen: { op: "<", value: 1 }, region: us-east, interval: 2s, timeout: 3s }
  - { name: a, kind: alertmanager, match: { alertname: X }, tokens: [am], expireAfter: 5s }
  - { name: a, kind: alertmanager, match: { alertname: X }, region: us-east, regionLabel: region, tokens: [am] }`),
      ),
    ).toEqual([
      'signals[0].timeout: timeout (3000 ms) must not be longer than the interval (2000 ms): queries would pile up',
      'signals[1]: a signal speaks for one target: give exactly one of region, endpoint, regionLabel or endpointLabel',
      "signals[1].expireAfter: expireAfter (5000 ms) must be longer than the interval (5000 ms), and longer than Alertmanager's repeat_interval",
      'signals[2].name: duplicate signal name "a"',
      'signals[2]: a signal speaks for one target: give exactly one of region, endpoint, regionLabel or endpointLabel',
    ]);
  });

  it('warns of a token with a wider role and of a signal token no signal names', () => {
    const text = base(
      '  - { name: l, kind: push, tokens: [admin], region: us-east }',
      '[{ name: am, role: signal, tokenEnv: AM }]',
    );
    const warnings = configWarnings(parseConfig(text), text).filter((w) => w.path !== 'zones');
    expect(warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      'signals[0].tokens[0]: token "admin" has role admin: a sender holding it can do more than deliver this signal; give the sender its own token with role signal',
      'controller.tokens[0].role: token "am" has role signal but no signal names it in tokens: it can do nothing',
    ]);
  });
});
