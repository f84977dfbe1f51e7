// A controller restart mid-run changes no DNS answer. The demo's pieces run as separate processes here
// (`geofailover controller` and three `geofailover probe` agents against in-process demo backends), so
// the controller alone can be stopped and started while `dig` keeps asking its DNS server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_LAYOUT,
  DEMO_PROBERS,
  type DemoBackend,
  demoConfigYaml,
  demoSecrets,
  pickDnsPort,
  pickTcpPort,
  proberKeyEnv,
  startDemoBackend,
} from '../../src/demo/index.ts';
import { dig, hasDig, type Spawned, sleep, spawnGeofailover, waitFor } from './demo-helpers.ts';

if (!hasDig) console.warn('test/e2e/demo-restart.test.ts skipped: `dig` is not installed');

const APP = 'app.demo.geofailover.test';
const US_EAST = ['127.0.0.11', '127.0.0.12'];
const EU_WEST = ['127.0.0.21'];
const isEuWest = (a: string[] | undefined) => a !== undefined && a.length === 1 && a[0] === EU_WEST[0];
const isUsEast = (a: string[] | undefined) =>
  a !== undefined && a.length > 0 && a.every((v) => US_EAST.includes(v));

interface StatusLite {
  regions: { id: string; status: string; decided: boolean; holdingFailback?: boolean }[];
}

describe.skipIf(!hasDig)('controller restart mid-run', { timeout: 120_000 }, () => {
  const backends = new Map<string, DemoBackend[]>();
  const probes: Spawned[] = [];
  let controller: Spawned | undefined;
  let stateDir: string;
  let configFile: string;
  let url: string;
  let dnsPort: number;
  const secrets = demoSecrets();

  const startController = async () => {
    controller = spawnGeofailover(['controller', '--config', configFile], secrets);
    await controller.waitForOutput(/listening on http/);
  };
  const stopController = async () => {
    const c = controller!;
    c.child.kill('SIGTERM');
    const exit = await c.exited;
    expect(exit).toEqual({ code: 0, signal: null });
  };
  const status = async () => (await (await fetch(`${url}/v1/status`)).json()) as StatusLite;

  /** Digs every 100 ms until stopped; returns every answer a server gave (timeouts are not answers). */
  const digAll = () => {
    let running = true;
    const answers: string[][] = [];
    const done = (async () => {
      while (running) {
        const a = await dig(dnsPort, APP);
        if (a !== undefined) answers.push(a);
        await sleep(100);
      }
    })();
    return {
      answers,
      stop: async () => {
        running = false;
        await done;
        return answers;
      },
    };
  };

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'geofailover-e2e-restart-'));
    const targets = [];
    for (const r of DEMO_LAYOUT) {
      const list: DemoBackend[] = [];
      for (const e of r.endpoints) {
        const b = await startDemoBackend({ host: '127.0.0.1', name: e.id });
        list.push(b);
        targets.push({ endpoint: e.id, host: b.host, port: b.port });
      }
      backends.set(r.id, list);
    }
    const port = (await pickTcpPort('127.0.0.1', 0)).port;
    dnsPort = (await pickDnsPort('127.0.0.1', 0)).port;
    url = `http://127.0.0.1:${port}`;
    configFile = join(stateDir, 'demo.yaml');
    writeFileSync(configFile, demoConfigYaml({ targets, controllerPort: port, dnsPort, stateDir }));
    await startController();
    for (const p of DEMO_PROBERS) {
      const key = proberKeyEnv(p);
      probes.push(
        spawnGeofailover(['probe', '--config', configFile, '--prober', p], { [key]: secrets[key]! }),
      );
    }
    await waitFor('us-east served', () => dig(dnsPort, APP), isUsEast, 30_000, 100);
  });

  afterAll(async () => {
    for (const p of [...probes, ...(controller ? [controller] : [])]) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
    for (const list of backends.values()) for (const b of list) await b.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  const setRegion = (id: string, mode: 'fail' | 'healthy') =>
    Promise.all(backends.get(id)!.map((b) => b.setMode(mode)));

  it('after a failover, a restarted controller keeps serving the failed-over answer', async () => {
    await setRegion('us-east', 'fail');
    await waitFor('eu-west served', () => dig(dnsPort, APP), isEuWest, 30_000, 100);

    const digger = digAll();
    await sleep(300);
    await stopController();
    await sleep(500);
    await startController();
    // Until every region is decided again from fresh reports, and a few intervals more.
    await waitFor('regions decided', status, (s) => s.regions.every((r) => r.decided), 30_000, 200);
    await sleep(3000);
    const answers = await digger.stop();
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter((a) => !isEuWest(a))).toEqual([]);
    const s = await status();
    expect(s.regions.find((r) => r.id === 'us-east')?.status).toBe('down');
  });

  // The health engine's memory (state/health.json) carries the hold-down across the restart.
  it('a restart while a recovered region waits for failback does not bring traffic back early', async () => {
    const healedAt = performance.now();
    await setRegion('us-east', 'healthy');
    await waitFor(
      'us-east holding failback',
      status,
      (s) => s.regions.some((r) => r.id === 'us-east' && r.holdingFailback === true),
      30_000,
      100,
    );
    const digger = digAll();
    await stopController();
    await startController();
    // Watch until well before failbackAfter (10 s) has passed since the heal.
    while (performance.now() - healedAt < 8000) await sleep(100);
    const answers = await digger.stop();
    expect(answers.length).toBeGreaterThan(5);
    expect(answers.filter((a) => !isEuWest(a))).toEqual([]);
    // And it does fail back in the end.
    await waitFor('failback to us-east', () => dig(dnsPort, APP), isUsEast, 60_000, 200);
  });
});
