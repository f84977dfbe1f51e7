// deploy/kubernetes: every layout renders with `kubectl kustomize` (offline), every object validates
// against the Kubernetes schemas of kubernetes-models (and the Prometheus Operator CRD schemas of
// @kubernetes-models/prometheus-operator for ServiceMonitor and PrometheusRule), and the invariants
// an operator relies on hold: no secret in a ConfigMap, every container non-root and read-only, the
// CronJob runs `apply`, every role runs the same image, each config is a valid geofailover config,
// the API is HTTPS only, and the probe agents take the controller URLs from one place
// (components/controllers/controllers.env) and reach them over https://.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROMETHEUSRULE_FILE, renderPrometheusRule } from '../../../scripts/prometheusrule-yaml.ts';
import { apiRoutes, type ControllerApi } from '../../../src/api/index.ts';
import { registerCommands } from '../../../src/cli/commands.ts';
import {
  type Config,
  parseConfig,
  plaintextUrlProblem,
  resolveControllers,
  secretRefs,
} from '../../../src/config/index.ts';
import { k8sCpu, k8sMemory, workersProblems } from './dns-workers.ts';
import {
  argOf,
  configMapEnv,
  containersOf,
  K8S,
  type K8sObject,
  kubectlMissing,
  LAYOUTS,
  type Layout,
  mountedFile,
  ROOT,
  render,
  secretOf,
  type Workload,
  workloads,
} from './kustomize.ts';

if (kubectlMissing) console.warn(`skipping deploy/kubernetes tests: ${kubectlMissing}`);

const rendered = new Map<Layout, K8sObject[]>(kubectlMissing ? [] : LAYOUTS.map((l) => [l, render(l)]));
const all = () => [...rendered.entries()].flatMap(([layout, objs]) => objs.map((o) => ({ layout, o })));

