// The provider registry: every kind listed once, its export name is its kind, its schema is keyed by
// that kind, and its lazy loader yields an adapter module with createProvider.
import { describe, expect, it } from 'vitest';
import { definitionOf, definitions } from '../../../providers/index.ts';

import { parseConfig } from '../../../src/config/index.ts';

describe('provider registry', () => {
  it('lists each kind once under its own name', () => {
    for (const d of definitions) expect(d.kind).toMatch(/^[a-z0-9]+$/);
    expect(new Set(definitions.map((d) => d.kind)).size).toBe(definitions.length);
  });

  it('loads an adapter module for every kind', async () => {
    for (const d of definitions)
      expect(typeof (await import(`../../../providers/${d.kind}/index.ts`)).createProvider).toBe('function');
  });

  it('an unknown kind is a clear error', () => {
    expect(() => definitionOf('bind')).toThrow(/no provider definition for kind "bind"/);
  });

  it("a kind's checks reach validate with the record's path", () => {
    const yaml = `owner: t
regions:
  - id: a
    endpoints: [{ id: a1, address: 192.0.2.1, check: { kind: tcp, port: 80 } }]
providers:
  cf: { kind: cloudflare, zoneId: 0123456789abcdef0123456789abcdef, apiTokenEnv: CF_TOKEN }
zones:
  - name: example.com
    provider: cf
    records:
      - { name: w.example.com, type: A, ttl: 60, policy: { kind: weighted, weights: { a: 1 } } }
`;
    expect(() => parseConfig(yaml, 'x.yaml')).toThrow(
      /x\.yaml:\d+: zones\[0\]\.records\[0\]\.policy\.kind: a weighted policy cannot be expressed by Cloudflare DNS records/,
    );
  });
});
