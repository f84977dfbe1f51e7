// What the rendered Kubernetes pods do at start, run with the real CLI: each container's args exactly
// as rendered (kubelet's $(VAR) expansion, the ConfigMap at its mount path mapped to a temp file),
// with or without its Secret. A missing Secret fails at start with the config error naming each
// variable (exit 2), not a silent crash loop; the scheduled apply against Route 53 (moto_server on
// loopback) exits 3 with the plan in its log when the safety gate refuses.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZone, type MotoServer, motoMissing, startMoto } from '../../helpers/moto.ts';
import {
  type Container,
  type K8sObject,
  kubectlMissing,
  mountedFile,
  ROOT,
  render,
  type Workload,
  workloads,
} from '../../unit/deploy/kustomize.ts';

const BIN = join(ROOT, 'bin/geofailover.js');
const CONFIG_PATH = '/etc/geofailover/geofailover.yaml';

if (kubectlMissing) console.warn(`skipping deploy/kubernetes start tests: ${kubectlMissing}`);

if (motoMissing) console.warn(`skipping the scheduled-apply safety gate test: ${motoMissing}`);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gf-k8s-start-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** kubelet's expansion of $(VAR) in args: defined variables are replaced, others kept as written. */
function expand(arg: string, env: Record<string, string>): string {
  return arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v: string) => env[v] ?? m);
}

/**
 * Runs a rendered container as its pod would: its args (the image's entrypoint is the CLI), the
 * config file it mounts (edited by `edit`, e.g. stateDir to a temp dir), and `secretEnv` as the
 * environment its optional Secret would give (empty: the Secret is missing).
 */
function runContainer(
  objects: K8sObject[],
  w: Workload,
  c: Container,
  secretEnv: Record<string, string>,
  edit: (configText: string) => string = (t) => t,
): Promise<Run> {
  const text = mountedFile(objects, w, c, CONFIG_PATH);
  expect(text, `${c.name} mounts ${CONFIG_PATH}`).toBeDefined();
  const file = join(dir, `${w.object.metadata.name}-${c.name}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, edit(text!));
  const args = (c.args ?? []).map((a) => (a === CONFIG_PATH ? file : expand(a, secretEnv)));
  return new Promise((resolve, reject) => {
    // Only what the pod would have: no variable of this process leaks in.
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, NO_COLOR: '1', ...secretEnv },
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

describe.skipIf(kubectlMissing !== undefined)('deploy/kubernetes pods at start, with the real CLI', () => {
  for (const layout of ['base', 'overlays/ha'] as const) {
    it(`${layout}: without geofailover-secrets the controller pod fails in check-config naming every variable`, async () => {
      const objs = render(layout);
      const [w] = workloads(objs);
      const init = w!.pod.initContainers[0] as Container;
      const r = await runContainer(objs, w!, init, {});
      expect(r.code).toBe(2);
      for (const v of Object.keys(CONTROLLER_SECRETS))
        expect(r.stderr).toMatch(new RegExp(`:\\d+: .*${v} is not set`));
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

  it('probe-agent: without its Secret, or without its key, the agent exits 2 saying what is missing', async () => {
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
  }, 120_000);

  describe.skipIf(motoMissing !== undefined)('scheduled: the apply CronJob on Route 53 (moto_server)', () => {
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
  });
});
