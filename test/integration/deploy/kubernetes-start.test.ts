// What the rendered Kubernetes pods do at start, run with the real CLI: each container's args exactly
// as rendered (kubelet's $(VAR) expansion, the ConfigMap at its mount path mapped to a temp file, the
// environment of its envFrom ConfigMaps), with or without its Secrets (the TLS Secret's mount path
// mapped to a temp dir of certificates made with openssl). A missing Secret fails at start with the
// config error naming each variable and file (exit 2), not a silent crash loop; the probe agent answers
// the liveness and readiness probes its pod defines (ready only once a controller accepts); it takes
// the https:// controller URLs of components/controllers/controllers.env; the scheduled apply against Route 53 (moto_server on
// loopback) exits 3 with the plan in its log when the safety gate refuses. The controller started
// inside a real cgroup held to its container's CPU limit runs the DNS workers its config sets, and a
// config asking for more than that limit stops it with the ConfigMap file's line and the remedy.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuQuota } from '../../../bench/lib/cpu-quota.ts';
import { startFails, startListening, stopChild } from '../../helpers/in-cgroup.ts';
import { createZone, type MotoServer, motoMissing, startMoto } from '../../helpers/moto.ts';
import { k8sCpu } from '../../unit/deploy/dns-workers.ts';
import {
  type Container,
  configMapEnv,
  type K8sObject,
  kubectlMissing,
  mountedFile,
  ROOT,
  render,
  type Workload,
  workloads,
} from '../../unit/deploy/kustomize.ts';
import { HAVE_OPENSSL, issue, makeCa } from '../tls/certs.ts';
import { waitFor } from '../tls/harness.ts';

const BIN = join(ROOT, 'bin/geofailover.js');
const CONFIG_PATH = '/etc/geofailover/geofailover.yaml';

if (kubectlMissing) console.warn(`skipping deploy/kubernetes start tests: ${kubectlMissing}`);

if (motoMissing) console.warn(`skipping the scheduled-apply safety gate test: ${motoMissing}`);

const quota = CpuQuota.open();
if (typeof quota === 'string') console.warn(`skipping the controller-under-its-CPU-limit test: ${quota}`);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;
/** What each TLS Secret would hold, by Secret name: a temp dir with its files. */
const secretDirs: Record<string, string> = {};
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gf-k8s-start-'));
  if (!HAVE_OPENSSL) return;
  // The files README "Deploy" step 5 makes: the controller's pair and the CA (geofailover-tls), and
  // the CA alone for an agent (geofailover-probe-tls), under the Secret keys the config names.
  const ca = makeCa(dir, 'ca');
  const server = issue(dir, ca, 'controller');
  for (const [secret, files] of Object.entries({
    'geofailover-tls': { 'tls.crt': server.cert, 'tls.key': server.key, 'ca.crt': ca.cert },
    'geofailover-probe-tls': { 'ca.crt': ca.cert },
  })) {
    const d = join(dir, secret);
    mkdirSync(d);
    for (const [key, from] of Object.entries(files)) copyFileSync(from, join(d, key));
    secretDirs[secret] = d;
  }
});
afterAll(() => {
  if (typeof quota !== 'string') quota.release();
  rmSync(dir, { recursive: true, force: true });
});

/** kubelet's expansion of $(VAR) in args: defined variables are replaced, others kept as written. */
function expand(arg: string, env: Record<string, string>): string {
  return arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v: string) => env[v] ?? m);
}

/** The config text with each secret volume's mount path pointing at that Secret's temp dir (when the
 * test gives the Secret; otherwise the path stays, and its files are missing as in a pod without it). */
function withSecrets(w: Workload, c: Container, text: string, secrets: readonly string[]): string {
  let out = text;
  for (const m of c.volumeMounts ?? []) {
    const vol = (w.pod.volumes ?? []).find((v: { name: string }) => v.name === m.name);
    const d =
      vol?.secret && secrets.includes(vol.secret.secretName) ? secretDirs[vol.secret.secretName] : undefined;
    if (d) out = out.replaceAll(`${m.mountPath}/`, `${d}/`);
  }
  return out;
}

/**
 * Runs a rendered container as its pod would: its args (the image's entrypoint is the CLI), the
 * config file it mounts (edited by `edit`, e.g. stateDir to a temp dir), the environment of its
 * ConfigMaps, `secretEnv` as the environment its optional Secret would give (empty: the Secret is
 * missing), and the files of the TLS Secrets named in `secrets` (the others missing).
 */
