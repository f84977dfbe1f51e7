// Renders the config's JSON Schema text; shared by scripts/gen-schema.ts and the staleness test.
import { z } from 'zod';
import { configSchema } from '../src/config/index.ts';

export function renderSchemaJson(): string {
  // io: 'input' describes what a user writes (defaults optional, durations as strings), not the
  // parsed form; `unrepresentable: 'any'` keeps transforms (durations) from aborting generation.
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  const doc = { ...schema, title: 'geofailover configuration' };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
