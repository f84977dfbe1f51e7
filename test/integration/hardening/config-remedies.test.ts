// Every config error ends with a remedy that says what to do about that error: a missing or
// unreadable config file, a directory given as the file, unset secret variables (named, with how to
// set them). "fix the lines named above" is kept for errors that do name lines to fix.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGeofailover } from '../../helpers/cli.ts';
import { controllerYaml } from '../../helpers/controller-config.ts';
import { HostileTally } from '../../helpers/hostile.ts';

const tally = new HostileTally('config-remedies');
afterAll(() => tally.record());

const dir = mkdtempSync(join(tmpdir(), 'gf-remedies-'));
const cli = (args: string[], env: Record<string, string> = {}) =>
  runGeofailover(args, { PATH: process.env.PATH, ...env });
const remedyOf = (stderr: string) => /^ {2}remedy: (.*)$/m.exec(stderr)?.[1] ?? '';

describe('config error remedies', () => {
  const MISSING: [string, string[], RegExp][] = [
    [
      'validate, a file that does not exist',
      ['validate', '--config', join(dir, 'nowhere.yaml')],
      /^check the path \(.*nowhere\.yaml\), or start from a copy of config\/example\.yaml/,
    ],
    [
      'plan, a file that does not exist',
      ['plan', '--config', join(dir, 'nowhere.yaml')],
      /^check the path \(.*nowhere\.yaml\), or start from a copy of config\/example\.yaml/,
    ],
    [
      'validate, a directory',
      ['validate', '--config', dir],
      /^give the path of the YAML config file, not of a directory/,
    ],
  ];
  it.each(MISSING)('%s: exit 2 and a remedy about the file', async (_what, args, remedy) => {
    const run = await cli(args);
    const ok =
      run.code === 2 &&
      remedy.test(remedyOf(run.stderr)) &&
      !run.stderr.includes('fix the lines named above');
    tally.add(ok);
    expect(run.code).toBe(2);
    expect(remedyOf(run.stderr)).toMatch(remedy);
    expect(run.stderr).not.toContain('fix the lines named above');
  });

  it('validate --check-env with unset variables: the remedy names each one and how to set it', async () => {
    const file = join(dir, 'secrets.yaml');
    const yaml = controllerYaml({
      owner: 'remedies',
      stateDir: join(dir, 'state'),
      controller: { tokenEnv: 'API_TOKEN' },
    });
    writeFileSync(file, yaml);
    const run = await cli(['validate', '--config', file, '--check-env'], { K3: 'k'.repeat(40) });
    const want =
      'export K1, K2 and API_TOKEN where geofailover runs (a new key or token: openssl rand -hex 32), or name a file with the secret instead: keyFile for a prober';
    tally.add(run.code === 2 && remedyOf(run.stderr) === want);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('environment variable K1 is not set');
    expect(remedyOf(run.stderr)).toBe(want);
  });

  it('a schema error still says to fix the lines it names', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'owner: [not, an, id]\n');
    const run = await cli(['validate', '--config', file]);
    expect(run.code).toBe(2);
    expect(remedyOf(run.stderr)).toMatch(/^fix the lines named above/);
  });
});
