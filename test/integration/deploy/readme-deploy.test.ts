// The README's Deploy section must keep working: every repository path it names exists, every
// `kubectl apply -k DIR` renders, every `npx geofailover validate` and `promtool test rules` line
// passes, every unit it enables and every Secret it creates is one the manifests and units use, and
// its openssl lines make a CA and certificates the controller and the agents accept.
import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCa, loadKeyPair } from '../../../src/tls/index.ts';
import { kubectlMissing, LAYOUTS, type Layout, render, workloads } from '../../unit/deploy/kustomize.ts';

const ROOT = join(import.meta.dirname, '../../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = /\n## Deploy\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
const lines = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
  m[1]!
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim()),
);

const has = (bin: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('README "Deploy"', () => {
  it('walks through image, config, secrets, provider credentials, controller, probes, systemd, alerts', () => {
    expect(section.length).toBeGreaterThan(2000);
    for (const word of ['Route 53', 'Cloudflare', 'probe agent', 'HA', 'systemd', 'CronJob', 'Grafana'])
      expect(section).toContain(word);
    // TLS has its own section; Deploy links to it, and the link's target exists.
    expect(section).toContain('see [TLS](#tls-on-the-report-channel-and-the-api)');
    expect(readme).toMatch(/^## TLS on the report channel and the API$/m);
  });

  it('names only repository paths that exist', () => {
    const paths = new Set(
      [
        ...section.matchAll(
          /`?\b(deploy\/(?:kubernetes|systemd|prometheus|grafana|route53)[\w./@*-]*?)[`\s,)]/g,
        ),
      ].map((m) => m[1]!),
    );
    expect(paths.size).toBeGreaterThan(8);
    for (const p of paths) {
      if (p.includes('*')) continue;
      expect(existsSync(join(ROOT, p.replace(/\.$/, ''))), p).toBe(true);
    }
  });

  it.skipIf(kubectlMissing !== undefined)(
    'every `kubectl apply -k DIR` renders, and its Secrets are the ones the pods read',
    () => {
      const applied = lines.flatMap((l) => /kubectl apply -k deploy\/kubernetes\/(\S+)/.exec(l)?.[1] ?? []);
      expect(applied.sort()).toEqual([...LAYOUTS].sort());
      // A pod reads a Secret as its environment (envFrom) or as files (a secret volume: TLS).
      const refs = new Set(
        applied.flatMap((l) =>
          workloads(render(l as Layout)).flatMap((w) => [
            ...[...(w.pod.initContainers ?? []), ...w.pod.containers].flatMap(
              (c: { envFrom?: { secretRef?: { name: string } }[] }) =>
                (c.envFrom ?? []).flatMap((e) => (e.secretRef ? [e.secretRef.name] : [])),
            ),
            ...(w.pod.volumes ?? []).flatMap((v: { secret?: { secretName: string } }) =>
              v.secret ? [v.secret.secretName] : [],
            ),
          ]),
        ),
      );
      const created = lines.flatMap((l) => /create secret generic (\S+)/.exec(l)?.[1] ?? []);
      expect(created.sort()).toEqual([...refs].sort());
      // The probe Secret carries PROBER_ID, which the agent's args expand.
      expect(
        lines.some((l) => l.includes('geofailover-probe') && l.includes('--from-literal=PROBER_ID=')),
      ).toBe(true);
    },
  );

  it.skipIf(!has('openssl'))(
    "step 5's openssl lines make a CA, a controller certificate naming the controller and the in-cluster API, and a client certificate",
    () => {
      const block = [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
        .map((m) => m[1]!)
        .find((b) => b.includes('openssl req -x509'));
      expect(block, 'the openssl block of step 5').toBeDefined();
      const dir = mkdtempSync(join(tmpdir(), 'gf-readme-tls-'));
      try {
        const r = spawnSync('sh', ['-e', '-c', block!], { cwd: dir, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        const cert = (f: string) => new X509Certificate(readFileSync(join(dir, f)));
        const ca = cert('ca.pem');
        expect(ca.ca).toBe(true);
        const controller = cert('controller.pem');
        expect(controller.checkIssued(ca) && controller.verify(ca.publicKey)).toBe(true);
        // The names the agents use (controllers.env) and Prometheus's in-cluster name.
        const env = readFileSync(
          join(ROOT, 'deploy/kubernetes/components/controllers/controllers.env'),
          'utf8',
        );
        const hosts = /^GEOFAILOVER_CONTROLLERS=(.*)$/m
          .exec(env)![1]!
          .split(',')
          .map((u) => new URL(u).hostname);
        for (const h of [...hosts, 'geofailover-api.geofailover.svc'])
          expect(controller.checkHost(h), `the certificate names ${h}`).toBe(h);
        expect(controller.checkPrivateKey(createPrivateKey(readFileSync(join(dir, 'controller.key'))))).toBe(
          true,
        );
        const client = cert('frankfurt.pem');
        expect(client.checkIssued(ca)).toBe(true);
        expect(client.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
        // What the controller and the agent load at start accepts them.
        expect(() =>
          loadKeyPair(
            { path: join(dir, 'controller.pem'), where: 'controller.tls.certFile' },
            { path: join(dir, 'controller.key'), where: 'controller.tls.keyFile' },
          ),
        ).not.toThrow();
        expect(() => loadCa({ path: join(dir, 'ca.pem'), where: 'controllersFrom.ca' })).not.toThrow();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('every `npx geofailover validate` line exits 0', () => {
    const runs = lines.filter((l) => l.startsWith('npx geofailover validate '));
    expect(runs.length).toBeGreaterThan(0);
    for (const l of runs) {
      const args = l.slice('npx geofailover '.length).split(/\s+/);
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/geofailover.js'), ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(r.status, `${l}\n${r.stderr}`).toBe(0);
    }
  });

  it.skipIf(!has('promtool'))('every `promtool test rules` line passes from the repository root', () => {
    const runs = lines.filter((l) => l.startsWith('promtool '));
    expect(runs.length).toBeGreaterThan(0);
    for (const l of runs) {
      const r = spawnSync('promtool', l.split('#')[0]!.trim().split(/\s+/).slice(1), {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(r.status, `${l}\n${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  it('every unit it enables is in deploy/systemd, and every env file it installs is one a unit reads', () => {
    const enabled = lines.flatMap((l) => [...l.matchAll(/systemctl enable --now (\S+)/g)].map((m) => m[1]!));
    expect(enabled.length).toBeGreaterThanOrEqual(3);
    const units = new Map<string, string>();
    const add = (name: string) => {
      const instance = /@([^.]+)/.exec(name)?.[1] ?? '';
      const file = (name.includes('.') ? name : `${name}.service`).replace(/@[^.]+\./, '@.');
      const path = join(ROOT, 'deploy/systemd', file);
      expect(existsSync(path), `${name} -> ${path}`).toBe(true);
      const text = readFileSync(path, 'utf8').replaceAll('%i', instance);
      units.set(name, text);
      // A timer starts its service: that unit's environment counts too.
      const started = /^Unit=(\S+)$/m.exec(text)?.[1];
      if (file.endsWith('.timer') && started) add(started);
    };
    for (const u of enabled) add(u);
    const envFiles = lines.flatMap((l) =>
      [...l.matchAll(/(\/etc\/geofailover\/[\w-]+\.env)/g)].map((m) => m[1]!),
    );
    expect(envFiles.length).toBeGreaterThanOrEqual(2);
    for (const f of envFiles) {
      const readBy = [...units.values()].some((text) => text.includes(`EnvironmentFile=-${f}`));
      expect(readBy, `${f} is an EnvironmentFile of an enabled unit`).toBe(true);
    }
  });
});
