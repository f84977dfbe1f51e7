// The running controller on an rfc2136 provider (knotd started here): probe reports drive a failover
// and a weighted record through UPDATE, the change is confirmed visible on Knot over real DNS (the
// weighted answer is the union of the live sets, which the propagation check accepts), and a failover
// moves both answers. The zone ends converged: planning again finds zero changes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rfc2136Provider } from '../../../providers/rfc2136/index.ts';
import type { StatusDoc } from '../../../src/api/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { planZoneOf, type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { assumeStates } from '../../../src/policy/index.ts';
import { controllerYaml, FAILOVER_2, KEY_ENV, KEYS, WEIGHTED } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';
import { hasBinary, KEY_NAME, kdigAxfr, type RunningServer, startKnot } from './servers.ts';

const skip = !hasBinary('knotd') || !hasBinary('kdig');
if (skip) console.warn('skipping rfc2136 controller test: knotd or kdig is not installed');

async function waitStatus(url: string, ok: (s: StatusDoc) => boolean, ms = 15_000): Promise<StatusDoc> {
  const end = Date.now() + ms;
  for (;;) {
    const s = (await (await fetch(`${url}/v1/status`)).json()) as StatusDoc;
    if (ok(s)) return s;
    if (Date.now() > end) throw new Error(`status never matched: ${JSON.stringify(s.zones).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(skip)('controller on an rfc2136 provider (knotd)', () => {
  let server: RunningServer;
  let dir: string;
  let ctl: RunningController | undefined;

  beforeAll(async () => {
    server = await startKnot();
    dir = mkdtempSync(join(tmpdir(), 'gf-rfc2136-ctl-'));
  }, 30_000);
  afterAll(async () => {
    await ctl?.stop();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('applies from health, confirms on Knot, fails over, and ends converged', async () => {
    const yaml = controllerYaml({
      owner: 'ctl-rfc2136',
      stateDir: dir,
      provider: `{ kind: rfc2136, server: "${server.address}", tsig: { name: ${KEY_NAME}, algorithm: ${server.algorithm}, secretEnv: GF_TSIG } }`,
      records: [FAILOVER_2, WEIGHTED],
      extra: `verify: { nameservers: ["${server.address}"], timeout: 5s }`,
    });
    const config = parseConfig(yaml);
    const env = { ...KEY_ENV, GF_TSIG: server.secret };
    ctl = await startController({ config, env, logger: silentLogger() });
    const endpoints = ['use-a', 'euw-a'];
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, endpoints);
    const first = await waitStatus(ctl.url, (s) => s.zones[0]?.lastReconcile?.result === 'changed');
    expect(first.zones[0]!.error).toBeUndefined();
    expect(first.zones[0]!.lastReconcile!.visible).toEqual([
      { nameserver: server.address, visibleMs: expect.any(Number) },
    ]);
    const lines = await kdigAxfr(server);
    expect(lines.filter((l) => l.startsWith('api.example.com. A')).sort()).toEqual([
      'api.example.com. A 192.0.2.10',
      'api.example.com. A 198.51.100.10',
    ]);

    // us-east goes down: app moves to eu-west, api drops us-east; confirmed on Knot again.
    const before = ctl.events.since(0, 1000, ['apply']).length;
    for (let i = 0; i < 3; i++) await round(ctl.url, KEYS, endpoints, new Set(['use-a']));
    await waitStatus(ctl.url, () => ctl!.events.since(0, 1000, ['apply']).length > before);
    const after = await waitStatus(ctl.url, (s) => s.zones[0]?.lastReconcile?.result === 'changed');
    expect(after.zones[0]!.error).toBeUndefined();
    const moved = await kdigAxfr(server);
    expect(moved.filter((l) => l.startsWith('app.example.com. A'))).toEqual([
      'app.example.com. A 198.51.100.10',
    ]);
    expect(moved.filter((l) => l.startsWith('api.example.com. A'))).toEqual([
      'api.example.com. A 198.51.100.10',
    ]);

    const cfg = config.providers.p;
    if (cfg?.kind !== 'rfc2136') throw new Error('no rfc2136 provider');
    const p = new Rfc2136Provider('p', cfg, config.owner, { env });
    const states = assumeStates(config, new Map([['us-east', 'down']]));
    expect((await planZoneOf(config, config.zones[0]!, p, states)).changes).toEqual([]);
  });
});
