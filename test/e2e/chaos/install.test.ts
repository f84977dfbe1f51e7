// A multi-region install built from the shipped artefacts, on a namespace network: three etcd members
// (TLS, client certificates, auth), two controller replicas started by the HA StatefulSet's command
// lines on its site config (HTTPS with client certificates required, published on 198.18 addresses
// only), and in each region's namespace a demo backend and a probe agent started by the probe-agent
// Deployment's or the probe unit's command line. It checks that the agents' reports are accepted and
// forged ones refused (plaintext, a foreign client certificate), that validate refuses an http://
// controller URL, that a region fails over and back in DNS and status, and that an agent with a wrong
// key is named in status. Needs root, iproute2, etcd, openssl and dig (skips with the reason
// otherwise); namespaces carry the prefix gfoinst-.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StatusDoc } from '../../../src/api/status-types.ts';
import { PROBER_HEADER, SIGNATURE_HEADER, signReport } from '../../../src/probe/index.ts';
import { type Agent, Install, type Region } from './install/install.ts';
import { CLIENT, CONTROLLERS, NET, replicaId } from './install/layout.ts';
import { request } from './install/request.ts';
import { readShipped } from './install/shipped.ts';
import { waitFor } from './procs.ts';

const which = (bin: string) =>
  spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).stdout.trim();
const etcdBin = which('etcd');
const skipReason =
  NET.cannotBuildReason() ??
  (etcdBin ? undefined : 'no `etcd` binary (Debian package etcd-server)') ??
  (which('openssl') ? undefined : 'the openssl command is not installed') ??
  (which('dig') ? undefined : '`dig` (bind9-dnsutils) is not installed');
if (skipReason) console.warn(`install test SKIPPED: ${skipReason}`);

/** Same addresses, in any order (dig prints them as the server orders them). */
const same = (a: readonly string[], b: readonly string[]) =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

