// The running controller with a zone on PowerDNS and the builtin server at once (provider
// redundancy): a failover is written to both and confirmed on each provider's own nameserver
// (pdns_server's DNS port through verify.providers.pdns, the embedded builtin server for the other);
// then PowerDNS goes away and the builtin copy still fails back while status names pdns's error.

import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusDoc } from '../../../src/api/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { ENDPOINTS, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';
import { dnsAnswer, KEY_ENV as PDNS_KEY_ENV } from './harness.ts';
import { missing, type PdnsServer, startPdns } from './pdns-server.ts';

const why = missing();
if (why) console.warn(`skipping the PowerDNS controller test: ${why}`);

async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`not met in ${ms} ms; last: ${JSON.stringify(v).slice(0, 3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(why !== undefined)('controller: a zone on [powerdns, builtin]', () => {
  let pdns: PdnsServer;
  let ctl: RunningController;
  const root = mkdtempSync(join(tmpdir(), 'gf-pdns-ctl-'));
  const endpoints = Object.values(ENDPOINTS).slice(0, 2);

  beforeAll(async () => {
    pdns = await startPdns();
    await pdns.createZone('example.com');
    const config = parseConfig(`
owner: redundant
regions:
  - { id: us-east, endpoints: [{ id: use-a, address: 192.0.2.10, check: { kind: tcp, port: 80 } }] }
  - { id: eu-west, endpoints: [{ id: euw-a, address: 198.51.100.10, check: { kind: tcp, port: 80 } }] }
probers: [{ id: p1, keyEnv: K1 }, { id: p2, keyEnv: K2 }, { id: p3, keyEnv: K3 }]
health: { interval: 1s, timeout: 500ms, fall: 2, rise: 2, minProbers: 2, staleAfter: 30s, failbackAfter: 1s }
providers:
  pdns: { kind: powerdns, url: "${pdns.url}", apiKeyEnv: ${PDNS_KEY_ENV}, timeout: 2s }
  local: { kind: builtin, listen: '127.0.0.1:0', storeFile: ${join(root, 'zones.json')} }
zones:
  - name: example.com
    providers: [pdns, local]
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west] } }
controller: { listen: '127.0.0.1:0', schedule: '0 0 1 1 *', stateDir: ${join(root, 'ctl')} }
verify: { timeout: 5s, providers: { pdns: ["127.0.0.1:${pdns.dnsPort}"] } }
`);
    ctl = await startController({
      config,
      env: { ...KEY_ENV, [PDNS_KEY_ENV]: pdns.apiKey },
      logger: silentLogger(),
    });
  }, 30_000);

  afterAll(async () => {
    await ctl?.stop();
    await pdns?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const status = async () => (await (await fetch(`${ctl.url}/v1/status`)).json()) as StatusDoc;
  const view = (s: StatusDoc, p: string) => s.zones.find((z) => z.provider === p);
  const builtinAnswer = async () => {
    const r = new Resolver({ timeout: 1000, tries: 1 });
    r.setServers([ctl.dnsAddresses[0]!]);
    return (await r.resolve4('app.example.com').catch(() => [] as string[])).sort();
  };

  it('fails over on both providers and confirms each on its own nameserver', async () => {
    await round(ctl.url, KEYS, endpoints);
    await round(ctl.url, KEYS, endpoints);
    await until(status, (s) =>
      ['pdns', 'local'].every((p) => view(s, p)?.lastReconcile?.result === 'changed'),
    );
    const down = new Set([ENDPOINTS['us-east']]);
    await round(ctl.url, KEYS, endpoints, down);
    await round(ctl.url, KEYS, endpoints, down);
    const s = await until(status, (x) =>
      ['pdns', 'local'].every(
        (p) =>
          view(x, p)?.lastReconcile?.visible?.length === 1 &&
          view(x, p)?.records[0]?.values[0] === '198.51.100.10',
      ),
    );
    expect(view(s, 'pdns')!.lastReconcile!.visible).toEqual([
      { nameserver: `127.0.0.1:${pdns.dnsPort}`, visibleMs: expect.any(Number) },
    ]);
    expect(view(s, 'local')!.lastReconcile!.visible).toEqual([
      { nameserver: ctl.dnsAddresses[0], visibleMs: expect.any(Number) },
    ]);
    expect(view(s, 'pdns')!.error).toBeUndefined();
    expect(await dnsAnswer(pdns.dnsPort, 'app.example.com', 'A')).toEqual(['198.51.100.10']);
    expect(await builtinAnswer()).toEqual(['198.51.100.10']);
  }, 40_000);

  it('with pdns_server gone, the builtin copy still fails back and status names pdns', async () => {
    await pdns.stop();
    await round(ctl.url, KEYS, endpoints);
    await round(ctl.url, KEYS, endpoints);
    await until(builtinAnswer, (v) => v.join() === '192.0.2.10');
    const s = await until(status, (x) => view(x, 'pdns')?.failing !== undefined);
    expect(view(s, 'pdns')!.failing!.message).toMatch(
      /powerdns provider pdns, zone example\.com\.: read failed: cannot reach the PowerDNS API \(ECONNREFUSED\)/,
    );
    expect(view(s, 'local')?.failing).toBeUndefined();
  }, 40_000);
});
