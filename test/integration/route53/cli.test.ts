// The geofailover CLI (a real child process) on a route53 provider pointing at the fake API:
// plan -> apply -> plan --expect-no-changes, a failover by --assume, and bad input (unknown hosted
// zone, missing credentials) exiting 1 with a message naming the zone and nothing written.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeRoute53, type FakeZone } from '../../fakes/route53/index.ts';
import { runGeofailover } from '../../helpers/cli.ts';
import { RECORDS, REGIONS } from './helpers.ts';

let fake: FakeRoute53;
let zone: FakeZone;
let dir: string;

beforeAll(async () => {
  fake = await new FakeRoute53().start();
  dir = mkdtempSync(join(tmpdir(), 'gf-r53-cli-'));
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  fake.zones.clear();
  fake.clearLog();
  zone = fake.createZone('example.com');
});

function writeConfig(hostedZoneId: string): string {
  const file = join(dir, `config-${hostedZoneId}.yaml`);
  // JSON is YAML; the config names the fake as the endpoint.
  writeFileSync(
    file,
    JSON.stringify({
      owner: 'shop',
      regions: REGIONS,
      providers: { aws: { kind: 'route53', hostedZoneId, endpoint: fake.url, syncTimeout: '5s' } },
      zones: [
        { name: 'example.com', provider: 'aws', records: [RECORDS.failover, RECORDS.weighted, RECORDS.geo] },
      ],
      controller: { stateDir: join(dir, 'state') },
    }),
  );
  return file;
}

function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, AWS_EC2_METADATA_DISABLED: 'true' };
  const creds = { AWS_ACCESS_KEY_ID: 'AKIDCLITEST', AWS_SECRET_ACCESS_KEY: 'cli-secret-not-real' };
  return runGeofailover(args, { ...base, ...creds, ...env });
}

describe('geofailover CLI on route53 (fake API)', () => {
  it('plan -> apply -> plan --expect-no-changes, then a failover by --assume', async () => {
    const config = writeConfig(zone.id);
    const p = await cli(['plan', '--config', config]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/app\.example\.com/);
    expect(fake.writes()).toBe(0);
    const a = await cli(['apply', '--config', config]);
    expect(a.code, a.stderr).toBe(0);
    expect(fake.writes()).toBe(1);
    expect((await cli(['plan', '--config', config, '--expect-no-changes'])).code).toBe(0);
    const drift = await cli(['plan', '--config', config, '--assume', 'us-east=down', '--expect-no-changes']);
    expect(drift.code).toBe(4);
    expect((await cli(['apply', '--config', config, '--assume', 'us-east=down'])).code).toBe(0);
    expect(
      (await cli(['plan', '--config', config, '--assume', 'us-east=down', '--expect-no-changes'])).code,
    ).toBe(0);
    const app = [...zone.rrsets.values()].find((r) => r.name === 'app.example.com.' && r.type === 'A');
    expect(app?.values).toEqual(['198.51.100.10']);
    expect(`${p.stdout}${p.stderr}${a.stdout}${a.stderr}`).not.toContain('cli-secret-not-real');
  });

  it('an unknown hosted zone id exits 1 naming the zone and the id; nothing written', async () => {
    const r = await cli(['apply', '--config', writeConfig('ZNOSUCHZONE')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/example\.com/);
    expect(r.stderr).toMatch(/ZNOSUCHZONE/);
    expect(r.stderr).toMatch(/hostedZoneId/);
    expect(fake.writes()).toBe(0);
  });

  it('missing credentials exit 1 with what to do; no request reaches the API', async () => {
    const r = await cli(['apply', '--config', writeConfig(zone.id)], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
      AWS_CONFIG_FILE: join(dir, 'none'),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no AWS credentials/);
    expect(r.stderr).toMatch(/AWS_ACCESS_KEY_ID/);
    expect(fake.log).toHaveLength(0);
  });
});
