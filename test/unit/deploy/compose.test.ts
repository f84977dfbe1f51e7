// docker-compose.yml and the Dockerfile, checked without a Docker engine: every referenced file exists,
// every compose config loads, ports, secrets and controller URLs agree between compose and configs, the
// subcommands compose runs exist, and the image is multi-stage, non-root and health-checked.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { registerCommands } from '../../../src/cli/commands.ts';
import { type Config, loadConfig } from '../../../src/config/index.ts';
import { binarySize, workersProblems } from './dns-workers.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const COMPOSE_DIR = join(ROOT, 'config/compose');

interface Service {
  build?: string | { context?: string; dockerfile?: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string> | string[];
  env_file?: string | string[];
  ports?: (string | { target: number; published?: string | number; protocol?: string })[];
  volumes?: string[];
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
  healthcheck?: { disable?: boolean; test?: unknown };
  profiles?: string[];
  cpus?: number | string;
  mem_limit?: number | string;
}
interface Compose {
  services: Record<string, Service>;
  networks?: Record<string, { ipam?: { config?: { subnet?: string }[] } } | null>;
  volumes?: Record<string, unknown>;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;
const services = Object.entries(compose.services);
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

function envOf(s: Service): Record<string, string> {
  if (Array.isArray(s.environment)) {
    return Object.fromEntries(s.environment.map((e) => [e.split('=')[0]!, e.split('=').slice(1).join('=')]));
  }
  return s.environment ?? {};
}

/** Bind mounts as [hostPath, containerPath]; named volumes are skipped. */
function binds(s: Service): [string, string][] {
  return (s.volumes ?? []).flatMap((v) => {
    const [host, container] = v.split(':') as [string, string];
    return host.startsWith('.') || host.startsWith('/') ? [[resolve(ROOT, host), container]] : [];
  });
}

/** The host file behind a container path, through the service's bind mounts. */
function hostPathOf(s: Service, containerPath: string): string | undefined {
  for (const [host, container] of binds(s)) {
    if (containerPath === container) return host;
    if (containerPath.startsWith(`${container}/`))
      return join(host, posix.relative(container, containerPath));
  }
  return undefined;
}

function argOf(s: Service, flag: string): string | undefined {
  const cmd = s.command ?? [];
  const i = cmd.indexOf(flag);
  return i >= 0 ? cmd[i + 1] : undefined;
}

/** Published container ports as "port/proto". */
function publishedPorts(s: Service): Set<string> {
  const out = new Set<string>();
  for (const p of s.ports ?? []) {
    if (typeof p === 'object') out.add(`${p.target}/${p.protocol ?? 'tcp'}`);
    else {
      const [spec, proto = 'tcp'] = p.split('/') as [string, string?];
      out.add(`${spec.split(':').at(-1)}/${proto}`);
    }
  }
  return out;
}

function ipv4Of(s: Service): string | undefined {
  if (!s.networks || Array.isArray(s.networks)) return undefined;
  return Object.values(s.networks).find((n) => n?.ipv4_address)?.ipv4_address;
}

function configOf(s: Service): { file: string; config: Config } | undefined {
  const path = argOf(s, '--config');
  if (!path) return undefined;
  const file = hostPathOf(s, path);
  if (!file) throw new Error(`--config ${path} is not inside a bind mount of the service`);
  return { file, config: loadConfig(file) };
}

/** Services started by a plain `docker compose up` (no profile), and those built from our image. */
const base = services.filter(([, s]) => !s.profiles);
const ours = services.filter(([, s]) => s.build !== undefined);

const portOf = (hostPort: string) => Number(hostPort.split(':').at(-1));
const hostOf = (hostPort: string) => hostPort.slice(0, hostPort.lastIndexOf(':'));
const role = (s: Service) => s.command?.[0];

describe('docker-compose.yml', () => {
  it('has the controller, three probe agents and three demo backends', () => {
    const roles = base.map(([, s]) => role(s));
    expect(roles.filter((r) => r === 'controller').length).toBeGreaterThanOrEqual(1);
    expect(roles.filter((r) => r === 'probe')).toHaveLength(3);
    expect(roles.filter((r) => r === 'demo-backend')).toHaveLength(3);
  });

  it('references only files that exist (build context, Dockerfile, bind mounts, env files)', () => {
    for (const [name, s] of services) {
      if (s.build !== undefined) {
        const ctx = typeof s.build === 'string' ? s.build : (s.build.context ?? '.');
        const df = typeof s.build === 'string' ? 'Dockerfile' : (s.build.dockerfile ?? 'Dockerfile');
        expect(existsSync(resolve(ROOT, ctx, df)), `${name}: ${ctx}/${df}`).toBe(true);
      } else expect(s.image, `${name} needs build or image`).toBeDefined();
      for (const [host] of binds(s)) expect(existsSync(host), `${name}: bind mount ${host}`).toBe(true);
      for (const f of [s.env_file ?? []].flat())
        expect(existsSync(resolve(ROOT, f)), `${name}: ${f}`).toBe(true);
      const cfg = argOf(s, '--config');
      if (cfg)
        expect(existsSync(hostPathOf(s, cfg) ?? '/nonexistent'), `${name}: --config ${cfg}`).toBe(true);
    }
    for (const [name, s] of services) {
      for (const v of s.volumes ?? []) {
        const host = v.split(':')[0]!;
        if (!host.startsWith('.') && !host.startsWith('/')) {
          expect(compose.volumes ?? {}, `${name}: named volume ${host} is declared`).toHaveProperty(host);
        }
      }
    }
  });

  it('every config under config/compose loads with loadConfig', () => {
    const files = readdirSync(COMPOSE_DIR).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(() => loadConfig(join(COMPOSE_DIR, f)), f).not.toThrow();
  });

  it('runs only subcommands and options the CLI has', () => {
    const program = new Command('geofailover');
    registerCommands(program, () => undefined);
    for (const [name, s] of ours) {
      const [sub, ...args] = s.command ?? [];
      const cmd = program.commands.find((c) => c.name() === sub);
      expect(cmd, `${name}: subcommand ${sub}`).toBeDefined();
      const flags = new Set(cmd!.options.flatMap((o) => [o.long, o.short].filter(Boolean)));
      for (const a of args.filter((x) => x.startsWith('-')))
        expect(flags.has(a), `${name}: ${sub} ${a}`).toBe(true);
    }
  });

  it('publishes the controller API and the DNS server (UDP and TCP) on the ports its config listens on', () => {
    for (const [name, s] of services.filter(([, s]) => role(s) === 'controller')) {
      const { config } = configOf(s)!;
      const published = publishedPorts(s);
      expect(published.has(`${portOf(config.controller.listen)}/tcp`), `${name}: API port`).toBe(true);
      // Other containers (probe agents) reach the API only if it listens beyond loopback.
      expect(hostOf(config.controller.listen)).toBe('0.0.0.0');
      const builtins = Object.values(config.providers).filter((p) => p.kind === 'builtin');
      expect(builtins.length).toBeGreaterThan(0);
      for (const p of builtins) {
        for (const l of [p.kind === 'builtin' ? (p.listen ?? []) : []].flat()) {
          expect(published.has(`${portOf(l)}/udp`), `${name}: DNS ${l}/udp`).toBe(true);
          expect(published.has(`${portOf(l)}/tcp`), `${name}: DNS ${l}/tcp`).toBe(true);
        }
      }
      const hc = envOf(s).GEOFAILOVER_HEALTHCHECK_URL;
      if (hc) expect(new URL(hc).port).toBe(String(portOf(config.controller.listen)));
    }
  });

  it("every controller has CPU and memory limits, and its config's DNS workers are what they hold", () => {
    const controllers = services.filter(([, s]) => role(s) === 'controller');
    expect(controllers.length).toBe(3); // controller, controller-a, controller-b
    for (const [name, s] of controllers) {
      expect(s.cpus, `${name}: cpus`).toBeDefined();
      expect(s.mem_limit, `${name}: mem_limit`).toBeDefined();
      const { file, config } = configOf(s)!;
      const limits = { cores: Number(s.cpus), bytes: binarySize(s.mem_limit!) };
      expect(workersProblems(config, limits, `${name} (${file})`)).toEqual([]);
    }
    expect(binarySize('512m')).toBe(512 * 2 ** 20);
  });

  it('gives the controller every secret its config names, and each probe agent its own key', () => {
    for (const [name, s] of services) {
      const loaded = configOf(s);
      if (!loaded) continue;
      const { config } = loaded;
      const env = envOf(s);
      const need: string[] = [];
      if (role(s) === 'controller') {
        need.push(...config.probers.flatMap((p) => (p.keyEnv ? [p.keyEnv] : [])));
        if (config.controller.tokenEnv) need.push(config.controller.tokenEnv);
        for (const p of Object.values(config.providers))
          if (p.kind === 'cloudflare') need.push(p.apiTokenEnv);
        for (const n of config.notifications) if (n.tokenEnv) need.push(n.tokenEnv);
      } else if (role(s) === 'probe') {
        const id = argOf(s, '--prober');
        const prober = config.probers.find((p) => p.id === id);
        expect(prober, `${name}: prober ${id} is in the config`).toBeDefined();
        if (prober?.keyEnv) need.push(prober.keyEnv);
      }
      for (const v of need) {
        expect(env[v], `${name}: environment ${v}`).toBeDefined();
        expect(String(env[v]).trim(), `${name}: environment ${v}`).not.toBe('');
      }
      // A probe agent holds only its own key: a compromised agent cannot sign as another.
      if (role(s) === 'probe') {
        const others = config.probers.filter((p) => p.id !== argOf(s, '--prober')).map((p) => p.keyEnv);
        for (const o of others) if (o) expect(env[o], `${name} must not hold ${o}`).toBeUndefined();
      }
    }
  });

  it('has one probe agent per configured prober, all reporting to the controller service', () => {
    const controllers = services.filter(([, s]) => role(s) === 'controller');
    for (const [name, s] of services.filter(([, s]) => role(s) === 'probe')) {
      const { config } = configOf(s)!;
      const ids = services
        .filter(([, x]) => role(x) === 'probe' && argOf(x, '--config') === argOf(s, '--config'))
        .map(([, x]) => argOf(x, '--prober'));
      expect(ids.sort()).toEqual(config.probers.map((p) => p.id).sort());
      expect(config.controllers.length, `${name}: controllers`).toBeGreaterThan(0);
      for (const { url: u } of config.controllers) {
        const url = new URL(u);
        const target = controllers.find(([cname]) => cname === url.hostname);
        expect(target, `${name}: ${u} names a controller service`).toBeDefined();
        const { config: ccfg } = configOf(target![1])!;
        expect(Number(url.port || 80), `${name}: ${u} port`).toBe(portOf(ccfg.controller.listen));
        const nets = target![1].networks;
        const shared = Array.isArray(s.networks) ? s.networks : Object.keys(s.networks ?? {});
        const cnets = Array.isArray(nets) ? nets : Object.keys(nets ?? {});
        expect(
          shared.some((n) => cnets.includes(n)),
          `${name} shares a network with ${url.hostname}`,
        ).toBe(true);
      }
    }
  });

  it('checks each endpoint at a demo backend service: address, check URL and port agree', () => {
    const backends = services.filter(([, s]) => role(s) === 'demo-backend');
    const subnet = Object.values(compose.networks ?? {})[0]?.ipam?.config?.[0]?.subnet ?? '';
    const prefix = subnet.split('.').slice(0, 3).join('.');
    for (const [, s] of services.filter(([, s]) => role(s) === 'controller')) {
      const { config } = configOf(s)!;
      for (const e of config.regions.flatMap((r) => r.endpoints)) {
        expect(e.check?.kind).toBe('http');
        if (e.check?.kind !== 'http') continue;
        const url = new URL(e.check.url);
        const backend = backends.find(([, b]) => ipv4Of(b) === url.hostname);
        expect(backend, `endpoint ${e.id}: a backend at ${url.hostname}`).toBeDefined();
        expect(argOf(backend![1], '--port')).toBe(url.port);
        expect(e.address, `endpoint ${e.id} publishes its backend's address`).toBe(url.hostname);
        expect(e.address!.startsWith(`${prefix}.`), `${e.address} in ${subnet}`).toBe(true);
      }
    }
  });
});

describe('docker-compose.yml `ha` profile', () => {
  const ha = services.filter(([, s]) => s.profiles?.includes('ha'));
  const etcd = ha.find(([, s]) => s.image?.includes('etcd'));
  const controllers = ha.filter(([, s]) => role(s) === 'controller');

  it('adds a pinned etcd and two controller replicas coordinated through it', () => {
    expect(etcd, 'an etcd service').toBeDefined();
    expect(etcd![1].image).toMatch(/:v\d+\.\d+\.\d+$/);
    const listen = etcd![1].command?.find((a) => a.startsWith('--listen-client-urls='));
    const etcdPort = new URL(listen!.split('=')[1]!).port;
    expect(controllers).toHaveLength(2);
    const states = new Set<string>();
    for (const [name, s] of controllers) {
      const { config } = configOf(s)!;
      const c = config.controller.coordination;
      expect(c.kind, `${name}: coordination`).toBe('etcd');
      if (c.kind !== 'etcd') continue;
      for (const e of c.endpoints) {
        expect(new URL(e).hostname, `${name}: ${e} names the etcd service`).toBe(etcd![0]);
        expect(new URL(e).port).toBe(etcdPort);
      }
      // Each replica keeps its own state (drains cache, event log, builtin zone store).
      const state = (s.volumes ?? []).find((v) => v.endsWith(`:${config.controller.stateDir}`));
      expect(state, `${name}: a volume at ${config.controller.stateDir}`).toBeDefined();
      states.add(state!.split(':')[0]!);
    }
    expect(states.size).toBe(2);
  });

  it('has probe agents that report to both replicas', () => {
    const probes = ha.filter(([, s]) => role(s) === 'probe');
    expect(probes.length).toBeGreaterThan(0);
    for (const [name, s] of probes) {
      const hosts = configOf(s)!
        .config.controllers.map((c) => new URL(c.url).hostname)
        .sort();
      expect(hosts, name).toEqual(controllers.map(([n]) => n).sort());
    }
  });
});

describe('Dockerfile', () => {
  const lines = dockerfile.split('\n').filter((l) => !l.trim().startsWith('#'));
  const froms = lines.filter((l) => /^FROM\s/i.test(l));

  it('is multi-stage on node:26-slim, the Active LTS named in package.json engines', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f).toMatch(/^FROM\s+node:26-slim\b/);
    const { engines } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    expect(Number(/>=(\d+)/.exec(engines.node)?.[1])).toBeLessThanOrEqual(26);
    expect(dockerfile).toMatch(/COPY\s+--from=\w+/);
  });

