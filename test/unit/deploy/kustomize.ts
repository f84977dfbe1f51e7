// Renders deploy/kubernetes overlays with `kubectl kustomize` (offline) and gives the deploy tests
// typed access to what came out: objects, pod specs, containers and the config each ConfigMap holds.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const K8S = join(ROOT, 'deploy/kubernetes');
/** Every layout an operator applies, by the directory `kubectl apply -k` takes. */
export const LAYOUTS = ['base', 'overlays/ha', 'overlays/probe-agent', 'overlays/scheduled'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** Why the manifests cannot be rendered here, or undefined. They use Kustomize components and
 * `labels`, so kubectl's built-in Kustomize must be v5 or later (Debian 12's kubernetes-client, kubectl
 * 1.20, embeds v2 and does not say its version). */
export const kubectlMissing = (() => {
  let out: string;
  try {
    out = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  } catch {
    return 'kubectl is not installed (kubectl v1.27 or later), so deploy/kubernetes cannot be rendered';
  }
  const major = Number(/Kustomize Version: v(\d+)/.exec(out)?.[1] ?? 0);
  return major >= 5
    ? undefined
    : `kubectl's built-in Kustomize is older than v5 (${out.trim().split('\n').join('; ')}); install kubectl v1.27 or later`;
})();

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are untyped YAML, checked field by field
export type Loose = any;
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [k: string]: Loose };
  [k: string]: Loose;
};
export type Container = {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  [k: string]: Loose;
};

export function render(layout: Layout): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', join(K8S, layout)], { encoding: 'utf8' });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject)
    .filter(Boolean);
}

export interface Workload {
  object: K8sObject;
  pod: Loose;
  podLabels: Record<string, string>;
}

export function workloads(objects: K8sObject[]): Workload[] {
  return objects.flatMap((o) => {
    if (['Deployment', 'StatefulSet'].includes(o.kind))
      return [{ object: o, pod: o.spec.template.spec, podLabels: o.spec.template.metadata?.labels ?? {} }];
    if (o.kind === 'CronJob') {
      const t = o.spec.jobTemplate.spec.template;
      return [{ object: o, pod: t.spec, podLabels: t.metadata?.labels ?? {} }];
    }
    return [];
  });
}

export function containersOf(w: Workload): { init: boolean; c: Container }[] {
  return [
    ...((w.pod.initContainers ?? []) as Container[]).map((c) => ({ init: true, c })),
    ...((w.pod.containers ?? []) as Container[]).map((c) => ({ init: false, c })),
  ];
}

/** The value after `flag` in a container's args. */
export function argOf(c: Container, flag: string): string | undefined {
  const args = c.args ?? [];
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The text of the file a container reads at `path`, through a ConfigMap volume of its pod. */
export function mountedFile(
  objects: K8sObject[],
  w: Workload,
  c: Container,
  path: string,
): string | undefined {
  for (const m of c.volumeMounts ?? []) {
    if (!path.startsWith(`${m.mountPath}/`)) continue;
    const vol = (w.pod.volumes ?? []).find((v: { name: string }) => v.name === m.name);
    if (!vol?.configMap) continue;
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === vol.configMap.name);
    return cm?.data?.[path.slice(m.mountPath.length + 1)];
  }
  return undefined;
}

/** The environment a container gets from its ConfigMaps (envFrom configMapRef) and literal `env`
 * values: what kubelet gives it before any Secret. */
export function configMapEnv(objects: K8sObject[], c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    const name = from.configMapRef?.name;
    if (!name) continue;
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
    if (!cm) throw new Error(`${c.name}: envFrom ConfigMap ${name} is not rendered`);
    Object.assign(env, cm.data);
  }
  for (const e of c.env ?? []) if (typeof e.value === 'string') env[e.name] = e.value;
  return env;
}

/** The Secret a container reads `path` from (through a secret volume of its pod), or undefined. */
export function secretOf(
  w: Workload,
  c: Container,
  path: string,
): { secretName: string; optional?: boolean } | undefined {
  for (const m of c.volumeMounts ?? []) {
    if (!path.startsWith(`${m.mountPath}/`)) continue;
    const vol = (w.pod.volumes ?? []).find((v: { name: string }) => v.name === m.name);
    if (vol?.secret) return vol.secret;
  }
  return undefined;
}
