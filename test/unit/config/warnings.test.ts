// Config warnings: printed by validate, never making a config invalid.
import { describe, expect, it } from 'vitest';
import { configWarnings, parseConfig } from '../../../src/config/index.ts';

const noZones = `owner: t
regions:
  - id: a
    endpoints: [{ id: a1, address: 192.0.2.1, check: { kind: tcp, port: 80 } }]
providers:
  local: { kind: builtin }
`;

describe('config warnings', () => {
  it('a config with no zones is valid but warned about, with its line', () => {
    const config = parseConfig(noZones, 'x.yaml');
    expect(configWarnings(config, noZones)).toEqual([
      {
        path: 'zones',
        line: 1,
        message: 'no zones: the controller will check health but publish nothing; add a zone with records',
      },
    ]);
  });

  it('a config with zones has no such warning', () => {
    const text = `${noZones}zones:\n  - { name: example.com, provider: local, records: [] }\n`;
    expect(configWarnings(parseConfig(text, 'x.yaml'), text)).toEqual([]);
  });

  it('a one-shot maintenance window in the past is a warning (a config must not expire), not an error', () => {
    const text = `${noZones}maintenance:\n  - region: a\n    reason: old\n    start: "2020-01-01T00:00:00Z"\n    duration: 1h\n`;
    const warnings = configWarnings(parseConfig(text, 'x.yaml'), text);
    expect(warnings).toContainEqual({
      path: 'maintenance[0].start',
      line: 10,
      message: 'this window ended at 2020-01-01T01:00:00.000Z, in the past: it has no effect; remove it',
    });
  });

  it("a dual-stack endpoint's tcp host or dns server host is warned about: the check connects to each family's address", () => {
    const text = `owner: t
regions:
  - id: a
    endpoints:
      - id: a1
        addresses: { ipv4: 192.0.2.1, ipv6: "2001:db8::1" }
        check: { kind: tcp, host: lb.example.net, port: 80 }
      - id: a2
        addresses: { ipv6: "2001:db8::2" }
        check: { kind: dns, server: "192.0.2.53:5353", name: example.com }
providers:
  local: { kind: builtin }
zones:
  - { name: example.com, provider: local, records: [] }
`;
    expect(configWarnings(parseConfig(text, 'x.yaml'), text)).toEqual([
      {
        path: 'regions[0].endpoints[0].check.host',
        line: 7,
        message:
          'endpoint "a1" is dual-stack: its check runs on each family\'s address (192.0.2.1, 2001:db8::1), so host lb.example.net is not used; remove it',
      },
      {
        path: 'regions[0].endpoints[1].check.server',
        line: 10,
        message:
          'endpoint "a2" is dual-stack: its check runs on each family\'s address (2001:db8::2), so of server 192.0.2.53:5353 only the port is used: the query goes to each family\'s address on that port',
      },
    ]);
  });
});
