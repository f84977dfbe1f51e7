// The policy registry: every kind listed once, the config schema accepts exactly the registered kinds
// (its union is built from the list), every kind has a decision, and the definitions stay light
// enough for src/config to load them (zod, the config fields and model only).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, policySchema } from '../../../src/config/index.ts';
import { decisionOf } from '../../../src/policy/decide.ts';
import { policyDefinitionOf, policyDefinitions } from '../../../src/policy/index.ts';

const kinds = policyDefinitions.map((d) => d.kind);

function configWith(policy: unknown): string {
  return JSON.stringify({
    owner: 'o',
    regions: [{ id: 'a', endpoints: [{ id: 'a1', address: '192.0.2.1', check: { kind: 'tcp', port: 80 } }] }],
    providers: { m: { kind: 'memory' } },
    zones: [
      {
        name: 'example.com',
        provider: 'm',
        records: [{ name: 'w.example.com', type: 'A', ttl: 30, policy }],
      },
    ],
  });
}

describe('policy registry', () => {
  it('lists each kind once under its own name', () => {
    for (const k of kinds) expect(k).toMatch(/^[a-z][a-z-]*$/);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(kinds).toEqual(['failover', 'weighted', 'geo', 'latency', 'proximity']);
  });

  it('the config schema accepts exactly the registered kinds', () => {
    const accepted = (policySchema.options as readonly { shape: { kind: { value: string } } }[]).map(
      (o) => o.shape.kind.value,
    );
    expect(accepted).toEqual(kinds);
    const json = JSON.parse(readFileSync(join(import.meta.dirname, '../../../config/schema.json'), 'utf8'));
    const text = JSON.stringify(json);
    for (const k of kinds) expect(text).toContain(`"const":"${k}"`);
    expect(() => parseConfig(configWith({ kind: 'round-robin', regions: ['a'] }), 'x.yaml')).toThrow(
      /x\.yaml:\d+: zones\[0\]\.records\[0\]\.policy\.kind/,
    );
  });

  it('a registered kind reaches validate through its definition: its regions and its own checks', () => {
    expect(() => parseConfig(configWith({ kind: 'failover', order: ['a', 'b'] }), 'x.yaml')).toThrow(
      /zones\[0\]\.records\[0\]\.policy\.order\[1\]: unknown region "b"/,
    );
    expect(() =>
      parseConfig(configWith({ kind: 'geo', rules: [{ match: { country: 'DE' }, regions: ['a'] }] })),
    ).toThrow(/policy\.rules: a geo policy needs a `match: default` rule/);
  });

  it('every kind has a decision and says which regions it names', () => {
    for (const d of policyDefinitions) {
      expect(typeof decisionOf(d.kind), d.kind).toBe('function');
      expect(policyDefinitionOf(d.kind)).toBe(d);
    }
    expect(() => policyDefinitionOf('round-robin')).toThrow(/no policy definition for kind "round-robin"/);
  });

  it('definitions import only zod, the config fields, model and each other', () => {
    const dir = join(import.meta.dirname, '../../../src/policy/kinds');
    const allowed =
      /^(zod|\.\.\/\.\.\/config\/fields\/index\.ts|\.\.\/\.\.\/model\/index\.ts|\.\/[a-z-]+\.ts)$/;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const [, from] of text.matchAll(/from '([^']+)'/g))
        expect(from, `${f} imports ${from}`).toMatch(allowed);
    }
  });
});