function runContainer(
  objects: K8sObject[],
  w: Workload,
  c: Container,
  secretEnv: Record<string, string>,
  edit: (configText: string) => string = (t) => t,
  secrets: readonly string[] = Object.keys(secretDirs),
): Promise<Run> {
  const text = mountedFile(objects, w, c, CONFIG_PATH);
  expect(text, `${c.name} mounts ${CONFIG_PATH}`).toBeDefined();
  const file = join(dir, `${w.object.metadata.name}-${c.name}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, withSecrets(w, c, edit(text!), secrets));
  const env = { ...configMapEnv(objects, c), ...secretEnv };
  const args = (c.args ?? []).map((a) => (a === CONFIG_PATH ? file : expand(a, env)));
  return new Promise((resolve, reject) => {
    // Only what the pod would have: no variable of this process leaks in.
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const stateIn = (sub: string) => (t: string) => {
  const state = join(dir, sub);
  mkdirSync(state, { recursive: true });
  return t.replace('stateDir: /var/lib/geofailover', `stateDir: ${JSON.stringify(state)}`);
};

// 32 bytes or more each: shorter ones fail check-config (validate --check-env) as well.
const CONTROLLER_SECRETS = {
  PROBER_VIRGINIA_KEY: 'test-virginia-key-0123456789abcdef',
  PROBER_FRANKFURT_KEY: 'test-frankfurt-key-0123456789abcdef',
  PROBER_MUMBAI_KEY: 'test-mumbai-key-0123456789abcdef',
  GEOFAILOVER_API_TOKEN: 'test-api-token-0123456789abcdefgh',
};

if (!HAVE_OPENSSL)
  console.warn('skipping deploy/kubernetes start tests: the openssl command is not installed');

describe.skipIf(kubectlMissing !== undefined || !HAVE_OPENSSL)(
  'deploy/kubernetes pods at start, with the real CLI',
  () => {
    for (const layout of ['base', 'overlays/ha'] as const) {
      it(`${layout}: without geofailover-secrets and geofailover-tls the controller pod fails in check-config naming every variable and file`, async () => {
        const objs = render(layout);
        const [w] = workloads(objs);
        const init = w!.pod.initContainers[0] as Container;
        const r = await runContainer(objs, w!, init, {}, undefined, []);
        expect(r.code).toBe(2);
        for (const v of Object.keys(CONTROLLER_SECRETS))
          expect(r.stderr).toMatch(new RegExp(`:\\d+: .*${v} is not set`));
        for (const f of [
          'controller.tls.certFile: /etc/geofailover-tls/tls.crt',
          'controllersFrom.ca: /etc/geofailover-tls/ca.crt',
        ])
          expect(r.stderr).toMatch(new RegExp(`:\\d+: ${f.replaceAll('.', '\\.')}: file not found`));
        // GEOFAILOVER_CONTROLLERS comes from the ConfigMap, which the pod always has.
        expect(r.stderr).not.toContain('GEOFAILOVER_CONTROLLERS');
        expect(r.stderr).toContain('remedy:');

        // The controller container itself refuses the same way (no crash, no half start).
        const main = await runContainer(objs, w!, w!.pod.containers[0], {}, stateIn(`${layout}-missing`));
        expect(main.code).toBe(2);
        expect(main.stderr).toMatch(/environment variable PROBER_VIRGINIA_KEY is not set/);

        const ok = await runContainer(objs, w!, init, CONTROLLER_SECRETS);
        expect(ok.code, ok.stderr).toBe(0);
        expect(ok.stdout).toContain('valid: owner shop-prod');
        for (const v of Object.values(CONTROLLER_SECRETS)) expect(ok.stdout + ok.stderr).not.toContain(v);
      }, 180_000);
    }

    it.skipIf(typeof quota === 'string')(
      "base: the controller held to its container's CPU limit runs the DNS workers its config sets; more stop it",
      async () => {
        const objs = render('base');
        const [w] = workloads(objs);
        const c = w!.pod.containers[0] as Container;
        const cores = k8sCpu(c.resources.limits.cpu);
        // As the pod would run it, on loopback ports of this machine.
        const loopback = (t: string) =>
          stateIn('base-cgroup')(t)
            .replace('"0.0.0.0:8443"', '"127.0.0.1:0"')
            .replace('"0.0.0.0:5353"', '"127.0.0.1:0"');
        const start = (edit: (t: string) => string) => {
          const text = mountedFile(objs, w!, c, CONFIG_PATH)!;
          const file = join(dir, `base-cgroup-${Math.random().toString(36).slice(2)}.yaml`);
          writeFileSync(file, withSecrets(w!, c, edit(text), Object.keys(secretDirs)));
          const args = (c.args ?? []).map((a) => (a === CONFIG_PATH ? file : a));
          const run = startListening([process.execPath, BIN, ...args], {
            quota: quota as CpuQuota,
            cores,
            cwd: ROOT,
            env: {
              PATH: process.env.PATH ?? '/usr/bin:/bin',
              HOME: dir,
              NO_COLOR: '1',
              ...configMapEnv(objs, c),
              ...CONTROLLER_SECRETS,
            },
          });
          return { file, run };
        };

        const ok = await start(loopback).run;
        expect(ok.line).toMatch(
          /listening on https:\/\/127\.0\.0\.1:\d+; DNS on 127\.0\.0\.1:\d+ \(1 worker: configured\)/,
        );
        await stopChild(ok.child);

        const { file, run } = start((t) => loopback(t).replace('workers: 1 }', 'workers: 2 }'));
        const over = await startFails(run);
        expect(over.code).toBe(2);
        expect(over.stderr).toMatch(
          new RegExp(
            `${file.replaceAll('.', '\\.')}:\\d+: providers\\.local\\.workers: 2 DNS workers do not fit this process: cgroup cpu\\S* 1\\.0 CPU allows 1`,
          ),
        );
        expect(over.stderr).toContain('remedy: set providers.local.workers: 1');
      },
      120_000,
    );

    it('probe-agent: without its Secrets, or without its key, the agent exits 2 saying what is missing', async () => {
      const objs = render('overlays/probe-agent');
      const [w] = workloads(objs);
      const c = w!.pod.containers[0] as Container;

      const none = await runContainer(objs, w!, c, {});
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('unknown prober "$(PROBER_ID)"');
      expect(none.stderr).toContain('use one of the configured probers: virginia, frankfurt, mumbai');

      const noKey = await runContainer(objs, w!, c, { PROBER_ID: 'frankfurt' });
      expect(noKey.code).toBe(2);
      expect(noKey.stderr).toContain(
        'probers[1] (frankfurt).keyEnv: environment variable PROBER_FRANKFURT_KEY is not set',
      );

      const secret = { PROBER_ID: 'frankfurt', PROBER_FRANKFURT_KEY: 'test-frankfurt-key' };
      const noTls = await runContainer(objs, w!, c, secret, undefined, []);
      expect(noTls.code).toBe(2);
      expect(noTls.stderr).toContain('controllersFrom.ca: /etc/geofailover-tls/ca.crt: file not found');
    }, 120_000);

    it('probe-agent: with its Secrets it starts, reporting over HTTPS to the URLs of controllers.env', async () => {
      const objs = render('overlays/probe-agent');
      const [w] = workloads(objs);
      const c = w!.pod.containers[0] as Container;
      const urls = configMapEnv(objs, c).GEOFAILOVER_CONTROLLERS!.split(',');
      const text = mountedFile(objs, w!, c, CONFIG_PATH)!;
      const file = join(dir, `probe-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(file, withSecrets(w!, c, text, Object.keys(secretDirs)));
      const env = {
        ...configMapEnv(objs, c),
        PROBER_ID: 'frankfurt',
        PROBER_FRANKFURT_KEY: 'test-frankfurt-key',
      };
      const listen = c.args![c.args!.indexOf('--health-listen') + 1];
      const args = (c.args ?? []).map((a) =>
        a === CONFIG_PATH ? file : a === listen ? '127.0.0.1:0' : expand(a, env),
      );
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, NO_COLOR: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        out += d;
      });
      try {
        await waitFor('probe agent started', () => out.includes('probe agent started'), 30_000);
        const started = JSON.parse(out.split('\n').find((l) => l.includes('probe agent started'))!);
        expect(started.controllers).toEqual(urls);
        for (const u of started.controllers) expect(u).toMatch(/^https:\/\//);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('close', r));
      }
    }, 60_000);

    it("probe-agent: with its Secret, the probes' paths answer on the agent: live at once, ready once a controller accepts", async () => {
      const objs = render('overlays/probe-agent');
      const [w] = workloads(objs);
      const c = w!.pod.containers[0] as Container;
      // A stand-in for the controllers the config names: refuses the key (401) until told to accept.
      let accept = false;
      const receiver = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(accept ? 200 : 401, { 'content-type': 'application/json' });
          res.end(accept ? '{"ok":true}' : '{"error":"bad-signature","detail":"signature does not match"}');
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
      const controller = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      const text = mountedFile(objs, w!, c, CONFIG_PATH)!;
      const file = join(dir, 'probe-agent-health.yaml');
      writeFileSync(file, withSecrets(w!, c, text, Object.keys(secretDirs)));
      const listen = c.args![c.args!.indexOf('--health-listen') + 1]!;
      // The controller URL as controllers.env would give it, here the stand-in on loopback.
      const secret = {
        ...configMapEnv(objs, c),
        GEOFAILOVER_CONTROLLERS: controller,
        PROBER_ID: 'frankfurt',
        PROBER_FRANKFURT_KEY: 'test-frankfurt-key',
      };
      // As the pod runs it, but on loopback and a port the OS picks (the port itself is checked in
      // test/unit/deploy/kubernetes.test.ts against the container port the probes name).
      const args = (c.args ?? []).map((a) =>
        a === CONFIG_PATH ? file : a === listen ? '127.0.0.1:0' : expand(a, secret),
      );
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, NO_COLOR: '1', ...secret },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let logs = '';
      child.stdout.on('data', (d) => {
        logs += d;
      });
      child.stderr.on('data', (d) => {
        logs += d;
      });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      try {
        const until = async <T>(what: string, get: () => Promise<T> | T, ok: (v: T) => boolean) => {
          const end = Date.now() + 30_000;
          for (;;) {
            const v = await get();
            if (ok(v)) return v;
            if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${logs.slice(-2000)}`);
            await new Promise((r) => setTimeout(r, 100));
          }
        };
        const base = await until(
          'the health listener',
          () => /"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"health endpoints/.exec(logs)?.[1],
          (u) => u !== undefined,
        );
        const probe = async (p: { httpGet: { path: string } }) =>
          (await fetch(`${base}${p.httpGet.path}`)).status;
        expect(await probe(c.livenessProbe)).toBe(200);
        // Refused: alive but not ready, and the log says what to check.
        await until(
          'a refusal',
          () => logs,
          (l) => l.includes('bad signature (401)'),
        );
        expect(await probe(c.readinessProbe)).toBe(503);
        expect(logs).toContain('check the key: PROBER_FRANKFURT_KEY (probers[frankfurt].keyEnv)');
        expect(logs).not.toContain('test-frankfurt-key');
        accept = true;
        await until(
          'ready',
          () => probe(c.readinessProbe),
          (s) => s === 200,
        );
        expect(await probe(c.livenessProbe)).toBe(200);
      } finally {
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        receiver.closeAllConnections();
        receiver.close();
      }
    }, 120_000);

    describe.skipIf(motoMissing !== undefined)(
      'scheduled: the apply CronJob on Route 53 (moto_server)',
      () => {
        let moto: MotoServer | undefined;
        let url = '';
        let zoneId = '';
        const aws = { AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret-not-real' };

        beforeAll(async () => {
          moto = await startMoto();
          url = moto.url;
          zoneId = await createZone(url, {
            accessKeyId: aws.AWS_ACCESS_KEY_ID,
            secretAccessKey: aws.AWS_SECRET_ACCESS_KEY,
          });
        }, 60_000);

        afterAll(async () => {
          await moto?.stop();
        });

        it('applies on schedule; a config edit over the safety threshold exits 3 with the plan in the log and writes nothing', async () => {
          const objs = render('overlays/scheduled');
          const [w] = workloads(objs);
          const [init, apply] = [w!.pod.initContainers[0] as Container, w!.pod.containers[0] as Container];
          // The ConfigMap's config, pointed at moto: the same zone, records and safety settings.
          const atMoto = (t: string) =>
            stateIn('scheduled')(t).replace(
              /aws: \{ kind: route53, hostedZoneId: \w+ \}/,
              `aws: { kind: route53, hostedZoneId: ${zoneId}, endpoint: "${url}" }`,
            );

          expect((await runContainer(objs, w!, init, aws, atMoto)).code).toBe(0);
          const first = await runContainer(objs, w!, apply, aws, atMoto);
          expect(first.code, first.stderr).toBe(0);
          expect(first.stdout).toMatch(
            /applied \d+ change\(s\) to example\.com\. \(aws\); planning again finds no changes/,
          );
          const again = await runContainer(objs, w!, apply, aws, atMoto);
          expect(again.code).toBe(0);
          expect(again.stdout).toContain('Nothing to apply.');

          // Someone edits the ConfigMap: every TTL changes, and the gate is armed from one record.
          const edited = (t: string) =>
            atMoto(t).replaceAll('ttl: 30', 'ttl: 300').replace('minExisting: 10', 'minExisting: 1');
          const refused = await runContainer(objs, w!, apply, aws, edited);
          expect(refused.code).toBe(3); // FailJob by the CronJob's podFailurePolicy
          expect(refused.stdout).toContain('=== zone example.com.');
          expect(refused.stdout).toContain('~ update app.example.com. A');
          expect(refused.stdout).toMatch(/REFUSED +update-fraction/);
          expect(refused.stdout).not.toMatch(/^applied /m);
          expect(refused.stderr).toContain('refused by the safety gate: nothing was applied');
          expect(refused.stderr).toContain('--force');

          // Nothing was written: the unedited config still plans zero changes.
          const after = await runContainer(objs, w!, apply, aws, atMoto);
          expect(after.code).toBe(0);
          expect(after.stdout).toContain('Nothing to apply.');
        }, 120_000);
      },
    );
  },
);
