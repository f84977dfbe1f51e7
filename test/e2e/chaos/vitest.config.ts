// The chaos suite's own runner config (`npm run test:chaos`): one file, one worker, long timeouts,
// and vitest's JSON report for .ci/run when CI is set. The main config excludes this folder.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../../..', import.meta.url).pathname,
    include: ['test/e2e/chaos/**/*.test.ts'],
    // The CLI the tests run is the compiled one: rebuild it first when a source changed.
    globalSetup: ['test/helpers/build-if-stale.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: 'test-artifacts/vitest-chaos-report.json' }]]
      : ['default'],
  },
});
