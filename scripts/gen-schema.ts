// Writes config/schema.json (JSON Schema of the config's input form) from the zod schema in
// src/config/schema.ts, so editors can validate and complete YAML configs. `npm run schema`.
// A unit test (test/unit/config/schema-json.test.ts) fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSchemaJson } from './schema-json.ts';

const out = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'config', 'schema.json');
writeFileSync(out, renderSchemaJson());
console.log(`wrote ${out}`);
