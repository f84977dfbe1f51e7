// What the install test takes from the shipped artefacts: the site config the HA controllers mount,
// the one place the controller URLs are set (components/controllers/controllers.env), the image's
// ENTRYPOINT (Dockerfile), the containers' args and ConfigMap environment from the Kubernetes
// manifests (the HA StatefulSet's check-config and controller, the probe-agent Deployment's probe)
// and the probe unit's ExecStart and environment files (systemd). The manifests are rendered with `kubectl kustomize` where kubectl can, so an
// overlay's patch counts; without kubectl they are read from the files as written.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import {
  argOf,
  type Container,
  configMapEnv,
  containersOf,
  type K8sObject,
  kubectlMissing,
  type Layout,
  mountedFile,
  render,
  workloads,
} from '../../../unit/deploy/kustomize.ts';
import { ROOT } from '../procs.ts';
import { parseEnv } from './command-line.ts';

/** Where every shipped command line reads the config (the ConfigMap mount, /etc on a VM). */
export const CONFIG_PATH = '/etc/geofailover/geofailover.yaml';

export interface Shipped {
  /** The YAML the HA controllers read at CONFIG_PATH. */
  siteConfig: string;
  /** components/controllers/controllers.env: where the agents report, for every pod. */
  controllersEnv: string;
  /** The variables each container gets from its ConfigMaps (envFrom configMapRef). */
  controllerConfigMapVars: string[];
  probeConfigMapVars: string[];
  /** ENTRYPOINT of the image: what a container's args follow. */
  entrypoint: string[];
  controllerInitArgs: string[];
  controllerArgs: string[];
  probeArgs: string[];
  /** The probe unit's ExecStart, split into words (`%i` still in it). */
  probeExecStart: string[];
  /** The probe unit's Environment= settings, and its EnvironmentFile= paths (`%i` still in them). */
  probeUnitEnv: Record<string, string>;
  probeUnitEnvFiles: string[];
  /** How the manifests were read, for the test's log. */
  source: string;
}

/** A container by name, the config it mounts and (rendered only) the variables its ConfigMaps give. */
function container(
  objects: K8sObject[],
  name: string,
  rendered: boolean,
): { c: Container; config?: string; configMapVars: string[] } {
  for (const w of workloads(objects))
    for (const { c } of containersOf(w))
      if (c.name === name)
        return {
          c,
          config: mountedFile(objects, w, c, CONFIG_PATH),
          configMapVars: rendered ? Object.keys(configMapEnv(objects, c)) : [],
        };
  throw new Error(`no container ${name} in the rendered manifests`);
}

/**
 * The objects of a layout as written: its resources (directories recursively) less those its
 * `$patch: delete` patches remove; other patches and generated ConfigMaps are not applied.
 */
function unrendered(layout: Layout | string, dir = join(ROOT, 'deploy/kubernetes', layout)): K8sObject[] {
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as {
    resources?: string[];
    patches?: { patch?: string }[];
  };
  const deleted = (kustomization.patches ?? [])
    .map((p) => (p.patch ? (parse(p.patch) as Partial<K8sObject> & { $patch?: string }) : undefined))
    .filter((p) => p?.$patch === 'delete')
    .map((p) => `${p!.kind}/${p!.metadata?.name}`);
  return (kustomization.resources ?? [])
    .flatMap((f) => {
      const path = join(dir, f);
      if (statSync(path).isDirectory()) return unrendered(f, path);
      return parseAllDocuments(readFileSync(path, 'utf8'))
        .map((d) => d.toJS() as K8sObject)
        .filter(Boolean);
    })
    .filter((o) => !deleted.includes(`${o.kind}/${o.metadata.name}`));
}

function entrypoint(): string[] {
  const line = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
    .split('\n')
    .findLast((l) => l.startsWith('ENTRYPOINT '));
  if (!line) throw new Error('the Dockerfile has no ENTRYPOINT');
  return JSON.parse(line.slice('ENTRYPOINT '.length)) as string[];
}

function probeUnit(): { execStart: string[]; env: Record<string, string>; envFiles: string[] } {
  const lines = readFileSync(join(ROOT, 'deploy/systemd/geofailover-probe@.service'), 'utf8').split('\n');
  const execStart = lines.find((l) => l.startsWith('ExecStart='));
  if (!execStart) throw new Error('geofailover-probe@.service has no ExecStart');
  const env: Record<string, string> = {};
  for (const l of lines.filter((x) => x.startsWith('Environment='))) {
    const [k, ...v] = l.slice('Environment='.length).split('=');
    env[k!] = v.join('=');
  }
  // The shipped line has no quoting; a quoted one would need systemd's own word splitting.
  if (/["']/.test(execStart)) throw new Error(`ExecStart is quoted, split it properly: ${execStart}`);
  const envFiles = lines
    .filter((l) => l.startsWith('EnvironmentFile='))
    .map((l) => l.slice('EnvironmentFile='.length).replace(/^-/, ''));
  return { execStart: execStart.slice('ExecStart='.length).trim().split(/\s+/), env, envFiles };
}

/** `rendered` false reads the manifest files as written, as where kubectl cannot render them. */
export function readShipped(rendered = kubectlMissing === undefined): Shipped {
  const ha = rendered ? render('overlays/ha') : unrendered('overlays/ha');
  const probe = rendered ? render('overlays/probe-agent') : unrendered('overlays/probe-agent');
  const controller = container(ha, 'controller', rendered);
  const siteConfig =
    controller.config ??
    readFileSync(join(ROOT, 'deploy/kubernetes/components/config-ha/geofailover.yaml'), 'utf8');
  if (argOf(controller.c, '--config') !== CONFIG_PATH)
    throw new Error(`the controller reads its config elsewhere than ${CONFIG_PATH}: ${controller.c.args}`);
  const unit = probeUnit();
  const controllersEnv = readFileSync(
    join(ROOT, 'deploy/kubernetes/components/controllers/controllers.env'),
    'utf8',
  );
  // Unrendered, the ConfigMap is not generated: every pod gets what controllers.env sets.
  const fromFile = Object.keys(parseEnv(controllersEnv));
  const probeContainer = container(probe, 'probe', rendered);
  return {
    siteConfig,
    controllersEnv,
    controllerConfigMapVars: rendered ? controller.configMapVars : fromFile,
    probeConfigMapVars: rendered ? probeContainer.configMapVars : fromFile,
    entrypoint: entrypoint(),
    controllerInitArgs: container(ha, 'check-config', rendered).c.args ?? [],
    controllerArgs: controller.c.args ?? [],
    probeArgs: probeContainer.c.args ?? [],
    probeExecStart: unit.execStart,
    probeUnitEnv: unit.env,
    probeUnitEnvFiles: unit.envFiles,
    source: rendered
      ? 'kubectl kustomize overlays/ha and overlays/probe-agent'
      : `manifest files as written (${kubectlMissing})`,
  };
}