/** The kubernetes-models module that holds the schema of an apiVersion. */
function schemaModule(apiVersion: string): string {
  if (apiVersion.startsWith('monitoring.coreos.com/'))
    return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

const CONFIG_PATH = '/etc/geofailover/geofailover.yaml';
const role = (w: Workload) => w.podLabels['app.kubernetes.io/component'];
const mainContainer = (w: Workload) => w.pod.containers[0];

function configOf(objects: K8sObject[], w: Workload): { text: string; config: Config } {
  const c = mainContainer(w);
  expect(argOf(c, '--config'), `${w.object.metadata.name}: --config`).toBe(CONFIG_PATH);
  const text = mountedFile(objects, w, c, CONFIG_PATH);
  expect(text, `${w.object.metadata.name}: ${CONFIG_PATH} comes from a ConfigMap`).toBeDefined();
  return { text: text!, config: parseConfig(text!, `${w.object.metadata.name}:${CONFIG_PATH}`) };
}

const portOf = (listen: string) => Number(listen.slice(listen.lastIndexOf(':') + 1));

describe.skipIf(kubectlMissing !== undefined)('deploy/kubernetes', () => {
  it('renders every layout, each with the workload it is for', () => {
    const kinds = (l: Layout) => rendered.get(l)!.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds('base')).toContain('Deployment/geofailover-controller');
    expect(kinds('overlays/ha')).toContain('StatefulSet/geofailover-controller');
    expect(kinds('overlays/ha')).not.toContain('Deployment/geofailover-controller');
    expect(kinds('overlays/probe-agent')).toContain('Deployment/geofailover-probe');
    expect(kinds('overlays/probe-agent')).not.toContain('Deployment/geofailover-controller');
    expect(kinds('overlays/scheduled')).toContain('CronJob/geofailover-apply');
    expect(kinds('overlays/scheduled').filter((k) => /^(Deployment|StatefulSet)\//.test(k))).toEqual([]);
    for (const l of ['base', 'overlays/ha'] as const) {
      for (const k of [
        'Service/geofailover-api',
        'Service/geofailover-dns',
        'NetworkPolicy/geofailover-controller',
      ])
        expect(kinds(l), l).toContain(k);
      expect(kinds(l), l).toContain('ServiceMonitor/geofailover');
      expect(kinds(l), l).toContain('PrometheusRule/geofailover');
    }
    for (const [l, objs] of rendered) {
      expect(
        objs.some((o) => o.kind === 'NetworkPolicy'),
        `${l}: a NetworkPolicy`,
      ).toBe(true);
      for (const o of objs.filter((x) => x.kind !== 'Namespace'))
        expect(o.metadata.namespace, `${l}: ${o.kind}/${o.metadata.name}`).toBe('geofailover');
    }
  });

  it('every object validates against its Kubernetes (or Prometheus Operator CRD) schema', async () => {
    for (const { layout, o } of all()) {
      const mod = (await import(schemaModule(o.apiVersion))) as Record<
        string,
        new (
          data: unknown,
        ) => { validate(): void }
      >;
      const Model = mod[o.kind];
      expect(Model, `${layout}: a schema for ${o.apiVersion} ${o.kind}`).toBeDefined();
      expect(() => new Model!(o).validate(), `${layout}: ${o.kind}/${o.metadata.name}`).not.toThrow();
    }
  });

  it('the schema check is not a rubber stamp: a wrong field type is refused', async () => {
    const { Deployment } = await import('kubernetes-models/apps/v1');
    const d = structuredClone(rendered.get('base')!.find((o) => o.kind === 'Deployment')!);
    d.spec.template.spec.containers[0].securityContext.runAsNonRoot = 'yes';
    expect(() => new Deployment(d as never).validate()).toThrow(/runAsNonRoot must be boolean/);
    const { PrometheusRule } = await import(
      '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'
    );
    const r = structuredClone(rendered.get('base')!.find((o) => o.kind === 'PrometheusRule')!);
    r.spec.groups[0].rules[0].for = 'one minute';
    expect(() => new PrometheusRule(r as never).validate()).toThrow(/for must match pattern/);
  });

  it('no object has an unknown field: each type-checks as a literal of its kubernetes-models interface', () => {
    // kubernetes-models' validators allow unknown properties (as the OpenAPI schemas do), so a typo
    // such as `readinesProbe` would pass them and be refused only by the API server. TypeScript's
    // excess property check on the same models catches it offline.
    mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, 'node_modules/.cache/geofailover-k8s-typecheck-'));
    try {
      const tsc = (objects: K8sObject[]) => {
        const imports: string[] = [];
        const decls: string[] = [];
        objects.forEach((o, i) => {
          imports.push(`import type { I${o.kind} as T${i} } from '${schemaModule(o.apiVersion)}';`);
          decls.push(`export const o${i}: T${i} = ${JSON.stringify(o)};`);
        });
        writeFileSync(join(dir, 'manifests.ts'), `${imports.join('\n')}\n${decls.join('\n')}\n`);
        writeFileSync(
          join(dir, 'tsconfig.json'),
          JSON.stringify({
            compilerOptions: {
              target: 'ES2023',
              module: 'NodeNext',
              moduleResolution: 'NodeNext',
              strict: true,
              noEmit: true,
              skipLibCheck: true,
              types: [],
            },
            files: ['manifests.ts'],
          }),
        );
        return spawnSync(
          process.execPath,
          [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')],
          {
            encoding: 'utf8',
          },
        );
      };
      const everything = all().map(({ o }) => o);
      const ok = tsc(everything);
      expect(ok.stdout + ok.stderr).toBe('');
      expect(ok.status).toBe(0);
      // The check bites: a misspelt field is an error naming it.
      const typo = structuredClone(rendered.get('base')!.find((o) => o.kind === 'Deployment')!);
      const c = typo.spec.template.spec.containers[0];
      c.readinesProbe = c.readinessProbe;
      delete c.readinessProbe;
      const bad = tsc([typo]);
      expect(bad.status).not.toBe(0);
      expect(bad.stdout).toMatch(/'"?readinesProbe"?' does not exist in type 'IContainer'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('ships no Secret, and no ConfigMap holds a secret value', () => {
    const secretKey = /(key|token|secret|password|credential)s?$/i;
    for (const { layout, o } of all()) {
      expect(o.kind, `${layout}: secrets are created with kubectl, never rendered from git`).not.toBe(
        'Secret',
      );
      if (o.kind !== 'ConfigMap') continue;
      for (const [file, text] of Object.entries(o.data as Record<string, string>)) {
        expect(text).not.toMatch(/AKIA[0-9A-Z]{16}|BEGIN [A-Z ]*PRIVATE KEY|aws_secret_access_key/i);
        // An environment ConfigMap (geofailover-controllers): variable names, and no secret among them.
        if (!file.endsWith('.yaml')) {
          expect(file, `${layout}: ${o.metadata.name}`).not.toMatch(secretKey);
          continue;
        }
        const walk = (v: unknown, path: string): void => {
          if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, `${path}[${i}]`);
          else if (v && typeof v === 'object')
            for (const [k, x] of Object.entries(v)) {
              // Only names of variables (…Env) or files (…File) may sit under a secret-ish key.
              if (secretKey.test(k)) expect.fail(`${layout}: ${file}: ${path}.${k} holds a secret value`);
              walk(x, `${path}.${k}`);
            }
        };
        walk(parse(text), file);
        // Every secret the config names comes from the environment, never inline.
        for (const ref of secretRefs(parseConfig(text, file)))
          expect(ref.envVar).toMatch(/^[A-Z][A-Z0-9_]*$/);
      }
    }
  });

  it('every container runs non-root, read-only, without capabilities, with requests and limits', () => {
    for (const [layout, objs] of rendered) {
      for (const w of workloads(objs)) {
        const podSc = w.pod.securityContext ?? {};
        expect(podSc.runAsNonRoot, `${layout}: ${w.object.metadata.name} pod runAsNonRoot`).toBe(true);
        expect(podSc.runAsUser).not.toBe(0);
        expect(podSc.seccompProfile?.type).toBe('RuntimeDefault');
        expect(w.pod.automountServiceAccountToken).toBe(false);
        expect(w.pod.hostNetwork ?? false).toBe(false);
        for (const { c } of containersOf(w)) {
          const where = `${layout}: ${w.object.metadata.name}/${c.name}`;
          const sc = c.securityContext ?? {};
          expect(sc.runAsNonRoot ?? podSc.runAsNonRoot, `${where} runAsNonRoot`).toBe(true);
          expect(sc.runAsUser ?? podSc.runAsUser, `${where} runAsUser`).not.toBe(0);
          expect(sc.readOnlyRootFilesystem, `${where} readOnlyRootFilesystem`).toBe(true);
          expect(sc.allowPrivilegeEscalation, `${where} allowPrivilegeEscalation`).toBe(false);
          expect(sc.privileged ?? false, `${where} privileged`).toBe(false);
          expect(sc.capabilities?.drop, `${where} drops capabilities`).toEqual(['ALL']);
          expect(sc.capabilities?.add ?? [], `${where} adds no capability`).toEqual([]);
          for (const k of ['requests', 'limits'])
            for (const r of ['cpu', 'memory'])
              expect(c.resources?.[k]?.[r], `${where} ${k}.${r}`).toBeDefined();
          // A read-only root needs a writable /tmp (tsx caches its transforms there).
          expect(
            c.volumeMounts?.some((m: { mountPath: string }) => m.mountPath === '/tmp'),
            `${where} /tmp`,
          ).toBe(true);
          for (const e of c.env ?? [])
            if (/KEY|TOKEN|SECRET|PASSWORD/.test(e.name))
              expect(e.value, `${where}: env ${e.name} must come from a Secret`).toBeUndefined();
        }
      }
    }
  });

  it('every role runs the same image, and only subcommands and options the CLI has', () => {
    const program = new Command('geofailover');
    registerCommands(program, () => undefined);
    const images = new Set<string>();
    for (const [layout, objs] of rendered) {
      for (const w of workloads(objs)) {
        for (const { c } of containersOf(w)) {
          images.add(c.image);
          expect(c.command, `${layout}: ${c.name} keeps the image's entrypoint`).toBeUndefined();
          const [sub, ...args] = c.args ?? [];
          const cmd = program.commands.find((x) => x.name() === sub);
          expect(cmd, `${layout}: ${c.name}: subcommand ${sub}`).toBeDefined();
          const flags = new Set(cmd!.options.flatMap((o) => [o.long, o.short].filter(Boolean)));
          for (const a of args.filter((x) => x.startsWith('-')))
            expect(flags.has(a), `${layout}: ${c.name}: ${sub} ${a}`).toBe(true);
          for (const opt of cmd!.options.filter((o) => o.mandatory))
            expect(args, `${layout}: ${c.name}: ${sub} needs ${opt.long}`).toContain(opt.long);
        }
      }
    }
    expect([...images]).toHaveLength(1);
    expect([...images][0]).toMatch(/^[\w./-]*geofailover:[\w.-]+$/);
  });

  it('every config in a ConfigMap is a valid geofailover config, read from the path the pod mounts', () => {
    for (const [layout, objs] of rendered) {
      for (const w of workloads(objs)) {
        const { config } = configOf(objs, w);
        const c = mainContainer(w);
        const stateMount = c.volumeMounts.find(
          (m: { mountPath: string }) => m.mountPath === config.controller.stateDir,
        );
        if (role(w) !== 'probe')
          expect(stateMount, `${layout}: a volume at stateDir ${config.controller.stateDir}`).toBeDefined();
      }
    }
  });

  it('the controller: base is one Recreate replica without coordination; probes hit the real /healthz', () => {
    const objs = rendered.get('base')!;
    const [w] = workloads(objs).filter((x) => role(x) === 'controller');
    expect(w!.object.spec.replicas).toBe(1);
    expect(w!.object.spec.strategy.type).toBe('Recreate');
    const { config } = configOf(objs, w!);
    expect(config.controller.coordination.kind).toBe('none');

    const routes = apiRoutes({} as ControllerApi);
    for (const [layout, list] of rendered) {
      for (const cw of workloads(list).filter((x) => role(x) === 'controller')) {
        const c = mainContainer(cw);
        const { config: cfg } = configOf(list, cw);
        const https = c.ports.find((p: { name: string }) => p.name === 'https');
        expect(https.containerPort, `${layout}: the API port is controller.listen's`).toBe(
          portOf(cfg.controller.listen),
        );
        expect(c.ports.some((p: { name: string }) => p.name === 'http')).toBe(false);
        expect(cfg.controller.listen.startsWith('0.0.0.0:'), `${layout}: listens beyond loopback`).toBe(true);
        // ...so over HTTPS, with the certificate and key from the geofailover-tls Secret (in both the
        // check-config container, which checks them, and the controller).
        expect(cfg.controller.tls, `${layout}: controller.tls`).toBeDefined();
        expect(cfg.controller.allowPlaintext).toBeUndefined();
        for (const { c: x } of containersOf(cw))
          for (const f of [
            cfg.controller.tls!.certFile,
            cfg.controller.tls!.keyFile,
            cfg.controllersFrom!.ca!,
          ])
            expect(secretOf(cw, x, f), `${layout}: ${x.name} reads ${f}`).toEqual({
              secretName: 'geofailover-tls',
              optional: true,
              defaultMode: 0o440,
            });
        for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
          const get = c[probe]?.httpGet;
          expect(get, `${layout}: ${probe}`).toBeDefined();
          expect(get.port).toBe('https');
          expect(get.scheme, `${layout}: ${probe} speaks HTTPS (kubelet does not verify it)`).toBe('HTTPS');
          expect(
            routes.some((r) => r.method === 'GET' && r.path.test(get.path)),
            `${get.path} is an API route`,
          ).toBe(true);
        }
        // Every secret the config names reaches the controller from the Secret, and only from it; the
        // controller URLs come from the geofailover-controllers ConfigMap (check-config checks them).
        expect(c.envFrom).toEqual([
          { configMapRef: { name: expect.stringMatching(/^geofailover-controllers-\w+$/) } },
          { secretRef: { name: 'geofailover-secrets', optional: true } },
        ]);
        const init = cw.pod.initContainers?.[0];
        expect(init?.args.slice(0, 2)).toEqual(['validate', '--check-env']);
        expect(init?.envFrom).toEqual(c.envFrom);
      }
    }
  });

  it("the controller's DNS workers are set, and its container's CPU and memory limits hold that many", () => {
    let checked = 0;
    for (const [layout, objs] of rendered) {
      for (const w of workloads(objs).filter((x) => role(x) === 'controller')) {
        const { config } = configOf(objs, w);
        const limits = mainContainer(w).resources.limits;
        const where = `${layout}: ${w.object.metadata.name}`;
        expect(
          workersProblems(config, { cores: k8sCpu(limits.cpu), bytes: k8sMemory(limits.memory) }, where),
        ).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBe(2); // base and ha
    // The check bites: one CPU holds one worker, and an unset count is refused.
    const [w] = workloads(rendered.get('base')!);
    const { config } = configOf(rendered.get('base')!, w!);
    const local = config.providers.local!;
    if (local.kind !== 'builtin') throw new Error('providers.local is builtin');
    const limits = { cores: k8sCpu('1'), bytes: k8sMemory('512Mi') };
    const withWorkers = (workers?: number) => ({
      ...config,
      providers: { ...config.providers, local: { ...local, workers } },
    });
    expect(workersProblems(withWorkers(2), limits, 'x')).toEqual([
      'x: providers.local.workers: 2 does not fit: cgroup cpu.max 1.0 CPU allows 1 (one per whole CPU)',
      'x: providers.local.workers: 2, but the limits allow 1 (cgroup cpu.max 1.0 CPU)',
    ]);
    expect(workersProblems(withWorkers(undefined), limits, 'x')[0]).toMatch(/is not set/);
    expect(k8sCpu('500m')).toBe(0.5);
    expect(k8sMemory('1Gi')).toBe(2 ** 30);
    expect(k8sMemory('512M')).toBe(512e6);
  });

  it('Services publish the API and the builtin DNS server on UDP and TCP, at the ports the config listens on', () => {
    for (const layout of ['base', 'overlays/ha'] as const) {
      const objs = rendered.get(layout)!;
      const [w] = workloads(objs).filter((x) => role(x) === 'controller');
      const { config } = configOf(objs, w!);
      const c = mainContainer(w!);
      const named = (n: string) => c.ports.find((p: { name: string }) => p.name === n);
      const svc = (n: string) => objs.find((o) => o.kind === 'Service' && o.metadata.name === n)!;
      const selects = (s: K8sObject) =>
        Object.entries(s.spec.selector).every(([k, v]) => w!.podLabels[k] === v);

      const api = svc('geofailover-api');
      expect(selects(api)).toBe(true);
      expect(named(api.spec.ports[0].targetPort).containerPort).toBe(portOf(config.controller.listen));

      const dns = svc('geofailover-dns');
      expect(selects(dns)).toBe(true);
      const builtin = Object.values(config.providers).find((p) => p.kind === 'builtin');
      const listens = [builtin?.kind === 'builtin' ? (builtin.listen ?? []) : []].flat();
      expect(listens.length).toBeGreaterThan(0);
      for (const proto of ['UDP', 'TCP']) {
        const p = dns.spec.ports.find((x: { protocol: string }) => x.protocol === proto);
        expect(p?.port, `${layout}: DNS ${proto} on 53`).toBe(53);
        const target = named(p.targetPort);
        expect(target.protocol).toBe(proto);
        for (const l of listens) expect(target.containerPort).toBe(portOf(l));
      }
    }
  });

  it('ha: three spread replicas on etcd, a PodDisruptionBudget, and agents that report to every replica', () => {
    const objs = rendered.get('overlays/ha')!;
    const [w] = workloads(objs).filter((x) => role(x) === 'controller');
    const sts = w!.object;
    expect(sts.spec.replicas).toBe(3);
    const { config } = configOf(objs, w!);
    expect(config.controller.coordination.kind).toBe('etcd');
    expect(argOf(mainContainer(w!), '--replica')).toBe('$(POD_NAME)');

    const anti = w!.pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    expect(anti[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(anti[0].labelSelector.matchLabels).toEqual(sts.spec.selector.matchLabels);
    expect(w!.pod.topologySpreadConstraints[0].topologyKey).toBe('topology.kubernetes.io/zone');

    const pdb = objs.find((o) => o.kind === 'PodDisruptionBudget')!;
    expect(pdb.spec.selector.matchLabels).toEqual(sts.spec.selector.matchLabels);
    expect(pdb.spec.maxUnavailable).toBe(1);

    const peers = objs.find((o) => o.kind === 'Service' && o.metadata.name === sts.spec.serviceName)!;
    expect(peers.spec.clusterIP).toBe('None');
    // Every replica must receive every report: one LoadBalancer each, selecting exactly that pod, and
    // none in front of all of them.
    const publicLbs = objs.filter((o) => o.kind === 'Service' && o.spec.type === 'LoadBalancer');
    const api = publicLbs.filter((o) =>
      o.spec.ports.some((p: { targetPort: string }) => p.targetPort === 'https'),
    );
    expect(api.map((o) => o.spec.selector['statefulset.kubernetes.io/pod-name'])).toEqual(
      Array.from({ length: 3 }, (_, i) => `${sts.metadata.name}-${i}`),
    );
    for (const lb of api) {
      expect(lb.spec.ports).toEqual([{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }]);
      for (const [k, v] of Object.entries(sts.spec.selector.matchLabels)) expect(lb.spec.selector[k]).toBe(v);
    }
    expect(objs.some((o) => o.metadata.name === 'geofailover-api-public')).toBe(false);
    // The agents' URLs are not in the config: it names the variable, like base's config.
    expect(config.controllers).toEqual([]);
    expect(config.controllersFrom?.env).toBe('GEOFAILOVER_CONTROLLERS');

    // The HA config is the base one but for coordination and controllers: the site stays the same.
    const [bw] = workloads(rendered.get('base')!).filter((x) => role(x) === 'controller');
    const base = configOf(rendered.get('base')!, bw!).config;
    const strip = (c: Config) => ({
      ...c,
      controllers: [],
      controller: { ...c.controller, coordination: null },
    });
    expect(strip(config)).toEqual(strip(base));
  });

  it('probe agent: one replica, its prober id and key from its own Secret, the controllers from config', () => {
    const objs = rendered.get('overlays/probe-agent')!;
    const [w] = workloads(objs);
    expect(role(w!)).toBe('probe');
    expect(w!.object.spec.replicas).toBe(1);
    expect(w!.object.spec.strategy.type).toBe('Recreate');
    const c = mainContainer(w!);
    expect(argOf(c, '--prober')).toBe('$(PROBER_ID)');
    expect(c.envFrom).toEqual([
      { configMapRef: { name: expect.stringMatching(/^geofailover-controllers-\w+$/) } },
      { secretRef: { name: 'geofailover-probe', optional: true } },
    ]);
    expect(c.env ?? []).toEqual([]);
    const { config } = configOf(objs, w!);
    expect(config.controllersFrom).toBeDefined();
    // The same site as the controller's config.
    const [bw] = workloads(rendered.get('base')!);
    expect(config).toEqual(configOf(rendered.get('base')!, bw!).config);
  });

  it("probe agent: liveness and readiness probe the agent's own /livez and /readyz, on the port it listens on", () => {
    const objs = rendered.get('overlays/probe-agent')!;
    const c = mainContainer(workloads(objs)[0]!);
    const listen = argOf(c, '--health-listen');
    expect(listen, 'the agent serves its health endpoints').toBeDefined();
    // kubelet probes the pod's IP, so the agent must listen beyond loopback.
    expect(listen!.startsWith('0.0.0.0:'), listen).toBe(true);
    const health = c.ports.find((p: { name: string }) => p.name === 'health');
    expect(health.containerPort).toBe(portOf(listen!));
    expect(c.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'health' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    // One failed readiness check is enough: /readyz already looks back over health.staleAfter.
    expect(c.readinessProbe.failureThreshold).toBe(1);
    expect(c.livenessProbe.failureThreshold).toBeGreaterThan(1);
    expect(c.startupProbe).toBeUndefined();
  });

  it('probe agent: the controller URLs come from components/controllers/controllers.env, https://, trusting its TLS Secret', () => {
    const objs = rendered.get('overlays/probe-agent')!;
    const [w] = workloads(objs);
    const c = mainContainer(w!);
    const { config } = configOf(objs, w!);
    // No URL in the config (it is the same file in every region): it names the variable...
    expect(config.controllers).toEqual([]);
    expect(config.controllersFrom?.env).toBe('GEOFAILOVER_CONTROLLERS');
    // ...which the pod gets from the ConfigMap made of controllers.env, and nowhere else.
    const env = configMapEnv(objs, c);
    const file = readFileSync(join(K8S, 'components/controllers/controllers.env'), 'utf8');
    expect(`GEOFAILOVER_CONTROLLERS=${env.GEOFAILOVER_CONTROLLERS}`).toBe(
      file.split('\n').find((l) => l.startsWith('GEOFAILOVER_CONTROLLERS=')),
    );
    const { targets, problems } = resolveControllers(config, env);
    expect(problems).toEqual([]);
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) {
      expect(t.url, 'https by default').toMatch(/^https:\/\//);
      expect(new URL(t.url).hostname).not.toMatch(/\.svc(\.cluster\.local)?$/); // reachable from other clusters
      expect(plaintextUrlProblem(t.url, undefined)).toBeUndefined();
      // The private CA that signed the controller's certificate, from this region's own Secret.
      expect(secretOf(w!, c, t.ca!)).toEqual({
        secretName: 'geofailover-probe-tls',
        optional: true,
        defaultMode: 0o440,
      });
    }
    expect(w!.pod.securityContext.fsGroup, 'the pod user reads the 0440 Secret files').toBe(1000);
    // The controllers get the same ConfigMap (their check-config validates the URLs too).
    for (const layout of ['base', 'overlays/ha'] as const)
      for (const cw of workloads(rendered.get(layout)!))
        for (const { c: x } of containersOf(cw))
          expect(configMapEnv(rendered.get(layout)!, x).GEOFAILOVER_CONTROLLERS, `${layout}: ${x.name}`).toBe(
            env.GEOFAILOVER_CONTROLLERS,
          );
    // Nothing else under deploy/kubernetes names a controller URL.
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
      );
    const naming = files(K8S).filter((f) =>
      /GEOFAILOVER_CONTROLLERS=|controllers:\s*\[?\s*"?https?:/.test(readFileSync(f, 'utf8')),
    );
    expect(naming.map((f) => relative(K8S, f))).toEqual(['components/controllers/controllers.env']);
  });

  it('editing controllers.env is all it takes: the agent and the controllers get the new URLs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-k8s-controllers-'));
    try {
      cpSync(K8S, dir, { recursive: true });
      const urls = 'https://gslb-0.example.org,https://gslb-1.example.org,https://gslb-2.example.org';
      writeFileSync(join(dir, 'components/controllers/controllers.env'), `GEOFAILOVER_CONTROLLERS=${urls}\n`);
      for (const layout of ['overlays/probe-agent', 'overlays/ha'] as const) {
        const out = execFileSync('kubectl', ['kustomize', join(dir, layout)], { encoding: 'utf8' });
        const objs = out
          .split(/^---$/m)
          .map((d) => parse(d) as K8sObject)
          .filter(Boolean);
        const [w] = workloads(objs);
        const { config } = configOf(objs, w!);
        const env = configMapEnv(objs, mainContainer(w!));
        expect(
          resolveControllers(config, env).targets.map((t) => t.url),
          layout,
        ).toEqual(urls.split(','));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('scheduled: a CronJob runs `apply`, never two at once, and exits 2 or 3 fail the Job without retry', () => {
    const objs = rendered.get('overlays/scheduled')!;
    const cron = objs.find((o) => o.kind === 'CronJob')!;
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    const [w] = workloads(objs);
    const c = mainContainer(w!);
    expect(c.args[0]).toBe('apply');
    expect(c.args).not.toContain('--force');
    expect(w!.pod.restartPolicy).toBe('Never');
    const rules = cron.spec.jobTemplate.spec.podFailurePolicy.rules;
    const failJob = rules.find((r: { action: string }) => r.action === 'FailJob');
    expect(failJob.onExitCodes).toEqual({ operator: 'In', values: [2, 3] });
    expect(cron.spec.jobTemplate.spec.backoffLimit).toBeGreaterThan(0); // exit 1 (transient) is retried
    const { config } = configOf(objs, w!);
    expect(Object.values(config.providers).some((p) => p.kind === 'builtin')).toBe(false);
  });

  it('NetworkPolicies select the pods of their layout; the controller admits its API and DNS ports', () => {
    for (const [layout, objs] of rendered) {
      const pods = workloads(objs);
      for (const np of objs.filter((o) => o.kind === 'NetworkPolicy')) {
        const sel = np.spec.podSelector.matchLabels as Record<string, string>;
        const hit = pods.filter((w) => Object.entries(sel).every(([k, v]) => w.podLabels[k] === v));
        expect(hit.length, `${layout}: ${np.metadata.name} selects a pod`).toBeGreaterThan(0);
        if (np.metadata.name !== 'geofailover-controller') continue;
        const ports = np.spec.ingress.flatMap((r: { ports: unknown[] }) => r.ports);
        expect(ports).toEqual(
          expect.arrayContaining([
            { port: 8443, protocol: 'TCP' },
            { port: 5353, protocol: 'UDP' },
            { port: 5353, protocol: 'TCP' },
          ]),
        );
        if (layout === 'overlays/ha') {
          const egress = np.spec.egress.flatMap((r: { ports: { port: number }[] }) =>
            r.ports.map((p) => p.port),
          );
          expect(egress).toContain(2379); // etcd
        }
      }
    }
  });

  it('the ServiceMonitor scrapes /metrics through the API Service; the PrometheusRule is rules.yaml', () => {
    const objs = rendered.get('base')!;
    const sm = objs.find((o) => o.kind === 'ServiceMonitor')!;
    const selected = objs.filter(
      (o) =>
        o.kind === 'Service' &&
        Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v),
    );
    expect(selected.map((s) => s.metadata.name)).toEqual(['geofailover-api']);
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'https', path: '/metrics', scheme: 'https' });
    expect(selected[0]!.spec.ports.map((p: { name: string }) => p.name)).toContain('https');
    // It trusts the CA of the controller's TLS Secret and checks the in-cluster name of the API Service.
    const tls = sm.spec.endpoints[0].tlsConfig;
    const [cw] = workloads(objs).filter((x) => role(x) === 'controller');
    const certFile = configOf(objs, cw!).config.controller.tls!.certFile;
    expect(tls.ca.secret.name).toBe(secretOf(cw!, mainContainer(cw!), certFile)!.secretName);
    expect(tls.serverName).toBe(`${selected[0]!.metadata.name}.${selected[0]!.metadata.namespace}.svc`);
    // HA: the headless peers Service must not be scraped too (every replica would count twice).
    const ha = rendered
      .get('overlays/ha')!
      .filter(
        (o) =>
          o.kind === 'Service' &&
          Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v),
      );
    expect(ha.map((s) => s.metadata.name)).toEqual(['geofailover-api']);

    expect(
      readFileSync(PROMETHEUSRULE_FILE, 'utf8'),
      'regenerate: node bin/run-ts.js scripts/gen-prometheusrule.ts',
    ).toBe(renderPrometheusRule());
    const rule = objs.find((o) => o.kind === 'PrometheusRule')!;
    expect(rule.spec.groups).toEqual(parse(readFileSync(PROMETHEUSRULE_FILE, 'utf8')).spec.groups);
  });
});