describe.skipIf(skipReason !== undefined)('install: the shipped artefacts on a namespace network', () => {
  let dir = '';
  let install: Install;
  let failed = false;
  /** The first failover record of the site config: its name and region order. */
  let app: { name: string; order: Region[] };
  const [ctrl0, ctrl1] = CONTROLLERS as [(typeof CONTROLLERS)[0], (typeof CONTROLLERS)[0]];
  const started = Date.now();

  const agent = (kind: Agent['kind']) => install.agents.find((a) => a.kind === kind)!;
  const prober = (s: StatusDoc, id: string) => s.probers.find((p) => p.id === id);
  const dnsBoth = async (name: string) => [await install.dig(ctrl0, name), await install.dig(ctrl1, name)];

  beforeAll(async () => {
    failed = true;
    const left = NET.teardownAll();
    if (left.length > 0) console.warn(`install test: removed leftover namespaces ${left.join(', ')}`);
    process.once('exit', () => NET.teardownAll());
    dir = mkdtempSync(join(tmpdir(), 'gfoinst-'));
    const shipped = readShipped();
    console.log(`install test: shipped command lines from ${shipped.source}; files in ${dir}`);
    // Both ways an agent is shipped: the first regions' as the Kubernetes overlay runs it, the last's
    // as the systemd unit does.
    install = new Install(shipped, dir, (i) => (i < 2 ? 'kubernetes' : 'systemd'));
    const site = parse(readFileSync(install.configOf(ctrl0.name), 'utf8')) as {
      zones: { records: { name: string; policy: { kind: string; order?: string[] } }[] }[];
    };
    const rec = site.zones.flatMap((z) => z.records).find((r) => r.policy.kind === 'failover')!;
    app = {
      name: rec.name,
      order: rec.policy.order!.map((id) => install.regions.find((r) => r.id === id)!),
    };
    install.build();
    await install.startEtcd(etcdBin);
    for (const c of CONTROLLERS) {
      const v = await install.validate(c);
      if (v.code !== 0) throw new Error(`validate (the check-config init container) on ${c.name}:\n${v.out}`);
      if (/warning/i.test(v.out)) console.warn(`install test: validate on ${c.name} warns:\n${v.out}`);
    }
    await Promise.all([
      ...CONTROLLERS.map((c) => install.startController(c)),
      ...install.regions.map((r) => install.startBackend(r)),
    ]);
    for (const a of install.agents) install.startAgent(a);
    console.log(`install test: everything started after ${sec(Date.now() - started)}`);
    failed = false;
  }, 240_000);

  afterAll(async () => {
    await install?.stopAll();
    NET.teardownAll();
    if (failed || !dir) console.warn(`install test: logs kept in ${dir}/logs`);
    else rmSync(dir, { recursive: true, force: true });
    console.log(`install test: ran ${sec(Date.now() - started)}`);
  });

  // Logs are kept when anything fails (the setup included) and removed after a clean run.
  beforeEach(({ onTestFailed }) =>
    onTestFailed(() => {
      failed = true;
    }),
  );

  it('two replicas share one leader through etcd over TLS and auth; the API is on 198.18 only', async () => {
    const [s0, s1] = await waitFor(
      'both replicas connected to etcd, agreeing on a leader',
      () => Promise.all(CONTROLLERS.map((c) => install.status(c).catch(() => undefined))),
      (ss) =>
        ss.every((s) => s?.coordination?.etcd === 'connected' && s.coordination.leader !== undefined) &&
        ss[0]!.coordination!.leader === ss[1]!.coordination!.leader,
      30_000,
      250,
    );
    expect([s0!.replica, s1!.replica].sort()).toEqual(CONTROLLERS.map(replicaId).sort());
    expect([s0!.role, s1!.role].sort()).toEqual(['follower', 'leader']);
    // Not on loopback, even from the controller's own namespace.
    const local = await request(
      NET.ns(ctrl0.name),
      'GET',
      `https://127.0.0.1:${install.facts.apiPort}/healthz`,
      {
        ca: install.pki.apiCa.cert,
      },
    );
    expect(local.error).toMatch(/ECONNREFUSED/);
  });

  it("the agents' reports are accepted by both replicas, and DNS serves the first region", async () => {
    const t0 = Date.now();
    for (const c of CONTROLLERS)
      await waitFor(
        `every prober fresh and every region up on ${c.name}`,
        () => install.status(c).catch((e: Error) => e.message),
        (s) =>
          typeof s !== 'string' &&
          s.probers.every((p) => p.fresh && p.lastReportAt && !p.rejected) &&
          s.regions.every((r) => r.decided && r.status === 'up'),
        60_000,
        250,
      );
    console.log(`install test: all reports accepted ${sec(Date.now() - t0)} after the agents started`);
    // The Kubernetes agents' readiness: a controller accepted a report within staleAfter.
    for (const a of install.agents.filter((x) => x.kind === 'kubernetes')) {
      const ready = await request(NET.ns(a.region.host.name), 'GET', 'http://127.0.0.1:8081/readyz');
      expect(ready.status, `${a.prober} /readyz: ${JSON.stringify(ready)}`).toBe(200);
    }
    await waitFor(
      `${app.name} answered with ${app.order[0]!.id} by both replicas`,
      () => dnsBoth(app.name),
      (both) => both.every((v) => same(v, app.order[0]!.addresses)),
      30_000,
      250,
    );
    // Each replica writes its own builtin store and keeps its writer's lease in every zone of it
    // (what makes a scheduled `geofailover apply` step aside).
    for (const c of CONTROLLERS) {
      const s = await waitFor(
        `a writer's lease in every zone of ${c.name}`,
        () => install.status(c),
        (x) => x.zones.every((z) => z.lease?.expires !== undefined),
        15_000,
        250,
      );
      // The standing lease is what apply reads; taking it never fails (one renewal at a time).
      expect(
        s.zones.filter((x) => x.lease?.error).map((z) => `${z.zone}: ${z.lease!.error}`),
        c.name,
      ).toEqual([]);
    }
  });

  it('a plaintext report and one with a foreign client certificate are refused', async () => {
    const a = install.agents[0]!;
    const endpoint = (
      parse(readFileSync(install.configOf(ctrl0.name), 'utf8')) as {
        regions: { endpoints: { id: string }[] }[];
      }
    ).regions[0]!.endpoints[0]!.id;
    // Correctly signed with the prober's own key: only the transport may refuse it. Had it been
    // accepted, its failing result would show in status under its marker.
    const marker = `forged-${Date.now()}`;
    const forged = () => {
      const now = Date.now();
      const body = JSON.stringify({
        prober: a.prober,
        seq: now,
        sentAt: now,
        impaired: false,
        results: [{ endpoint, prober: a.prober, ok: false, latencyMs: 1, detail: marker, at: now }],
      });
      return {
        body,
        headers: {
          [SIGNATURE_HEADER]: signReport(install.keys[a.keyEnv]!, body),
          [PROBER_HEADER]: a.prober,
        },
      };
    };
    const plain = await request(
      NET.ns(CLIENT.name),
      'POST',
      `http://${ctrl0.address}:${install.facts.apiPort}/v1/reports`,
      forged(),
    );
    expect(plain.status === undefined || plain.status >= 400, JSON.stringify(plain)).toBe(true);
    console.log(`install test: a plaintext report to the HTTPS listener: ${JSON.stringify(plain)}`);
    const foreign = await request(NET.ns(CLIENT.name), 'POST', `${install.apiUrl(ctrl0)}/v1/reports`, {
      ...forged(),
      ca: install.pki.apiCa.cert,
      cert: install.pki.foreign.cert,
      key: install.pki.foreign.key,
    });
    expect(foreign.status, JSON.stringify(foreign)).toBe(403);
    expect(JSON.parse(foreign.status === 403 ? foreign.body : '{}')).toMatchObject({
      reason: 'client-cert-invalid',
    });
    const s = await install.status(ctrl0);
    expect(prober(s, a.prober)?.rejected?.reason).toBe('client-cert-invalid');
    expect(JSON.stringify(s)).not.toContain(marker);
    expect(s.regions.every((r) => r.status === 'up')).toBe(true);
  });

  it('validate (the init container) refuses controllers.env naming a controller by http://', async () => {
    const url = `http://${ctrl0.address}:${install.facts.apiPort}`;
    const v = await install.validate(ctrl0, { [install.facts.controllersEnv]: url });
    expect(v.code, v.out).toBe(2);
    expect(v.out).toContain(url);
    expect(v.out).toMatch(/plain HTTP/);
  });

  it('a region fails over and back, in DNS answers and in status', async () => {
    const [first, second] = app.order as [Region, Region];
    const t0 = Date.now();
    await install.setMode(first, 'fail');
    await waitFor(
      `${app.name} moved to ${second.id} on both replicas`,
      () => dnsBoth(app.name),
      (both) => both.every((v) => same(v, second.addresses)),
      30_000,
      200,
    );
    const failover = Date.now() - t0;
    for (const c of CONTROLLERS) {
      const r = (await install.status(c)).regions.find((x) => x.id === first.id)!;
      expect(r.status, `${first.id} on ${c.name}`).toBe('down');
    }
    const t1 = Date.now();
    await install.setMode(first, 'healthy');
    await waitFor(
      `${app.name} back on ${first.id} on both replicas`,
      () => dnsBoth(app.name),
      (both) => both.every((v) => same(v, first.addresses)),
      45_000,
      200,
    );
    const failback = Date.now() - t1;
    for (const c of CONTROLLERS)
      expect((await install.status(c)).regions.find((x) => x.id === first.id)!.status).toBe('up');
    console.log(`install test: failover seen in DNS after ${sec(failover)}, failback after ${sec(failback)}`);
  });

  it('an agent restarted with a wrong key is named in status within 10 s', async () => {
    const a = agent('systemd');
    await a.proc!.stop();
    const t0 = Date.now();
    install.startAgent(a, 'not-the-key-its-prober-has-0123456789abcdef');
    const s = await waitFor(
      `${a.prober} named as rejected (bad-signature) in status`,
      () => install.status(ctrl0).catch(() => undefined),
      (x) => {
        const r = x && prober(x, a.prober)?.rejected;
        return r?.reason === 'bad-signature' && r.current;
      },
      10_000,
      200,
    );
    console.log(`install test: wrong key named in status after ${sec(Date.now() - t0)}`);
    expect(s!.problems.some((p) => p.kind === 'prober-rejected' && p.prober === a.prober)).toBe(true);
  });
});