  it('is built as the package is installed: npm pack, then the tarball with production deps only', () => {
    const body = lines.join('\n');
    const runtime = body.slice(body.lastIndexOf('FROM '));
    expect(body.slice(0, body.lastIndexOf('FROM '))).toMatch(/node scripts\/build\.js && npm pack/);
    expect(runtime).toMatch(/npm install --prefix \/app --omit=dev\b[^\n]*geofailover\.tgz/);
    expect(runtime).not.toMatch(/^COPY\s+(?!--from)/m);
    expect(dockerfile).toMatch(
      /^ENTRYPOINT\s+\["node", "\/app\/node_modules\/geofailover\/bin\/geofailover\.js"\]/m,
    );
  });

  it('runs as a non-root user in the final stage', () => {
    const lastFrom = lines.indexOf(froms.at(-1)!);
    const users = lines.slice(lastFrom).filter((l) => /^USER\s/i.test(l));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)!.split(/\s+/)[1]).not.toMatch(/^(root|0)(:.*)?$/);
  });

  it('has a HEALTHCHECK hitting /healthz without curl, and the geofailover entrypoint', () => {
    const hc = dockerfile.slice(dockerfile.search(/^HEALTHCHECK/m));
    expect(hc).toMatch(/^HEALTHCHECK[\s\S]*?CMD[\s\S]*?\/healthz/);
    expect(hc.split('\n\n')[0]).not.toMatch(/\bcurl\b|\bwget\b/);
    expect(dockerfile).toMatch(/^ENTRYPOINT\s+\[.*geofailover\.js"\]/m);
  });

  it('copies only paths that exist, and the build context skips node_modules and .git', () => {
    for (const l of lines.filter((l) => /^COPY\s/i.test(l) && !/--from=/.test(l))) {
      const parts = l.trim().split(/\s+/).slice(1, -1);
      for (const p of parts) expect(existsSync(join(ROOT, p)), `COPY ${p}`).toBe(true);
    }
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignore).toContain('node_modules');
    expect(ignore).toContain('.git');
  });
});
