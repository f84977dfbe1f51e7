// Test runner config: unit, integration (real servers) and e2e tests; JSON report for .ci/run.
import { defineConfig } from 'vitest/config';
import { HOSTILE_SUITES } from './test/hostile.vitest.config.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI the tests run is the compiled one: rebuild it first when a source changed.
    globalSetup: ['test/helpers/build-if-stale.ts'],
    // The chaos suite and the hostile-input suites run as their own steps (npm run test:chaos, test:hostile).
    exclude: ['test/e2e/chaos/**', 'node_modules/**', ...HOSTILE_SUITES],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: integration tests start real servers; keep parallelism modest so timings stay sane.
    maxWorkers: 2,
    // CI runs the main suite twice (the image's Node.js, the machine's): each names its own report.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: process.env.VITEST_JSON_REPORT ?? '.vitest-report.json' }]]
      : ['default'],
  },
});
