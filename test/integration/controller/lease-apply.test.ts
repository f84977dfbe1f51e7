// A running controller and a scheduled `geofailover apply` on one zone, both the real binary: while the
// controller holds the zone (its writer's lease, renewed through the provider) apply refuses with exit
// 3 and writes nothing, --force included; the controller's own passes plan zero changes with the lease
// there; a clean stop removes the lease and apply proceeds; a killed controller's lease blocks apply
// until it runs out (plus the clock-skew margin), and then apply proceeds and says why; `plan` notes a
// held zone. On the builtin provider, on the Route 53 fake API, and on moto_server when installed.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DnsProvider } from '../../../providers/index.ts';
import { resetBudgets } from '../../../providers/route53/index.ts';
import type { StatusDoc } from '../../../src/api/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { closeProviders, openProviders } from '../../../src/controller/index.ts';
import { findLease, type Lease, leaseName, parseLease, type RecordSet } from '../../../src/model/index.ts';
import { FakeRoute53 } from '../../fakes/route53/index.ts';
import { runGeofailover } from '../../helpers/cli.ts';
import { KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { createZone, type MotoServer, motoMissing, startMoto } from '../../helpers/moto.ts';
import { round } from '../../helpers/reports.ts';

if (motoMissing) console.warn(`skipping the lease tests on moto_server: ${motoMissing}`);

const OWNER = 'lease-test';
const ZONE = 'example.com.';
const APP = 'app.example.com.';
const US = '192.0.2.10';
const EU = '198.51.100.10';
const ENDPOINTS = ['use-a', 'euw-a'];
const TOKEN = 'lease-test-api-token';
const AWS = {
  AWS_ACCESS_KEY_ID: 'AKIDLEASETEST',
  AWS_SECRET_ACCESS_KEY: 'lease-secret-not-real',
  AWS_EC2_METADATA_DISABLED: 'true',
};
const ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  ...KEY_ENV,
  ...AWS,
  API_TOKEN: TOKEN,
  GEOFAILOVER_LOG_LEVEL: 'warn',
};

/** A short lease so a killed controller's runs out within the test: held at most 4 s + 1 s of skew. */
const LEASE = '{ duration: 4s, renewEvery: 1s, clockSkew: 1s }';

function configYaml(dir: string, provider: string): string {
  return `
owner: ${OWNER}
regions:
  - { id: us-east, endpoints: [{ id: use-a, address: ${US}, check: { kind: tcp, port: 80 } }] }
  - { id: eu-west, endpoints: [{ id: euw-a, address: ${EU}, check: { kind: tcp, port: 80 } }] }
probers: [{ id: p1, keyEnv: K1 }, { id: p2, keyEnv: K2 }, { id: p3, keyEnv: K3 }]
health: { interval: 1s, timeout: 500ms, fall: 2, rise: 2, minProbers: 2, staleAfter: 60s, failbackAfter: 60s }
providers: { p: ${provider} }
zones:
  - name: example.com
    provider: p
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west] } }
controller: { listen: "127.0.0.1:0", schedule: "0 0 1 1 *", stateDir: "${join(dir, 'state')}", tokenEnv: API_TOKEN, lease: ${LEASE} }
`;
}

interface Controller {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];

async function startController(file: string): Promise<Controller> {
  const child = spawn(process.execPath, ['bin/geofailover.js', 'controller', '--config', file], {
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`controller did not start: ${stderr}`)), 30_000);
    child.stderr!.on('data', (c) => {
      stderr += c;
      const m = /listening on (https?:\/\/\S+?);?\s/.exec(stderr);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!.replace(/;$/, ''));
      }
    });
    child.once('exit', () => reject(new Error(`controller exited: ${stderr}`)));
  });
  return { child, url, exited };
}

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms; last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Reads the zone the way the CLI does, through the adapter, in this process. */
function reader(file: string) {
  const config = parseConfig(readFileSync(file, 'utf8'));
  let providers: Map<string, DnsProvider> | undefined;
  const read = async (): Promise<RecordSet[]> => {
    providers ??= await openProviders(config, { env: ENV });
    return providers.get('p')!.records(ZONE, { names: [APP, leaseName(ZONE, OWNER)] });
  };
  return {
    app: async () => (await read()).find((r) => r.name === APP && r.type === 'A')?.values.join(),
    lease: async (): Promise<Lease | undefined> => {
      const r = findLease(await read(), ZONE, OWNER);
      return r && parseLease(r);
    },
    close: async () => providers && closeProviders(providers),
  };
}

