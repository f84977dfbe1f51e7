// The hostile-input suites: every invalid config, hostile report, API input and DNS packet
// the project is tested against, run as one step; each suite records how many inputs it tried and how
// many were held, and scripts/hostile-summary.ts prints CI's "hostile inputs: N tried, N held".
import { defineConfig } from 'vitest/config';

export const HOSTILE_SUITES = [
  'test/unit/config/invalid-fixtures.test.ts',
  'test/integration/reports/reports.test.ts',
  'test/integration/dns/fuzz.test.ts',
  'test/integration/hardening/**/*.test.ts',
];

export default defineConfig({
  test: {
    include: HOSTILE_SUITES,
    // The CLI the tests run is the compiled one: rebuild it first when a source changed.
    globalSetup: ['test/helpers/build-if-stale.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: 'test-artifacts/vitest-hostile-report.json' }]]
      : ['default'],
  },
});
