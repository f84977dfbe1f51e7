// `plan --assume` and `plan --at` with the last resort (the real binary on a copy of
// config/example.yaml, state in a temp dir): eu-west out and us-east down leave www's EU and default
// rules to ap-south, the plan's `because` says so, stderr warns about the rules left without an UP
// region of their own, and `fallback: none` gives the old fail-open answer back.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGeofailover } from '../../helpers/cli.ts';

const root = join(import.meta.dirname, '../../..');
const example = readFileSync(join(root, 'config/example.yaml'), 'utf8');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'geofailover-fallback-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(edit: (text: string) => string = (t) => t): string {
  const text = edit(example).replace('stateDir: ./state', `stateDir: ${JSON.stringify(join(dir, 'state'))}`);
  const file = join(dir, 'geofailover.yaml');
  writeFileSync(file, text);
  return file;
}

const plan = (config: string, ...args: string[]) =>
  runGeofailover(['plan', '--config', config, ...args], { ...process.env, NO_COLOR: '1' });

interface JsonPlan {
  zones: {
    changes: {
      name: string;
      setId?: string;
      after?: { values: string[] };
      reason: { code: string; detail?: string };
    }[];
  }[];
}

const ASSUME = ['--assume', 'eu-west=drained', '--assume', 'us-east=down'];
const EU_BECAUSE = 'eu-west is DRAINED and us-east is DOWN; fallback ap-south (any-up)';

describe('plan with the last resort', () => {
  it('--assume: www answers ap-south to EU and default clients, says why, and warns', async () => {
    const config = writeConfig();
    const text = await plan(config, ...ASSUME);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      `+ create www.example.com. A [continent-eu]  203.0.113.10 (ttl 30, geo continent=EU)  because ${EU_BECAUSE}`,
    );
    expect(text.stdout).toContain(
      '+ create www.example.com. A [default]  203.0.113.10 (ttl 30, geo default)  because us-east is DOWN and eu-west is DRAINED; fallback ap-south (any-up)',
    );
    expect(text.stderr).toContain(
      'warning: 2 rule(s) or record(s) have no UP region of their own with these region states:',
    );
    expect(text.stderr).toContain(
      `  www.example.com. A rule continent-eu [eu-west, us-east] has no UP region of its own: ${EU_BECAUSE} answers 203.0.113.10`,
    );

    const json = await plan(config, ...ASSUME, '--output', 'json');
    const changes = (JSON.parse(json.stdout) as JsonPlan).zones[0]!.changes.filter(
      (c) => c.name === 'www.example.com.',
    );
    expect(changes.map((c) => [c.setId, c.after?.values, c.reason])).toEqual([
      ['continent-as', ['203.0.113.10'], expect.objectContaining({ code: 'config' })],
      ['continent-eu', ['203.0.113.10'], { code: 'region-drained', region: 'eu-west', detail: EU_BECAUSE }],
      ['default', ['203.0.113.10'], expect.objectContaining({ code: 'region-down', region: 'us-east' })],
    ]);
  }, 60_000);

  it('fallback: none on the record gives the old answer back: us-east’s dead addresses, fail-open', async () => {
    const config = writeConfig((t) =>
      t.replace(
        '            - { match: default, regions: [us-east, eu-west] }',
        '            - { match: default, regions: [us-east, eu-west] }\n        fallback: none',
      ),
    );
    const r = await plan(config, ...ASSUME);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /\+ create www\.example\.com\. A \[continent-eu\] {2}192\.0\.2\.10, 192\.0\.2\.11 .* because every region of rule continent-eu \[eu-west, us-east\] is down \(fail-open\)/,
    );
    expect(r.stderr).toContain(
      'www.example.com. A rule continent-eu [eu-west, us-east] has no UP region of its own: every region of rule continent-eu [eu-west, us-east] is down (fail-open); it will answer 192.0.2.10, 192.0.2.11, addresses of regions that are not UP',
    );
  }, 60_000);

  it('--at: a maintenance window of the config, with us-east assumed down, warns for that time', async () => {
    const config = writeConfig(
      (t) =>
        `${t}\nmaintenance:\n  - { id: eu-patch, region: eu-west, reason: kernel, start: "2031-03-01T02:00:00Z", duration: 2h }\n`,
    );
    const r = await plan(config, '--at', '2031-03-01T02:30:00Z', '--assume', 'us-east=down');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'planning at 2031-03-01T02:30:00.000Z: in maintenance, planned as drained: eu-west',
    );
    expect(r.stderr).toContain(
      'warning: 2 rule(s) or record(s) have no UP region of their own at 2031-03-01T02:30:00.000Z:',
    );
    expect(r.stdout).toContain(`because ${EU_BECAUSE}`);
  }, 60_000);
});