const status = async (url: string) => (await (await fetch(`${url}/v1/status`)).json()) as StatusDoc;

/** The controller decides us-east down and fails app over to eu-west; resolves once the store shows it. */
async function failOver(ctl: Controller, zone: ReturnType<typeof reader>): Promise<void> {
  for (let i = 0; i < 3; i++) await round(ctl.url, KEYS, ENDPOINTS, new Set(['use-a']));
  await until('failover to eu-west', zone.app, (v) => v === EU);
}

const apply = (file: string, ...args: string[]) => runGeofailover(['apply', '--config', file, ...args], ENV);

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** The shared flow: held → refused (also with --force), re-plan zero, clean stop → apply proceeds. */
async function heldThenReleased(file: string, zone: ReturnType<typeof reader>): Promise<void> {
  const ctl = await startController(file);
  const replica = (await status(ctl.url)).replica;
  // Taken at start, before health has decided anything: a held DNS answer is held against apply too.
  const lease = await until('lease taken', zone.lease, (l) => l !== undefined);
  expect(lease).toMatchObject({ owner: OWNER, replica });

  await failOver(ctl, zone);
  const refused = await apply(file);
  expect(refused.code, refused.output).toBe(3);
  expect(refused.stderr).toContain('refused: a running controller holds this zone; nothing was applied');
  expect(refused.stderr).toContain('--force does not override this');
  expect(refused.stderr).toContain(`zone ${ZONE} (provider p) is held by controller replica ${replica}`);
  expect(refused.stderr).toMatch(/since \d{4}-\d\d-\d\dT[\d:.]+Z, lease until \d{4}-.*Z/);
  expect(refused.stderr).toContain('clock-skew margin, held until');
  expect(refused.stderr).toContain('remedy: leave the zone to the controller');
  expect(refused.stderr).toContain('stop it first (a clean stop removes its lease)');
  // The refused plan is printed first, as for the safety gate.
  expect(refused.stdout).toContain(APP);
  expect(await zone.app()).toBe(EU);

  // plan says so before anyone applies (and still only plans: exit 0).
  const planned = await runGeofailover(['plan', '--config', file], ENV);
  expect(planned.code, planned.output).toBe(0);
  expect(planned.stderr).toContain(
    `note: zone ${ZONE} (provider p) is held by a running controller (controller replica ${replica}, lease held until `,
  );
  expect(planned.stderr).toContain('`geofailover apply` would write nothing to it (exit 3)');

  const forced = await apply(file, '--force');
  expect(forced.code, forced.output).toBe(3);
  expect(forced.stderr).toContain('--force does not override this');
  expect(await zone.app()).toBe(EU);

  // The controller's own passes are unaffected: with its lease in the zone, planning finds nothing.
  const res = await fetch(`${ctl.url}/v1/reconcile`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(res.status).toBe(200);
  const s = await until(
    'a fresh reconcile',
    () => status(ctl.url),
    (d) => d.zones[0]?.lastReconcile?.trigger === 'api',
  );
  expect(s.zones[0]!.lastReconcile).toMatchObject({ result: 'ok', changes: 0 });
  expect(s.zones[0]!.lease?.expires).toBeDefined();
  expect(s.zones[0]!.lease?.error).toBeUndefined();
  const shown = await runGeofailover(['status', '--controller', ctl.url], ENV);
  expect(shown.stdout).toContain(`writer's lease ${leaseName(ZONE, OWNER)} held until `);
  expect(await zone.lease()).toBeDefined();
  const drift = await runGeofailover(
    ['plan', '--config', file, '--assume', 'us-east=down', '--expect-no-changes'],
    ENV,
  );
  expect(drift.code, drift.output).toBe(0);

  // A clean stop removes the lease: the scheduled apply may write at once.
  ctl.child.kill('SIGTERM');
  expect(await ctl.exited).toBe(0);
  expect(await zone.lease()).toBeUndefined();
  const proceeds = await apply(file);
  expect(proceeds.code, proceeds.output).toBe(0);
  expect(proceeds.stderr).not.toContain('refused');
  expect(await zone.app()).toBe(US);
}

describe('scheduled apply beside a running controller: builtin provider', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gf-lease-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses while the controller holds the zone, proceeds after a clean stop, waits out a killed one', async () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, configYaml(dir, '{ kind: builtin }'));
    const zone = reader(file);
    try {
      await heldThenReleased(file, zone);

      // A controller that is killed leaves its lease: apply steps aside until it runs out.
      const ctl = await startController(file);
      await failOver(ctl, zone);
      ctl.child.kill('SIGKILL');
      await ctl.exited;
      const left = await zone.lease();
      expect(left).toBeDefined();
      const blocked = await apply(file);
      expect(blocked.code, blocked.output).toBe(3);
      expect(blocked.stderr).toContain(`held by controller replica ${left!.replica}`);
      expect(blocked.stderr).toMatch(
        /if the controller is gone \(crashed, killed\), its lease runs out and apply proceeds after/,
      );
      expect(await zone.app()).toBe(EU);

      // Past its expiry plus the 1 s clock-skew margin (the dead controller renewed nothing since).
      const wait = left!.expires + 1000 - Date.now() + 100;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const after = await apply(file);
      expect(after.code, after.output).toBe(0);
      expect(after.stderr).toContain(`the lease of controller replica ${left!.replica} ran out at`);
      expect(after.stderr).toContain('stopped uncleanly (crashed, killed)');
      expect(await zone.app()).toBe(US);
      // apply never writes or removes a lease: the dead one stays until a controller takes it over.
      expect(await zone.lease()).toMatchObject({ replica: left!.replica });
    } finally {
      await zone.close();
    }
  }, 120_000);
});

