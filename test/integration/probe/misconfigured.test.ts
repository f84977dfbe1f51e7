// Misconfigured agents are named, on both ends: the real `geofailover probe` with a wrong key, and one
// whose clock is 120 s behind (libfaketime), report to a controller (in process). Within 10 s the
// controller's status names each prober with its reason (and the measured offset), the rejection
// metric carries the prober label, the controller logs each prober once (rate-limited); each agent's
// /readyz answers 503 with the reason while /livez stays 200, and its log repeats the one-line summary
// with the remedy. A fixed agent is logged as accepted again; --exit-after-unreported exits 1.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import type { StatusDoc } from '../../../src/api/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import {
  type ExplainDoc,
  type RunningController,
  renderExplain,
  startController,
} from '../../../src/controller/index.ts';
import { createLogger } from '../../../src/log/index.ts';
import { type HealthServer, ProbeAgent, startHealthServer } from '../../../src/probe/index.ts';
import { runGeofailover } from '../../helpers/cli.ts';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/geofailover.js');
const KEYS = {
  p1: 'misconfig-key-one-0123456789',
  p2: 'misconfig-key-two-0123456789',
  p3: 'misconfig-key-three-012345',
};
const WRONG = 'not-the-key-of-p1-0123456789';
const SKEW_S = -120;

const LIBFAKETIME = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/faketime/libfaketime.so.1',
].find((p) => existsSync(p));
if (!LIBFAKETIME)
  console.warn('skipping the skewed-clock agent: libfaketime is not installed (apt-get install faketime)');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(
  what: string,
  get: () => T | Promise<T>,
  ok: (v: T) => boolean,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)?.slice(0, 800)}`);
    await sleep(50);
  }
}

function yaml(port: number, stateDir: string, controllers: string[]): string {
  const check = `{ kind: tcp, host: 127.0.0.1, port: ${port} }`;
  return `
owner: misconfig-test
regions:
  - { id: us-east, endpoints: [{ id: use-a, address: 127.0.0.10, check: ${check} }] }
  - { id: eu-west, endpoints: [{ id: euw-a, address: 127.0.0.20, check: ${check} }] }
