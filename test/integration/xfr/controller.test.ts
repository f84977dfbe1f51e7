// Confirmed propagation covers a hidden primary's secondaries: the controller asks the Knot
// secondary too (for the flattened answer it can serve) and records its time to visible.
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { afterAll, describe, expect, it } from 'vitest';
import type { StatusDoc } from '../../../src/api/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerYaml, FAILOVER_2, GEO, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';
import { has } from '../dns/fixture.ts';
import { KEY_NAME, SECRET } from './fixture.ts';
import { freePort, type Secondary, startKnotSecondary } from './knot-secondary.ts';

const hasKnot = has('knotd') && has('kdig');
if (!hasKnot) console.warn('skipping controller/secondary test: knotd/kdig not installed');

async function waitStatus(url: string, ok: (s: StatusDoc) => boolean, ms = 20_000): Promise<StatusDoc> {
  const end = Date.now() + ms;
  for (;;) {
    const s = (await (await fetch(`${url}/v1/status`)).json()) as StatusDoc;
    if (ok(s)) return s;
    if (Date.now() > end) throw new Error(`status never matched: ${JSON.stringify(s.zones).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!hasKnot)('confirmed propagation with secondaries', () => {
  let ctl: RunningController | undefined;
  let knot: Secondary | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'gf-xfr-ctl-'));
  afterAll(async () => {
    await ctl?.stop();
    await knot?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks the Knot secondary for the transferred answer and records its time to visible', async () => {
    const knotPort = await freePort();
    const provider = `{ kind: builtin, listen: "127.0.0.1:0", tsigKeys: [{ name: ${KEY_NAME}, secretEnv: XFR_SECRET }], allowTransfer: [{ key: ${KEY_NAME} }], secondaries: ["127.0.0.1:${knotPort}"] }`;
    const config = parseConfig(
      controllerYaml({
        owner: 'xfr-test',
        stateDir: dir,
        provider,
        records: [FAILOVER_2, GEO],
        extra: `verify: { nameservers: [], timeout: 10s }
geoip: { networks: [{ cidr: 81.0.0.0/8, country: DE, continent: EU }] }`,
      }),
    );
    ctl = await startController({ config, env: { ...KEY_ENV, XFR_SECRET: SECRET }, logger: silentLogger() });
    const primaryPort = Number(ctl.dnsAddresses[0]!.split(':').pop());
    knot = await startKnotSecondary({ port: knotPort, primaryPort, keyName: KEY_NAME, secret: SECRET });
    // Knot has the (empty) zone before the first apply.
    const start = Date.now();
    while ((await knot.serial()) === undefined && Date.now() - start < 20_000)
      await new Promise((r) => setTimeout(r, 50));

    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ['use-a', 'euw-a']);
    const s = await waitStatus(ctl.url, (x) => x.zones[0]?.lastReconcile?.result === 'changed');
    const visible = s.zones[0]!.lastReconcile!.visible!;
    expect(visible.map((v) => v.nameserver)).toEqual([ctl.dnsAddresses[0], `127.0.0.1:${knotPort}`]);
    for (const v of visible) expect(v.visibleMs, v.nameserver).not.toBeNull();
    expect(s.zones[0]!.error).toBeUndefined();
    // The secondary serves the geo name's default answer (us-east, the first region of the default rule).
    expect(await knot.answer('www.example.com', 'A')).toEqual(['192.0.2.10']);
    console.log(`time to visible: ${visible.map((v) => `${v.nameserver} ${v.visibleMs} ms`).join(', ')}`);
  }, 40_000);
});

describe('a secondary that refuses NOTIFY', () => {
  it('is one notify-failed event per change, naming the secondary, the zone and what to check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-xfr-ctl-'));
    // A "secondary" that answers every NOTIFY with REFUSED.
    const sec = createSocket('udp4');
    sec.on('message', (m, r) => {
      const p = dnsPacket.decode(m);
      sec.send(
        dnsPacket.encode({ type: 'response', id: p.id, flags: (4 << 11) | 5, questions: p.questions }),
        r.port,
        r.address,
      );
    });
    await new Promise<void>((r) => sec.bind(0, '127.0.0.1', r));
    const addr = `127.0.0.1:${(sec.address() as AddressInfo).port}`;
    const provider = `{ kind: builtin, listen: "127.0.0.1:0", allowTransfer: [{ address: 127.0.0.1 }], secondaries: ["${addr}"] }`;
    const ctl = await startController({
      config: parseConfig(
        controllerYaml({ owner: 'xfr-test', stateDir: dir, provider, extra: 'verify: { timeout: 1s }' }),
      ),
      env: KEY_ENV,
      logger: silentLogger(),
    });
    try {
      const end = Date.now() + 10_000;
      let events = ctl.events.since(0, 100, ['notify-failed']);
      while (events.length === 0 && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 20));
        events = ctl.events.since(0, 100, ['notify-failed']);
      }
      expect(events.length).toBeGreaterThan(0);
      // One per serial, never repeated (the controller's writer lease is a change of its own too).
      expect(new Set(events.map((e) => e.serial)).size).toBe(events.length);
      for (const e of events) {
        expect(e).toMatchObject({ zone: 'example.com.', secondary: addr, ok: false, attempts: 1 });
        expect(String(e.detail)).toMatch(/answered REFUSED \(check the secondary's ACL for NOTIFY from us\)/);
      }
    } finally {
      await ctl.stop();
      sec.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