describe('scheduled apply beside a running controller: Route 53 (fake API)', () => {
  let fake: FakeRoute53;
  let dir: string;
  beforeAll(async () => {
    fake = await new FakeRoute53().start();
    dir = mkdtempSync(join(tmpdir(), 'gf-lease-r53-'));
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses while the controller holds the zone and proceeds after a clean stop', async () => {
    resetBudgets();
    const zoneId = fake.createZone('example.com').id;
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      configYaml(dir, `{ kind: route53, hostedZoneId: ${zoneId}, endpoint: "${fake.url}", syncTimeout: 5s }`),
    );
    const zone = reader(file);
    try {
      await heldThenReleased(file, zone);
    } finally {
      await zone.close();
    }
  }, 120_000);
});

describe.skipIf(motoMissing !== undefined)('scheduled apply beside a running controller: moto_server', () => {
  let moto: MotoServer;
  let dir: string;
  beforeAll(async () => {
    moto = await startMoto();
    dir = mkdtempSync(join(tmpdir(), 'gf-lease-moto-'));
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses while the controller holds the zone and proceeds after a clean stop', async () => {
    resetBudgets();
    const zoneId = await createZone(moto.url, {
      accessKeyId: AWS.AWS_ACCESS_KEY_ID,
      secretAccessKey: AWS.AWS_SECRET_ACCESS_KEY,
    });
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      configYaml(dir, `{ kind: route53, hostedZoneId: ${zoneId}, endpoint: "${moto.url}", syncTimeout: 5s }`),
    );
    const zone = reader(file);
    try {
      await heldThenReleased(file, zone);
    } finally {
      await zone.close();
    }
  }, 120_000);
});
