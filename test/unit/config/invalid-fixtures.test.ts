// Every config in test/fixtures/invalid must fail with exactly the problems its header names:
// `# expect: line N: PATH: MESSAGE`, one per problem, in order. `# check-env:` fixtures are valid
// YAML whose secrets are checked against an empty environment (what `validate --check-env` does).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, type ConfigProblem, parseConfig, secretProblems } from '../../../src/config/index.ts';
import { HostileTally } from '../../helpers/hostile.ts';

const dir = join(import.meta.dirname, '../../fixtures/invalid');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function problemsOf(text: string, file: string, checkEnv: boolean): ConfigProblem[] {
  try {
    const config = parseConfig(text, file);
    return checkEnv ? secretProblems(config, text, {}) : [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('invalid config fixtures', () => {
  it('has at least 25 fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
  });

  const tally = new HostileTally('invalid-configs');
  afterAll(() => tally.record());

  it.each(fixtures)('%s fails with the problems its header names', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const expected = [...text.matchAll(/^# expect: (.*)$/gm)].map((m) => m[1]);
    expect(expected.length, 'a fixture names at least one expected problem').toBeGreaterThan(0);
    const checkEnv = /^# check-env:/m.test(text);
    const actual = problemsOf(text, file, checkEnv).map((p) => `line ${p.line}: ${p.path}: ${p.message}`);
    tally.add(JSON.stringify(actual) === JSON.stringify(expected));
    expect(actual).toEqual(expected);
  });

  it.each(fixtures)('%s points each problem at a line that holds its key', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const lines = text.split('\n');
    for (const [, line, path, message] of text.matchAll(/^# expect: line (\d+): (\S+): (.*)$/gm)) {
      const last = /([A-Za-z][\w-]*)$/.exec(path!)?.[1];
      // YAML syntax errors, whole-item problems and absent keys name no key on their line.
      if (!last || path!.startsWith('(') || path!.endsWith(']') || message!.includes('is missing')) continue;
      expect(lines[Number(line) - 1], `${path} at line ${line}`).toContain(last);
    }
  });

  it('a ConfigError names the file, each line and a remedy', () => {
    const file = 'ttl-zero.yaml';
    const text = readFileSync(join(dir, file), 'utf8');
    const err = (() => {
      try {
        parseConfig(text, file);
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.exitCode).toBe(2);
    expect(err.describe()).toContain('ttl-zero.yaml:25: zones[0].records[0].ttl: ttl 0 is out of range');
    expect(err.describe()).toContain('remedy:');
  });
});
