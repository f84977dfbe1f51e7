// Confirmed propagation: the controller asks the builtin server (real UDP) until it serves the new
// answer and records the time to visible; a nameserver that never serves it is an error and an event.
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusDoc } from '../../../src/api/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerYaml, FAILOVER_2, GEO, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';

const yaml = (dir: string, builtin: string, verify: string) =>
  controllerYaml({
    owner: 'verify-test',
    stateDir: dir,
    provider: builtin,
    records: [FAILOVER_2, GEO],
    extra: `verify: ${verify}
geoip: { networks: [{ cidr: 81.0.0.0/8, country: DE, continent: EU }] }`,
  });

const running: RunningController[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
});

async function waitStatus(url: string, ok: (s: StatusDoc) => boolean, ms = 10_000): Promise<StatusDoc> {
  const end = Date.now() + ms;
  for (;;) {
    const s = (await (await fetch(`${url}/v1/status`)).json()) as StatusDoc;
    if (ok(s)) return s;
    if (Date.now() > end) throw new Error(`status never matched: ${JSON.stringify(s.zones).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('confirmed propagation', () => {
  it('records the time until the embedded builtin server serves every changed answer (geo by ECS too)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-verify-'));
    const ctl = await startController({
      config: parseConfig(
        yaml(dir, '{ kind: builtin, listen: "127.0.0.1:0" }', '{ nameservers: [], timeout: 5s }'),
      ),
      env: KEY_ENV,
      logger: silentLogger(),
    });
    running.push(ctl);
    expect(ctl.dnsAddresses.length).toBeGreaterThan(0);
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ['use-a', 'euw-a']);
    const s = await waitStatus(ctl.url, (x) => x.zones[0]?.lastReconcile?.result === 'changed');
    const visible = s.zones[0]!.lastReconcile!.visible!;
    expect(visible).toHaveLength(1);
    expect(visible[0]!.nameserver).toBe(ctl.dnsAddresses[0]);
    expect(visible[0]!.visibleMs).not.toBeNull();
    expect(s.zones[0]!.error).toBeUndefined();
    const apply = ctl.events.since(0, 100, ['apply'])[0]!;
    expect(apply.unchecked).toBeUndefined();
  });

  it('reports a change the nameservers never serve as an error and an event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-verify-'));
    // A UDP socket that swallows queries: a nameserver that never answers.
    const sink = createSocket('udp4');
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
    const port = (sink.address() as AddressInfo).port;
    try {
      const ctl = await startController({
        config: parseConfig(
          yaml(dir, '{ kind: builtin }', `{ nameservers: ["127.0.0.1:${port}"], timeout: 1s }`),
        ),
        env: KEY_ENV,
        logger: silentLogger(),
      });
      running.push(ctl);
      for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ['use-a', 'euw-a']);
      const s = await waitStatus(ctl.url, (x) => x.zones[0]?.error !== undefined);
      expect(s.zones[0]!.error!.message).toContain(`not visible on 127.0.0.1:${port}`);
      expect(s.zones[0]!.lastReconcile!.visible).toEqual([
        { nameserver: `127.0.0.1:${port}`, visibleMs: null },
      ]);
      expect(ctl.events.since(0, 100, ['propagation-failed']).length).toBe(1);
    } finally {
      sink.close();
    }
  });
});
