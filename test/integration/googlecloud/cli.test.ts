// The geofailover CLI against the fake Cloud DNS API, through the provider factory: plan writes
// nothing, apply writes one Change, a failover applies, then --expect-no-changes exits 0; a key file
// that does not exist exits 1 naming it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runGeofailover } from '../../helpers/cli.ts';
import { configDoc, type Env, failover, startEnv } from './harness.ts';

const run = (args: string[]) =>
  runGeofailover(args, {
    ...process.env,
    GEOFAILOVER_LOG_LEVEL: 'error',
    GOOGLE_APPLICATION_CREDENTIALS: '',
    METADATA_SERVER_DETECTION: 'none',
  });

describe('geofailover CLI with a googlecloud provider', () => {
  let env: Env;
  const file = (name: string, keyFile: string) => {
    const f = join(env.dir, name);
    writeFileSync(
      f,
      stringify(configDoc(env, [failover('app.example.com', ['us-east', 'eu-west'])], { keyFile })),
    );
    return f;
  };
  beforeAll(async () => {
    env = await startEnv();
  });
  afterAll(async () => env.stop());

  it('plan writes nothing; apply writes; a failover applies; then no changes', async () => {
    const cfg = file('ok.yaml', env.keyFile);
    const planned = await run(['plan', '--config', cfg]);
    expect(planned.code).toBe(0);
    expect(planned.output).toContain('app.example.com');
    expect(env.fake.count({ method: 'POST' })).toBe(0);
    expect((await run(['apply', '--config', cfg])).code).toBe(0);
    expect((await run(['apply', '--config', cfg, '--assume', 'us-east=down'])).code).toBe(0);
    expect(env.fake.count({ method: 'POST' })).toBe(2);
    expect(
      (await run(['plan', '--config', cfg, '--assume', 'us-east=down', '--expect-no-changes'])).code,
    ).toBe(0);
  }, 90_000);

  it('a key file that does not exist exits 1 naming it', async () => {
    const r = await run(['plan', '--config', file('bad.yaml', join(env.dir, 'missing.json'))]);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/cannot read the service-account key file .*missing\.json/);
  }, 60_000);
});
