// config/schema.json is generated from the zod schema (`npm run schema`); this fails when it is stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSchemaJson } from '../../../scripts/schema-json.ts';

const file = join(import.meta.dirname, '../../../config/schema.json');

describe('config/schema.json', () => {
  it('matches the zod schema (run `npm run schema` after changing src/config/schema.ts)', () => {
    expect(readFileSync(file, 'utf8')).toBe(renderSchemaJson());
  });

  it('describes the input form: durations are strings, unknown keys are refused', () => {
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    expect(schema.required).toEqual(['owner', 'regions', 'providers']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.health.properties.interval.type).toBe('string');
  });
});