probers: [{ id: p1, keyEnv: K1 }, { id: p2, keyEnv: K2 }, { id: p3, keyEnv: K3 }]
controllers: ${JSON.stringify(controllers)}
health: { interval: 500ms, timeout: 300ms, fall: 2, rise: 2, minProbers: 1, staleAfter: 3s }
providers: { p: { kind: memory } }
zones:
  - name: example.com
    provider: p
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west] } }
controller: { listen: "127.0.0.1:0", schedule: "0 0 1 1 *", stateDir: ${JSON.stringify(stateDir)} }
`;
}

interface Agent {
  child: ChildProcess;
  logs: () => string;
  health: () => Promise<string>;
  exit: Promise<number | null>;
}

describe('misconfigured probe agents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gf-misconfig-'));
  const children: ChildProcess[] = [];
  const controllerLines: Record<string, unknown>[] = [];
  let target: Server;
  let ctl: RunningController;
  let agentFile: string;
  let good: ProbeAgent;
  let goodHealth: HealthServer;

  beforeAll(async () => {
    target = createServer((c) => c.end());
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    const port = (target.address() as AddressInfo).port;
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n')) if (l.trim()) controllerLines.push(JSON.parse(l));
        cb();
      },
    });
    ctl = await startController({
      config: parseConfig(yaml(port, join(dir, 'state'), [])),
      env: { K1: KEYS.p1, K2: KEYS.p2, K3: KEYS.p3 },
      logger: createLogger('controller', { level: 'info', destination: sink }),
      providers: new Map([['p', new MemoryProvider('p', 'misconfig-test')]]),
    });
    agentFile = join(dir, 'agent.yaml');
    writeFileSync(agentFile, yaml(port, join(dir, 'agent-state'), [ctl.url]));
    // A well-configured prober beside them (in process), so /readyz is seen to turn 200 too.
    good = new ProbeAgent({ config: parseConfig(yaml(port, dir, [ctl.url])), proberId: 'p3', key: KEYS.p3 });
    goodHealth = await startHealthServer('127.0.0.1:0', good, 'p3');
    good.start();
  }, 60_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await good?.stop(200);
    await goodHealth?.close();
    await ctl?.stop();
    target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function agent(prober: string, key: string, extra: string[] = [], env: Record<string, string> = {}): Agent {
    const keyEnv = `K${prober.slice(1)}`;
    const child = spawn(
      process.execPath,
      [BIN, 'probe', '--config', agentFile, '--prober', prober, '--health-listen', '127.0.0.1:0', ...extra],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          [keyEnv]: key,
          GEOFAILOVER_LOG_LEVEL: 'info',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let logs = '';
    child.stdout!.on('data', (d) => {
      logs += d;
    });
    child.stderr!.on('data', (d) => {
      logs += d;
    });
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    return {
      child,
      logs: () => logs,
      health: () =>
        waitFor(
          `${prober}'s health endpoint`,
          () => /"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"health endpoints/.exec(logs)?.[1],
          (u) => u !== undefined,
        ) as Promise<string>,
      exit,
    };
  }

  const status = async () => (await (await fetch(`${ctl.url}/v1/status`)).json()) as StatusDoc;
  const proberOf = (s: StatusDoc, id: string) => s.probers.find((p) => p.id === id)!;
  const get = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, doc: (await res.json()) as Record<string, unknown> };
  };

  it('names the wrong key and the skewed clock in status, metrics, the log and each agent’s /readyz', async () => {
    const started = Date.now();
    const wrongKey = agent('p1', WRONG);
    const skewed = LIBFAKETIME
      ? agent('p2', KEYS.p2, [], {
          LD_PRELOAD: LIBFAKETIME,
          FAKETIME: `${SKEW_S}s`,
          // Only the wall clock is off, as on a host without NTP; timers keep real time.
          FAKETIME_DONT_FAKE_MONOTONIC: '1',
        })
      : undefined;

    const named = await waitFor(
      'status to name p1 (and p2) with the reason',
      status,
      (s) =>
        proberOf(s, 'p1').rejected?.reason === 'bad-signature' &&
        (!skewed || proberOf(s, 'p2').rejected?.reason === 'stale-timestamp'),
      10_000,
    );
    const within = Date.now() - started;
    console.log(`misconfigured probers named in status ${within} ms after their agents were started`);
    expect(within).toBeLessThan(10_000);
    expect(proberOf(named, 'p1').rejected).toMatchObject({
      what: 'bad signature',
      current: true,
      remedy: expect.stringContaining('give both the same key'),
    });
    expect(proberOf(named, 'p1').fresh).toBe(false);
    expect(named.problems.filter((p) => p.kind === 'prober-rejected').map((p) => p.prober)).toContain('p1');
    if (skewed) {
      const r = proberOf(named, 'p2').rejected!;
      expect(r.offsetSeconds).toBeGreaterThanOrEqual(SKEW_S - 3);
      expect(r.offsetSeconds).toBeLessThanOrEqual(SKEW_S + 3);
      expect(r.what).toMatch(/^stale timestamp \(clock 1(19|20|21) s behind\)$/);
      expect(r.remedy).toContain('NTP');
    }

    // The rejection metric carries the prober label (and keeps the reason).
    const metrics = await (await fetch(`${ctl.url}/metrics`)).text();
    expect(metrics).toMatch(/geofailover_report_rejected_total\{reason="bad-signature",prober="p1"\} [1-9]/);
    if (skewed)
      expect(metrics).toMatch(
        /geofailover_report_rejected_total\{reason="stale-timestamp",prober="p2"\} [1-9]/,
      );

    // Each agent: alive, not ready, and says why.
    const p1Health = await wrongKey.health();
    expect((await get(`${p1Health}/livez`)).status).toBe(200);
    const notReady = await get(`${p1Health}/readyz`);
    expect(notReady.status).toBe(503);
    expect(notReady.doc).toMatchObject({ ready: false, prober: 'p1' });
    expect(notReady.doc.reason).toMatch(
      /^no controller accepted a report since the agent started .*: http:\/\/127\.0\.0\.1:\d+: bad signature \(401\)/,
    );
    if (skewed) {
      const p2 = await get(`${await skewed.health()}/readyz`);
      expect(p2.status).toBe(503);
      expect(p2.doc.reason).toMatch(/stale timestamp \(clock 1(19|20|21) s behind\) \(401\)/);
    }
    const goodReady = await waitFor(
      'p3 ready',
      () => get(`${goodHealth.url}/readyz`),
      (r) => r.status === 200,
    );
    expect(goodReady.doc.reason).toMatch(/^a controller accepted a report \d+ s ago$/);

    // The agent's log repeats its one-line summary (first at once, again after 5 s) with the remedy.
    const summary = new RegExp(
      `controller ${ctl.url.replaceAll('.', '\\.')} rejected (a report|\\d+ reports in \\d+ s): bad signature \\(401\\); \\d+ results? buffered; check the key: K1 \\(probers\\[p1\\]\\.keyEnv\\) must hold the same key as the controller's for prober p1`,
      'g',
    );
    await waitFor(
      'the summary line twice',
      () => wrongKey.logs().match(summary)?.length ?? 0,
      (n) => n >= 2,
      15_000,
    );
    if (skewed)
      await waitFor(
        'the skewed agent to say its clock is off',
        () => skewed.logs(),
        (l) =>
          /rejected .*stale timestamp \(clock 1(19|20|21) s behind\) \(401\);.*fix the agent's clock/.test(l),
      );
    for (const secret of [WRONG, KEYS.p1, KEYS.p2]) {
      expect(wrongKey.logs()).not.toContain(secret);
      expect(skewed?.logs() ?? '').not.toContain(secret);
    }

    // The controller logs each prober by name, once in the minute, however many reports it refused.
    const s = await status();
    expect(proberOf(s, 'p1').rejected!.count).toBeGreaterThanOrEqual(4);
    const p1Lines = controllerLines.filter((l) => l.prober === 'p1' && l.level === 40);
    expect(p1Lines).toHaveLength(1);
    expect(p1Lines[0]!.msg).toMatch(/^prober p1: 1 report rejected \(1 since start\): bad signature; /);
    if (skewed) {
      const p2Lines = controllerLines.filter((l) => l.prober === 'p2' && l.level === 40);
      expect(p2Lines).toHaveLength(1);
      expect(p2Lines[0]).toMatchObject({ reason: 'stale-timestamp' });
    }

    // The CLI status and explain name them too.
    const cli = await runGeofailover(['status', '--controller', ctl.url], {
      PATH: process.env.PATH ?? '',
      NO_COLOR: '1',
    });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(
      /PROBLEM prober-rejected since \d+s ago: prober p1: \d+ reports rejected: bad signature;/,
    );
    expect(cli.stdout).toMatch(/^PROBER\s+LAST ACCEPTED\s+REJECTED\s+LAST REJECTION\s+REASON$/m);
    expect(cli.stdout).toMatch(/^p1\s+-\s+\d+ \(now\)\s+\d+s ago\s+bad signature: signature does not match/m);
    if (skewed) expect(cli.stdout).toMatch(/^p2\s+-\s+\d+ \(now\)\s+\d+s ago\s+stale timestamp \(clock/m);
    const explained = (await (
      await fetch(`${ctl.url}/v1/explain?name=app.example.com`)
    ).json()) as ExplainDoc;
    expect(explained.rejectedProbers?.map((p) => p.id)).toContain('p1');
    expect(renderExplain(explained)).toMatch(/p1=unknown\(stale\)\(not counted\)\(rejected: bad signature\)/);

    // The key fixed: the controller logs the prober accepted again and status no longer calls it current.
    wrongKey.child.kill('SIGTERM');
    expect(await wrongKey.exit).toBe(0);
    const fixed = agent('p1', KEYS.p1);
    await waitFor('p1 accepted again', status, (x) => proberOf(x, 'p1').rejected?.current === false);
    await waitFor(
      'the controller to log the recovery',
      () => controllerLines.find((l) => l.prober === 'p1' && l.level === 30),
      (l) => l !== undefined,
    );
    expect(controllerLines.find((l) => l.prober === 'p1' && l.level === 30)!.msg).toMatch(
      /^reports from prober p1 accepted again after \d+ rejections \(bad signature\)$/,
    );
    fixed.child.kill('SIGTERM');
    skewed?.child.kill('SIGTERM');
    expect(await fixed.exit).toBe(0);
    if (skewed) expect(await skewed.exit).toBe(0);
  }, 90_000);

  it('--exit-after-unreported: with no accepted report for that long, it exits 1 saying why', async () => {
    const started = Date.now();
    const a = agent('p1', WRONG, ['--exit-after-unreported', '2s']);
    const code = await a.exit;
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(a.logs()).toMatch(
      /giving up \(exit 1, --exit-after-unreported\): no controller accepted a report since the agent started 2 s ago: http:\/\/127\.0\.0\.1:\d+: bad signature \(401\)/,
    );
  }, 30_000);
});
