// Alias records on moto's Route 53 emulator (moto_server on a free loopback port; it stores
// AliasTarget): load-balancer aliases at the apex and as weighted sets and an in-zone alias converge
// (re-plan finds zero changes), and a failover swaps the apex alias to the other region's load
// balancer. Moto does not check that an in-zone alias target exists; the strict fake covers that.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import {
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Route53Provider, resetBudgets } from '../../../providers/route53/index.ts';
import type { Config } from '../../../src/config/index.ts';
import { aliasConfig, EUW_LB, EUW_ZONE, USE_LB, USE_ZONE } from './alias-cases.ts';
import { awsConfig, converge, dummyCredentials, FAST, OWNER, providerConfig } from './helpers.ts';

function hasMoto(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v moto_server'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const has = hasMoto();
if (!has)
  console.warn(
    'skipping route53 moto alias tests: moto_server is not installed (pip install "moto[server]")',
  );

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe.skipIf(!has)('route53 on moto_server: alias records', () => {
  let moto: ChildProcess;
  let url = '';
  let restore: () => void;
  let zoneId = '';

  beforeAll(async () => {
    restore = dummyCredentials();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    const until = Date.now() + 30_000;
    for (;;) {
      const ok = await fetch(`${url}/moto-api/reset`, { method: 'POST' }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > until) throw new Error('moto_server not ready after 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    if (moto && moto.exitCode === null) {
      const exited = new Promise((r) => moto.once('exit', r));
      moto.kill('SIGTERM');
      await exited;
    }
    restore?.();
  });
  beforeEach(async () => {
    resetBudgets();
    await fetch(`${url}/moto-api/reset`, { method: 'POST' });
    const client = new Route53Client({ region: 'us-east-1', endpoint: url, maxAttempts: 1 });
    const out = await client.send(
      new CreateHostedZoneCommand({
        Name: 'example.com',
        CallerReference: `t-${Date.now()}-${Math.random()}`,
      }),
    );
    zoneId = out.HostedZone!.Id!.replace('/hostedzone/', '');
    client.destroy();
  });

  const provider = (config: Config) => new Route53Provider('aws', awsConfig(config), OWNER, FAST);

  async function aliasAt(name: string) {
    const client = new Route53Client({ region: 'us-east-1', endpoint: url, maxAttempts: 1 });
    const out = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    client.destroy();
    return (out.ResourceRecordSets ?? [])
      .filter((r) => r.Name === name && r.Type === 'A')
      .map((r) => r.AliasTarget);
  }

  it('converges load-balancer and in-zone aliases, and a failover swaps the apex target', async () => {
    const config = aliasConfig(providerConfig(url, zoneId), zoneId);
    const p = provider(config);
    const { outcome, again } = await converge(config, p);
    expect(outcome.status).toBe('applied');
    expect(again.changes).toEqual([]);
    const apex = await aliasAt('example.com.');
    expect(apex).toHaveLength(1);
    expect(apex[0]?.HostedZoneId).toBe(USE_ZONE);
    expect(apex[0]?.DNSName?.replace(/\.$/, '')).toBe(USE_LB);
    const down = await converge(config, p, { 'us-east': 'down' });
    expect(down.again.changes).toEqual([]);
    const swapped = await aliasAt('example.com.');
    expect(swapped[0]?.HostedZoneId).toBe(EUW_ZONE);
    expect(swapped[0]?.DNSName?.replace(/\.$/, '')).toBe(EUW_LB);
  });
});
