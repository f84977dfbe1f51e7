// The check registry: every kind listed once, each with a schema keyed by its own kinds, and the
// config's endpoint `check` accepts exactly the registered kinds (in zod and in config/schema.json).
import { describe, expect, it } from 'vitest';
import { renderSchemaJson } from '../../../scripts/schema-json.ts';
import { configSchema } from '../../../src/config/index.ts';
import { checkDefinitionOf, checkDefinitions, checkKinds } from '../../../src/probe/checks/index.ts';

/** A config whose one endpoint has `check`; the rest is valid. */
const withCheck = (check: unknown) => ({
  owner: 't',
  regions: [{ id: 'r1', endpoints: [{ id: 'e1', address: '192.0.2.1', check }] }],
  providers: { m: { kind: 'memory' } },
});
const CHECK_PATH = ['regions', 0, 'endpoints', 0, 'check', 'kind'];

describe('check registry', () => {
  it('lists each kind once', () => {
    const listed = checkDefinitions.flatMap((d) => d.kinds);
    for (const k of listed) expect(k).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(new Set(listed).size).toBe(listed.length);
    expect(checkKinds).toEqual(listed);
    for (const k of checkKinds) expect(checkDefinitionOf(k).kinds).toContain(k);
  });

  it("each definition's schema takes the kinds it lists and no other", () => {
    for (const d of checkDefinitions) {
      for (const k of checkKinds) {
        const issues = d.schema.safeParse({ kind: k }).error?.issues ?? [];
        const kindRefused = issues.some((i) => i.path.length === 1 && i.path[0] === 'kind');
        expect(kindRefused, `${d.kinds.join('/')} schema and kind ${k}`).toBe(!d.kinds.includes(k));
      }
    }
  });

  it('the config accepts exactly the registered kinds', () => {
    const refused = configSchema.safeParse(withCheck({ kind: 'smtp' })).error?.issues ?? [];
    const discriminator = refused.find((i) => i.path.join('.') === CHECK_PATH.join('.'));
    expect(discriminator?.code).toBe('invalid_union');
    expect((discriminator as { options?: unknown } | undefined)?.options).toEqual(checkKinds);
    for (const kind of checkKinds) {
      const issues = configSchema.safeParse(withCheck({ kind })).error?.issues ?? [];
      expect(
        issues.filter((i) => i.path.join('.') === CHECK_PATH.join('.')),
        kind,
      ).toEqual([]);
    }
  });

  it('config/schema.json offers exactly the registered kinds', () => {
    const doc = JSON.parse(renderSchemaJson());
    const check = doc.properties.regions.items.properties.endpoints.items.properties.check;
    const offered = (check.oneOf ?? check.anyOf).flatMap(
      (o: { properties: { kind: { const?: string; enum?: string[] } } }) =>
        o.properties.kind.enum ?? [o.properties.kind.const],
    );
    expect(offered).toEqual(checkKinds);
  });

  it('an unknown kind is a clear error naming the registered ones', () => {
    let message = '';
    try {
      checkDefinitionOf('smtp');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^unknown check kind "smtp" \(use .+ or [a-z0-9-]+\)$/);
    for (const k of checkKinds) expect(message).toContain(k);
  });
});
