// Test helper: each hostile-input suite records how many hostile inputs it tried and how many the
// system held against (refused cleanly, no crash, nothing changed). scripts/hostile-summary.ts sums
// them into CI's "hostile inputs: N tried, N held" line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, '../../test-artifacts/hostile');

export function recordHostile(suite: string, tried: number, held: number): void {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, `${suite}.json`), `${JSON.stringify({ suite, tried, held })}\n`);
}

/** A tally to count inputs as a suite goes, then record once. */
export class HostileTally {
  tried = 0;
  held = 0;
  constructor(private readonly suite: string) {}
  add(held: boolean): boolean {
    this.tried++;
    if (held) this.held++;
    return held;
  }
  record(): void {
    recordHostile(this.suite, this.tried, this.held);
  }
}
