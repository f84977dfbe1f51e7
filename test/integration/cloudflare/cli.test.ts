// The geofailover CLI against the fake Cloudflare API: plan writes nothing, apply --assume fails a
// region over, plan --expect-no-changes then exits 0; a bad token exits 1 with the remedy, no secret.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { FakeCloudflare } from '../../fakes/cloudflare/index.ts';
import { runGeofailover } from '../../helpers/cli.ts';
import { ACCOUNT_ID, failover, REGIONS, startFake, TOKEN, TOKEN_ENV, ZONE_ID } from './harness.ts';

const run = (args: string[], env: Record<string, string>) =>
  runGeofailover(args, { ...process.env, ...env, GEOFAILOVER_LOG_LEVEL: 'error' });

describe('geofailover CLI with a cloudflare provider', () => {
  let fake: FakeCloudflare;
  let file: string;
  beforeAll(async () => {
    fake = await startFake();
    file = join(mkdtempSync(join(tmpdir(), 'gf-cf-')), 'config.yaml');
    writeFileSync(
      file,
      stringify({
        owner: 'shop-prod',
        regions: REGIONS,
        providers: {
          cf: {
            kind: 'cloudflare',
            zoneId: ZONE_ID,
            accountId: ACCOUNT_ID,
            apiTokenEnv: TOKEN_ENV,
            baseURL: fake.url,
          },
        },
        zones: [
          {
            name: 'example.com',
            provider: 'cf',
            records: [failover('app.example.com', ['us-east', 'eu-west'])],
          },
        ],
        health: { minProbers: 1 },
      }),
    );
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('plan writes nothing; apply writes; a failover applies; then no changes', async () => {
    const env = { [TOKEN_ENV]: TOKEN };
    const planned = await run(['plan', '--config', file], env);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain('app.example.com');
    expect(fake.count({ mutating: true })).toBe(0);
    expect((await run(['apply', '--config', file], env)).code).toBe(0);
    expect(fake.count({ mutating: true })).toBe(1);
    const fo = await run(['apply', '--config', file, '--assume', 'us-east=down'], env);
    expect(fo.code).toBe(0);
    expect(fake.count({ mutating: true })).toBe(2);
    const check = await run(
      ['plan', '--config', file, '--assume', 'us-east=down', '--expect-no-changes'],
      env,
    );
    expect(check.code).toBe(0);
  }, 60_000);

  it('a bad token exits 1 naming the variable, without printing the token', async () => {
    const r = await run(['plan', '--config', file], { [TOKEN_ENV]: 'not-the-token-xyz' });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/API token was rejected/);
    expect(r.stdout + r.stderr).toContain(TOKEN_ENV);
    expect(r.stdout + r.stderr).not.toContain('not-the-token-xyz');
  }, 60_000);
});
