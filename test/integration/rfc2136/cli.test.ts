// The geofailover CLI (a real child process) on an rfc2136 provider pointing at a knotd started here:
// validate warns about weighted, plan -> apply -> plan --expect-no-changes, a failover by --assume, the
// TSIG secret from a file, and a missing secret exiting with one message naming the variable. The
// secret never appears in the output.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGeofailover } from '../../helpers/cli.ts';
import { RECORDS, REGIONS } from './helpers.ts';
import { hasBinary, KEY_NAME, kdigAxfr, type RunningServer, startKnot } from './servers.ts';

const skip = !hasBinary('knotd') || !hasBinary('kdig');
if (skip) console.warn('skipping rfc2136 CLI tests: knotd or kdig is not installed');

describe.skipIf(skip)('geofailover CLI on an rfc2136 provider (knotd)', () => {
  let server: RunningServer;
  let dir: string;

  beforeAll(async () => {
    server = await startKnot();
    dir = mkdtempSync(join(tmpdir(), 'gf-rfc2136-cli-'));
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function writeConfig(tsig: Record<string, string>): string {
    const file = join(dir, `config-${Object.keys(tsig).join('-')}.yaml`);
    writeFileSync(
      file,
      JSON.stringify({
        owner: 'shop',
        regions: REGIONS,
        providers: {
          knot: {
            kind: 'rfc2136',
            server: server.address,
            tsig: { name: KEY_NAME, algorithm: server.algorithm, ...tsig },
          },
        },
        zones: [{ name: 'example.com', provider: 'knot', records: [RECORDS.failover, RECORDS.weighted] }],
        controller: { stateDir: join(dir, 'state') },
      }),
    );
    return file;
  }

  const cli = (args: string[], env: Record<string, string> = {}) =>
    runGeofailover(args, { PATH: process.env.PATH, HOME: dir, ...env });

  it('validate, plan, apply, a failover by --assume, and plan --expect-no-changes', async () => {
    const config = writeConfig({ secretEnv: 'GF_TSIG' });
    const env = { GF_TSIG: server.secret };
    const valid = await cli(['validate', '--config', config], env);
    expect(valid.code).toBe(0);
    expect(valid.stderr).toMatch(/warning: .*records\[1\]\.policy\.weights: standard DNS has no weights/);

    const planned = await cli(['plan', '--config', config], env);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/\+ create .*app\.example\.com/);
    const applied = await cli(['apply', '--config', config], env);
    expect(applied.code).toBe(0);
    const down = await cli(['apply', '--config', config, '--assume', 'us-east=down'], env);
    expect(down.code).toBe(0);
    expect((await kdigAxfr(server)).filter((l) => l.startsWith('app.example.com. A'))).toEqual([
      'app.example.com. A 198.51.100.10',
    ]);
    const again = await cli(
      ['plan', '--config', config, '--assume', 'us-east=down', '--expect-no-changes'],
      env,
    );
    expect(again.code).toBe(0);
    for (const out of [valid, planned, applied, down, again])
      expect(out.stdout + out.stderr).not.toContain(server.secret);
  });

  it('reads the secret from a file; an unset secret variable is one error naming it', async () => {
    const secretFile = join(dir, 'tsig.secret');
    writeFileSync(secretFile, `${server.secret}\n`, { mode: 0o600 });
    const fromFile = await cli(['plan', '--config', writeConfig({ secretFile }), '--expect-no-changes']);
    // The key from the file reads the zone: the plan is made (us-east is up again here, so it would
    // undo the first test's failover) and only --expect-no-changes fails.
    expect(fromFile.code).toBe(4);
    expect(fromFile.stderr).toMatch(/--expect-no-changes: the plan has \d+ change/);
    const missing = await cli(['plan', '--config', writeConfig({ secretEnv: 'GF_TSIG_UNSET' })]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /providers\.knot\.tsig\.secretEnv: environment variable GF_TSIG_UNSET is not set/,
    );
    // End where the first test left the zone: planning with its states finds nothing to do.
    const end = await cli([
      'plan',
      '--config',
      writeConfig({ secretFile }),
      '--assume',
      'us-east=down',
      '--expect-no-changes',
    ]);
    expect(end.code).toBe(0);
  });
});
