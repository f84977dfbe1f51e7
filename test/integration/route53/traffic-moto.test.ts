// Endpoint weights and the failback ramp's weighted sets on moto's Route 53 emulator (moto_server on
// a free loopback port): per-endpoint sets, and a failover answer reshaped into ramp sets and climbing
// a step. (The way back to one answer re-creates a record moto has in its change journal, which moto
// 5.2.1 refuses; the strict fake covers it.) Every case re-plans to zero changes.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Route53Provider, resetBudgets } from '../../../providers/route53/index.ts';
import type { Config } from '../../../src/config/index.ts';
import { awsConfig, dummyCredentials, FAST, OWNER, providerConfig } from './helpers.ts';
import { ALL_UP, at, convergeStates, down, RECORDS, up, weightedEndpointsConfig } from './traffic-cases.ts';

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
    'skipping route53 moto traffic tests: moto_server is not installed (pip install "moto[server]")',
  );

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe.skipIf(!has)('route53 on moto_server: endpoint weights and failback ramp', () => {
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

  it('publishes one weighted set per endpoint with integer weights', async () => {
    const config = weightedEndpointsConfig(providerConfig(url, zoneId), [RECORDS.weighted]);
    const p = provider(config);
    await convergeStates(config, p, ALL_UP());
    expect(at(await p.records('example.com'), 'api')).toEqual([
      ['eu-west', 30, '198.51.100.10'],
      ['us-east/use-a', 53, '192.0.2.10'],
      ['us-east/use-b', 18, '192.0.2.11'],
    ]);
  });

  it('reshapes a failover answer into ramp sets and climbs a step', async () => {
    const config = weightedEndpointsConfig(providerConfig(url, zoneId), [RECORDS.failover], [1, 1]);
    const p = provider(config);
    const failed = ALL_UP();
    failed.set('us-east', down('us-east'));
    await convergeStates(config, p, failed);
    for (const [i, percent] of [10, 25].entries()) {
      const s = ALL_UP();
      s.set('us-east', up('us-east', ['use-a', 'use-b'], { step: i + 1, steps: 4, percent }));
      await convergeStates(config, p, s);
      expect(at(await p.records('example.com'), 'app')).toEqual([
        ['eu-west', 100 - percent, '198.51.100.10'],
        ['us-east', percent, '192.0.2.10,192.0.2.11'],
      ]);
    }
  });
});
