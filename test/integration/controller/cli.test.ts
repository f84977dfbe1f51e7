// The operator CLI against a running controller (real binary): status and events as tables and JSON,
// drain with --for and undrain with the token, and one clear error without it.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import type { StatusDoc } from '../../../src/api/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerConfig, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';

const run = promisify(execFile);
const TOKEN = 'cli-test-token-123';
let ctl: RunningController;

beforeAll(async () => {
  ctl = await startController({
    config: controllerConfig({
      owner: 'cli-test',
      stateDir: mkdtempSync(join(tmpdir(), 'gf-cli-')),
      controller: { tokenEnv: 'API_TOKEN' },
    }),
    env: { ...KEY_ENV, API_TOKEN: TOKEN },
    logger: silentLogger(),
    providers: new Map([['p', new MemoryProvider('p', 'cli-test')]]),
  });
  for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ['use-a', 'euw-a']);
  await ctl.reconcileNow();
}, 30_000);

afterAll(async () => {
  await ctl?.stop();
});

const cli = (args: string[], token?: string) =>
  run('node', ['bin/geofailover.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, GEOFAILOVER_API_TOKEN: token ?? '' },
  });

describe('operator CLI', () => {
  it('status prints regions, votes and answers as tables, and JSON on request', async () => {
    const { stdout } = await cli(['status', '--controller', ctl.url]);
    expect(stdout).toMatch(/REGION\s+STATUS\s+SINCE\s+ENDPOINTS UP/);
    expect(stdout).toMatch(/us-east\s+UP\s/);
    expect(stdout).toMatch(/use-a\s+us-east\s+UP\s+up\s+up\s+up/);
    expect(stdout).toMatch(/app\.example\.com\.\s+A\s+-\s+-\s+30\s+192\.0\.2\.10/);
    const json = JSON.parse(
      (await cli(['status', '--controller', ctl.url, '--output', 'json'])).stdout,
    ) as StatusDoc;
    expect(json.version).toBe(1);
    expect(json.regions.map((r) => r.id)).toEqual(['us-east', 'eu-west']);
  });

  it('drain --for moves traffic and shows in status and events; undrain returns it', async () => {
    const drained = await cli(
      [
        'drain',
        'us-east',
        '--controller',
        ctl.url,
        '--reason',
        'kernel upgrade',
        '--for',
        '2h',
        '--author',
        'alice',
      ],
      TOKEN,
    );
    expect(drained.stdout).toMatch(/^drained us-east until \d{4}-/);
    await ctl.reconcileNow();
    const { stdout } = await cli(['status', '--controller', ctl.url]);
    expect(stdout).toMatch(/us-east\s+DRAINED.*drained by alice: kernel upgrade \(until /);
    expect(stdout).toMatch(/app\.example\.com\..*198\.51\.100\.10/);
    const events = await cli(['events', '--controller', ctl.url, '--type', 'drain', 'apply']);
    expect(events.stdout).toMatch(/drain\s+us-east/);
    expect(events.stdout).toMatch(/apply\s+example\.com\./);
    const undrained = await cli(['undrain', 'us-east', '--controller', ctl.url], TOKEN);
    expect(undrained.stdout).toBe('undrained us-east\n');
    await ctl.reconcileNow();
    const after = JSON.parse(
      (await cli(['status', '--controller', ctl.url, '--output', 'json'])).stdout,
    ) as StatusDoc;
    expect(after.regions.find((r) => r.id === 'us-east')?.status).toBe('up');
  });

  it('a drain without the token is one clear error with exit 2, and a bad --for is caught before any call', async () => {
    const err = (await cli(['drain', 'eu-west', '--controller', ctl.url, '--reason', 'x']).catch(
      (e) => e,
    )) as {
      code: number;
      stderr: string;
    };
    expect(err.code).toBe(2);
    expect(err.stderr).toContain('controller answered 401');
    expect(err.stderr).toContain('GEOFAILOVER_API_TOKEN');
    expect(
      err.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('error:')),
    ).toHaveLength(1);
    const bad = (await cli(
      ['drain', 'eu-west', '--controller', ctl.url, '--reason', 'x', '--for', 'soon'],
      TOKEN,
    ).catch((e) => e)) as { code: number; stderr: string };
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--for soon is not a duration');
    const s = JSON.parse(
      (await cli(['status', '--controller', ctl.url, '--output', 'json'])).stdout,
    ) as StatusDoc;
    expect(s.regions.find((r) => r.id === 'eu-west')?.drain).toBeUndefined();
  });

  it('an unreachable controller is one clear error with exit 1', async () => {
    const err = (await cli(['status', '--controller', 'http://127.0.0.1:9']).catch((e) => e)) as {
      code: number;
      stderr: string;
    };
    expect(err.code).toBe(1);
    expect(err.stderr).toContain('cannot reach the controller at http://127.0.0.1:9');
  });
});
