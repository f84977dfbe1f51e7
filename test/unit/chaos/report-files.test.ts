// A chaos run is recorded under test-artifacts/ only: its JSON and its timeline chart never touch a
// tracked file (a test run must leave `git status` clean; bench/run-all.ts copies figures over).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHAOS_RESULTS, newRun, writeRun } from '../../e2e/chaos/report.ts';

const root = join(import.meta.dirname, '../../..');
const status = () => execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' });

describe('chaos run record', () => {
  // An old date: this record never becomes the newest run that `npm run bench` reports.
  const run = { ...newRun({}), startedAt: '1999-01-01T00:00:00.000Z' };
  run.timeline = { title: 't', faultAt: 0, start: -1000, end: 1000, marks: [], lanes: [] };
  let file = '';
  afterAll(() => rmSync(file, { force: true }));

  it('writes its JSON and its SVG under test-artifacts/chaos and changes no tracked file', () => {
    const before = status();
    file = writeRun(run);
    expect(file).toBe(join(CHAOS_RESULTS, 'chaos-1999-01-01.json'));
    expect(CHAOS_RESULTS).toBe(join(root, 'test-artifacts/chaos'));
    expect(existsSync(join(CHAOS_RESULTS, 'failover-timeline.svg'))).toBe(true);
    expect(status()).toBe(before);
  });
});
