// CNAME values on the builtin server at a non-apex name, in the running controller: regions whose
// endpoints are load balancer host names (one inside the zone, one outside). dig sees the CNAME to
// the first UP region's name (chased inside the zone to its A record), a failover swaps the target,
// and planning again finds nothing to change.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusDoc } from '../../../src/api/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { hostPort } from '../../helpers/dns-shares.ts';
import { round } from '../../helpers/reports.ts';
import { dig, has } from '../dns/fixture.ts';

const hasDig = has('dig');
if (!hasDig) console.warn('skipping CNAME target tests: dig (bind9-dnsutils) is not installed');

const yaml = (dir: string) => `
owner: cname-test
regions:
  - id: us-east
    endpoints: [{ id: use-lb, address: lb-use.example.com, check: { kind: tcp, port: 80 } }]
  - id: eu-west
    endpoints: [{ id: euw-lb, address: lb-euw.example.net, check: { kind: tcp, port: 80 } }]
  - id: origin
    endpoints: [{ id: origin-a, address: 192.0.2.10, check: { kind: tcp, port: 80 } }]
probers: [{ id: p1, keyEnv: K1 }, { id: p2, keyEnv: K2 }, { id: p3, keyEnv: K3 }]
health: { interval: 1s, timeout: 500ms, fall: 2, rise: 2, minProbers: 2, staleAfter: 30s, failbackAfter: 60s }
providers: { dns: { kind: builtin, listen: "127.0.0.1:0" } }
zones:
  - name: example.com
    provider: dns
    records:
      - { name: www.example.com, type: CNAME, ttl: 30, policy: { kind: failover, order: [us-east, eu-west] } }
      - { name: lb-use.example.com, type: A, ttl: 30, policy: { kind: failover, order: [origin] } }
controller: { listen: "127.0.0.1:0", schedule: "0 0 1 1 *", stateDir: "${dir}" }
`;

const running: RunningController[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
});

async function until(url: string, ok: (s: StatusDoc) => boolean, ms = 10_000): Promise<StatusDoc> {
  const end = Date.now() + ms;
  for (;;) {
    const s = (await (await fetch(`${url}/v1/status`)).json()) as StatusDoc;
    if (ok(s)) return s;
    if (Date.now() > end) throw new Error(`status never matched: ${JSON.stringify(s.zones).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const cname = (s: StatusDoc) =>
  s.zones[0]!.records.find((r) => r.name === 'www.example.com.' && r.type === 'CNAME')?.values.join();

describe.skipIf(!hasDig)('CNAME targets on the builtin server (dig)', () => {
  it('answers the first UP region’s load balancer name, chased in the zone; a failover swaps it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-cname-'));
    const ctl = await startController({
      config: parseConfig(yaml(dir)),
      env: KEY_ENV,
      logger: silentLogger(),
    });
    running.push(ctl);
    const { port } = hostPort(ctl.dnsAddresses[0]!);
    const endpoints = ['use-lb', 'euw-lb', 'origin-a'];
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, endpoints);
    await until(ctl.url, (s) => cname(s) === 'lb-use.example.com.');
    const r = await dig('dig', port, ['+norec', 'www.example.com', 'A']);
    expect(r.status).toBe('NOERROR');
    expect(r.answer.map((x) => [x[0], x[3], x[4]])).toEqual([
      ['www.example.com.', 'CNAME', 'lb-use.example.com.'],
      ['lb-use.example.com.', 'A', '192.0.2.10'],
    ]);

    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, endpoints, new Set(['use-lb']));
    await until(ctl.url, (s) => cname(s) === 'lb-euw.example.net.');
    const after = await dig('dig', port, ['+norec', 'www.example.com', 'CNAME']);
    expect(after.answer.map((x) => [x[0], x[3], x[4]])).toEqual([
      ['www.example.com.', 'CNAME', 'lb-euw.example.net.'],
    ]);

    // Planning again finds nothing to change.
    await ctl.reconcileNow();
    expect(ctl.status().zones[0]!.lastReconcile?.result).toBe('ok');
  });
});
