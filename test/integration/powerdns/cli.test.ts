// The geofailover CLI against a real pdns_server, including a zone published to PowerDNS and the
// builtin store at once (provider redundancy): plan shows one banner per provider, apply --assume
// fails a region over on both, plan --expect-no-changes then exits 0; a wrong key exits 1 with the
// remedy and without the key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runGeofailover } from '../../helpers/cli.ts';
import { dnsAnswer, failover, KEY_ENV, REGIONS, weighted } from './harness.ts';
import { missing, type PdnsServer, startPdns } from './pdns-server.ts';

const why = missing();
if (why) console.warn(`skipping PowerDNS CLI tests: ${why}`);

const run = (args: string[], env: Record<string, string>) =>
  runGeofailover(args, { ...process.env, ...env, GEOFAILOVER_LOG_LEVEL: 'error' });

describe.skipIf(why !== undefined)('geofailover CLI with a powerdns provider', () => {
  let pdns: PdnsServer;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    pdns = await startPdns();
    await pdns.createZone('cli.example.com');
    dir = mkdtempSync(join(tmpdir(), 'gf-pdns-cli-'));
    file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      stringify({
        owner: 'shop-prod',
        regions: REGIONS,
        providers: {
          pdns: { kind: 'powerdns', url: pdns.url, apiKeyEnv: KEY_ENV },
          local: { kind: 'builtin', storeFile: join(dir, 'zones.json') },
        },
        zones: [
          {
            name: 'cli.example.com',
            providers: ['pdns', 'local'],
            records: [
              failover('app.cli.example.com', ['us-east', 'eu-west']),
              weighted('api.cli.example.com', { 'us-east': 70, 'eu-west': 30 }),
            ],
          },
        ],
        health: { minProbers: 1 },
      }),
    );
  }, 30_000);
  afterAll(async () => {
    await pdns?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('validate warns that PowerDNS publishes the weighted record without weights', async () => {
    const r = await run(['validate', '--config', file], { [KEY_ENV]: pdns.apiKey });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: .*provider pdns \(powerdns\): PowerDNS records carry no weights/);
  });

  it('plans per provider, applies a failover to both, then finds nothing left', async () => {
    const env = { [KEY_ENV]: pdns.apiKey };
    const plan = await run(['plan', '--config', file], env);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('zone cli.example.com. / provider pdns (powerdns)');
    expect(plan.stdout).toContain('zone cli.example.com. / provider local (builtin)');
    const apply = await run(['apply', '--config', file, '--assume', 'us-east=down'], env);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(
      /applied \d+ change\(s\) to cli\.example\.com\. \(pdns\); planning again finds no changes/,
    );
    expect(apply.stdout).toMatch(
      /applied \d+ change\(s\) to cli\.example\.com\. \(local\); planning again finds no changes/,
    );
    expect(await dnsAnswer(pdns.dnsPort, 'app.cli.example.com', 'A')).toEqual(['198.51.100.20']);
    // weighted on PowerDNS: one set of the serving regions (us-east is down)
    expect(await dnsAnswer(pdns.dnsPort, 'api.cli.example.com', 'A')).toEqual(['198.51.100.20']);
    const again = await run(
      ['plan', '--config', file, '--assume', 'us-east=down', '--expect-no-changes'],
      env,
    );
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 60_000);

  it('a wrong key exits 1 with the remedy and never prints the key', async () => {
    const wrong = 'wrong-key-should-not-leak';
    const r = await run(['plan', '--config', file], { [KEY_ENV]: wrong });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /powerdns provider pdns, zone cli\.example\.com\.: PowerDNS refused the API key \(HTTP 401\)/,
    );
    expect(r.stderr).toMatch(
      /remedy: put the server's api-key \(pdns\.conf\) in the environment variable PDNS_TEST_API_KEY/,
    );
    expect(r.stdout + r.stderr).not.toContain(wrong);
    expect(r.stdout + r.stderr).not.toContain(pdns.apiKey);
    // and with the right key there is still nothing to do
    const ok = await run(['plan', '--config', file, '--assume', 'us-east=down', '--expect-no-changes'], {
      [KEY_ENV]: pdns.apiKey,
    });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
  }, 60_000);
});
