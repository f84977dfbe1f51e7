// The real `geofailover probe` binary against a local target and a report receiver that verifies
// signatures (the controller's own handler): reports arrive signed; while the receiver is down the agent
// keeps probing and buffers (bounded, drops counted), then delivers; SIGTERM stops it with exit 0.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createReportHandler } from '../../../src/api/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { HealthEngine } from '../../../src/health/index.ts';
import type { ProbeReport } from '../../../src/probe/index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('geofailover probe (real binary)', () => {
  const children: ChildProcess[] = [];
  const servers: http.Server[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
  });

  it('reports signed results, buffers through a receiver outage, then delivers; SIGTERM exits 0', async () => {
    const target = http.createServer((_req, res) => res.end('ok'));
    servers.push(target);
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    const targetPort = (target.address() as AddressInfo).port;

    // Receiver: first bind to learn a free port, the config names it.
    let receiver = http.createServer();
    servers.push(receiver);
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const receiverPort = (receiver.address() as AddressInfo).port;

    const yaml = `
owner: t
regions:
  - id: r1
    endpoints: [{ id: e1, address: 127.0.0.1, check: { kind: http, url: "http://127.0.0.1:${targetPort}/healthz" } }]
  - id: r2
    endpoints: [{ id: e2, address: 127.0.0.1, check: { kind: tcp, port: ${targetPort} } }]
probers:
  - { id: alpha, keyEnv: GF_TEST_ALPHA_KEY }
  - { id: beta, keyEnv: GF_TEST_BETA_KEY }
controllers: ["http://127.0.0.1:${receiverPort}"]
health: { interval: 200ms, timeout: 190ms, staleAfter: 2s, bufferSize: 10 }
providers: { m: { kind: memory } }
`;
    const dir = mkdtempSync(join(tmpdir(), 'gf-agent-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, yaml);
    const config = parseConfig(yaml, file);
    const keys = new Map([
      ['alpha', 'alpha-secret-key'],
      ['beta', 'beta-secret-key'],
    ]);
    const engine = new HealthEngine(config);
    const accepted: { report: ProbeReport; at: number }[] = [];
    const rejections: string[] = [];
    const handler = createReportHandler({
      config,
      keys,
      engine,
      onAccept: (report) => accepted.push({ report, at: Date.now() }),
      onReject: (reason) => rejections.push(reason),
    });
    receiver.on('request', handler);

    const child = spawn(
      process.execPath,
      ['bin/geofailover.js', 'probe', '--config', file, '--prober', 'alpha'],
      {
        env: { ...process.env, GF_TEST_ALPHA_KEY: 'alpha-secret-key', GEOFAILOVER_LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let logs = '';
    child.stderr!.on('data', (d) => {
      logs += d;
    });
    child.stdout!.on('data', (d) => {
      logs += d;
    });

    await waitFor('two accepted reports', () => accepted.length >= 2);
    await waitFor('passing results for both endpoints', () => {
      const seen = new Set(accepted.flatMap((a) => a.report.results.map((r) => `${r.endpoint}:${r.ok}`)));
      return seen.has('e1:true') && seen.has('e2:true');
    });
    expect(accepted[0]!.report.prober).toBe('alpha');
    expect(rejections).toEqual([]);
    expect(logs).not.toContain('alpha-secret-key');

    // Outage: the receiver goes away for a while; the agent keeps probing.
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    const outageStart = Date.now();
    const acceptedBefore = accepted.length;
    await sleep(1500);
    const outageEnd = Date.now();
    receiver = http.createServer(handler);
    servers.push(receiver);
    await new Promise<void>((r) => receiver.listen(receiverPort, '127.0.0.1', () => r()));

    await waitFor('results probed during the outage to be delivered', () =>
      accepted
        .slice(acceptedBefore)
        .some((a) => a.report.results.some((r) => r.at > outageStart + 300 && r.at < outageEnd)),
    );
    expect(rejections).toEqual([]);
    // Seq strictly increases across all reports.
    const seqs = accepted.map((a) => a.report.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    // The outage is summarised (what failed, what is buffered, what to check) and its end said.
    expect(logs).toMatch(
      new RegExp(
        `controller http://127\\.0\\.0\\.1:${receiverPort} unreachable .*results? buffered.*; check the controller URL`,
      ),
    );
    await waitFor('the recovery line', () =>
      new RegExp(`controller http://127\\.0\\.0\\.1:${receiverPort} accepted a report again after`).test(
        logs,
      ),
    );

    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const stopped = logs.split('\n').find((l) => l.includes('probe agent stopped'));
    expect(stopped).toBeDefined();
    const stats = JSON.parse(stopped!).stats;
    // 1.5 s of outage at 2 results per 200 ms overflows a buffer of 10: the oldest were dropped and counted.
    expect(stats.controllers[0].dropped).toBeGreaterThan(0);
    expect(stats.checksStarted).toBeGreaterThan(10);
    expect(engine.snapshot().endpoints.find((e) => e.id === 'e1')!.votes[0]!.vote).not.toBe('unknown'); // the reports reached the engine
  });

  it('exits 2 listing the known probers for an unknown prober id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-agent-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      `owner: t
regions: [{ id: r1, endpoints: [{ id: e1, address: 127.0.0.1, check: { kind: tcp, port: 9 } }] }]
probers: [{ id: alpha, keyEnv: A }, { id: beta, keyEnv: B }]
controllers: ["http://127.0.0.1:9"]
providers: { m: { kind: memory } }
`,
    );
    const child = spawn(
      process.execPath,
      ['bin/geofailover.js', 'probe', '--config', file, '--prober', 'gamma'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toMatch(/unknown prober "gamma"/);
    expect(err).toMatch(/alpha, beta/);
  });
});
