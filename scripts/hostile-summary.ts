// Sums what the hostile-input suites recorded (test-artifacts/hostile/*.json) and prints CI's line
// `hostile inputs: N tried, N held`, one line per suite before it. Exits 1 when any input was not held
// or no suite recorded anything (a step that counted nothing proves nothing).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '../test-artifacts/hostile');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
let tried = 0;
let held = 0;
for (const f of files.sort()) {
  const r = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { suite: string; tried: number; held: number };
  console.log(`  ${r.suite}: ${r.tried} tried, ${r.held} held`);
  tried += r.tried;
  held += r.held;
}
console.log(`hostile inputs: ${tried} tried, ${held} held`);
process.exit(files.length > 0 && tried === held ? 0 : 1);
