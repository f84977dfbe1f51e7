// Canary self-check in-process: when every canary fails the agent marks its reports impaired; with no
// canaries, every endpoint of every region failing does the same; a working canary clears it.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createReportHandler } from '../../../src/api/index.ts';
import { configSchema } from '../../../src/config/index.ts';
import { HealthEngine } from '../../../src/health/index.ts';
import { ProbeAgent, type ProbeReport } from '../../../src/probe/index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('canary self-check', () => {
  const servers: http.Server[] = [];
  const agents: ProbeAgent[] = [];
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop(100)));
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
  });

  async function setup(canaries: string[], endpointUrls: [string, string]) {
    const reports: ProbeReport[] = [];
    const receiver = http.createServer();
    servers.push(receiver);
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const port = (receiver.address() as AddressInfo).port;
    const config = configSchema.parse({
      owner: 't',
      regions: [
        {
          id: 'r1',
          endpoints: [{ id: 'e1', address: '127.0.0.1', check: { kind: 'http', url: endpointUrls[0] } }],
        },
        {
          id: 'r2',
          endpoints: [{ id: 'e2', address: '127.0.0.1', check: { kind: 'http', url: endpointUrls[1] } }],
        },
      ],
      probers: [{ id: 'a', keyEnv: 'KA', canaries }],
      controllers: [`http://127.0.0.1:${port}`],
      health: { interval: '400ms', timeout: '350ms', staleAfter: '2s', minProbers: 1 },
      providers: { m: { kind: 'memory' } },
    });
    const handler = createReportHandler({
      config,
      keys: new Map([['a', 'k']]),
      engine: new HealthEngine(config),
      onAccept: (r) => reports.push(r),
    });
    receiver.on('request', handler);
    const agent = new ProbeAgent({ config, proberId: 'a', key: 'k', flushIntervalMs: 100 });
    agents.push(agent);
    agent.start();
    return { agent, reports };
  }

  it('marks reports impaired when every canary fails, and not when one works', async () => {
    const ok = http.createServer((_q, s) => s.end('ok'));
    servers.push(ok);
    await new Promise<void>((r) => ok.listen(0, '127.0.0.1', () => r()));
    const okUrl = `http://127.0.0.1:${(ok.address() as AddressInfo).port}/`;
    const dead = `http://127.0.0.1:${await closedPort()}/`;

    const bad = await setup([dead], [okUrl, okUrl]);
    await waitFor('an impaired report', () => bad.reports.some((r) => r.impaired));
    expect(bad.agent.impaired).toBe(true);

    const good = await setup([dead, okUrl], [okUrl, okUrl]);
    await waitFor('a few reports', () => good.reports.length >= 3);
    await sleep(300);
    expect(good.agent.stats().canaryRounds).toBeGreaterThan(1);
    expect(good.reports.every((r) => !r.impaired)).toBe(true);
  });

  it('without canaries, every endpoint of every region failing means impaired', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}/`;
    const { agent, reports } = await setup([], [dead, dead]);
    await waitFor('an impaired report', () => reports.some((r) => r.impaired));
    expect(agent.impaired).toBe(true);
  });
});
