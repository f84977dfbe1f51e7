// The geofailover CLI against the fake Azure API, through the provider factory and the environment:
// plan writes nothing, apply writes, a failover applies, then --expect-no-changes exits 0; a wrong
// client secret exits 1 without printing it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runGeofailover } from '../../helpers/cli.ts';
import { cert, configDoc, type Env, failover, SECRET_ENV, SP, startEnv } from './harness.ts';

const run = (args: string[], secret: string) =>
  runGeofailover(args, { ...process.env, GEOFAILOVER_LOG_LEVEL: 'error', [SECRET_ENV]: secret });

describe.skipIf(!cert)('geofailover CLI with an azure provider', () => {
  let env: Env;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    env = await startEnv();
    dir = mkdtempSync(join(tmpdir(), 'gf-az-cli-'));
    file = join(dir, 'config.yaml');
    writeFileSync(file, stringify(configDoc(env, [failover('app.example.com', ['us-east', 'eu-west'])])));
  });
  afterAll(async () => {
    await env.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plan writes nothing; apply writes; a failover applies; then no changes', async () => {
    const writes = () => env.fake.calls.filter((c) => c.method === 'PUT' || c.method === 'DELETE').length;
    const planned = await run(['plan', '--config', file], SP.secret);
    expect(planned.code).toBe(0);
    expect(planned.output).toContain('app.example.com');
    expect(writes()).toBe(0);
    expect((await run(['apply', '--config', file], SP.secret)).code).toBe(0);
    expect(writes()).toBe(2);
    expect((await run(['apply', '--config', file, '--assume', 'us-east=down'], SP.secret)).code).toBe(0);
    expect(writes()).toBe(3);
    expect(
      (await run(['plan', '--config', file, '--assume', 'us-east=down', '--expect-no-changes'], SP.secret))
        .code,
    ).toBe(0);
  }, 90_000);

  it('a wrong client secret exits 1 with the Entra ID reason, without printing the secret', async () => {
    const r = await run(['plan', '--config', file], 'not-the-secret-xyz');
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/could not get an Azure token \(AADSTS7000215/);
    expect(r.output).not.toContain('not-the-secret-xyz');
  }, 60_000);
});
