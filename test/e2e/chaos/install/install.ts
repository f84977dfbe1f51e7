// The running install: etcd members, controller replicas started by the HA StatefulSet's command
// lines, a demo backend and a probe agent in each region's namespace (the agents by the probe-agent
// Deployment's or the probe unit's command line), each process with its own file tree (Root) as a pod
// or host has, and what the test asks of them: status over mTLS from the client host, DNS answers
// from the controllers' builtin servers, an agent restarted with another key.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatusDoc } from '../../../../src/api/status-types.ts';
import type { Host } from '../namespaces.ts';
import { NsProcess } from '../procs.ts';
import { mapCommandLine, parseEnv, readEnvironmentFile } from './command-line.ts';
import { type EtcdAuth, enableAuth, startEtcdMembers } from './etcd-cluster.ts';
import { layOutAgent, layOutController } from './host-files.ts';
import {
  CLIENT,
  CONTROLLERS,
  ETCD_MEMBERS,
  endpointAddress,
  FIXED_HOSTS,
  hostsFile,
  NET,
  replicaId,
} from './layout.ts';
import { type Ran, runIn, withHosts } from './ns-exec.ts';
import { makePki, type Pki } from './pki.ts';
import { request } from './request.ts';
import { Root } from './roots.ts';
import { CONFIG_PATH, type Shipped } from './shipped.ts';
import { type SiteFacts, siteConfig, siteFacts } from './site-config.ts';

const TOKEN_ENV = 'GEOFAILOVER_API_TOKEN';
const ETCD_PASSWORD_ENV = 'ETCD_PASSWORD';

/** How an agent is installed: the probe-agent overlay's container, or the probe unit on a VM. */
export type AgentKind = 'kubernetes' | 'systemd';

export interface Region {
  id: string;
  host: Host;
  /** Its endpoints' addresses, as DNS answers them. */
  addresses: string[];
}

export interface Agent {
  prober: string;
  keyEnv: string;
  region: Region;
  kind: AgentKind;
  root: Root;
  proc?: NsProcess;
}

const only = (env: Record<string, string>, keys: readonly string[]) =>
  Object.fromEntries(keys.filter((k) => env[k] !== undefined).map((k) => [k, env[k]!]));

export class Install {
  readonly facts: SiteFacts;
  readonly regions: Region[];
  readonly agents: Agent[];
  readonly keys: Record<string, string> = {};
  readonly token = randomBytes(32).toString('hex');
  readonly pki: Pki;
  readonly etcd: EtcdAuth;
  readonly hostsFile: string;
  readonly logDir: string;
  readonly procs: NsProcess[] = [];
  readonly controllers = new Map<string, NsProcess>();
  /** The site's controllers.env: the shipped file with this site's controller URLs. */
  readonly controllersEnv: Record<string, string>;
  private readonly controllersEnvText: string;
  private readonly roots = new Map<string, Root>();

  constructor(
    readonly shipped: Shipped,
    readonly dir: string,
    /** Which agents run by the Kubernetes command line; the others by the systemd unit's. */
    kindOf: (index: number) => AgentKind,
  ) {
    this.logDir = join(dir, 'logs');
    mkdirSync(this.logDir, { recursive: true });
    this.facts = siteFacts(shipped.siteConfig);
    this.regions = this.facts.regions.map((r, i) => ({
      id: r.id,
      host: r.host,
      addresses: Array.from({ length: r.endpoints }, (_, j) => endpointAddress(i, j)),
    }));
    const probers = this.facts.probers;
    if (probers.length !== this.regions.length)
      throw new Error(`the shipped config has ${probers.length} probers for ${this.regions.length} regions`);
    this.pki = makePki(
      dir,
      CONTROLLERS,
      probers.map((p) => p.id),
      ETCD_MEMBERS,
    );
    this.etcd = {
      user: 'geofailover',
      password: randomBytes(16).toString('hex'),
      rootPassword: randomBytes(16).toString('hex'),
      prefix: `/geofailover/${this.facts.owner}/`,
    };
    this.hostsFile = join(dir, 'hosts');
    writeFileSync(this.hostsFile, hostsFile());
    // The one place that says where agents report, edited as its comment asks: every replica.
    const urls = CONTROLLERS.map((c) => this.apiUrl(c)).join(',');
    const envText = shipped.controllersEnv.replace(
      new RegExp(`^${this.facts.controllersEnv}=.*$`, 'm'),
      `${this.facts.controllersEnv}=${urls}`,
    );
    this.controllersEnv = parseEnv(envText);
    this.controllersEnvText = envText;
    for (const c of CONTROLLERS) layOutController(this.root(c.name), this.site(c), this.facts, this.pki, c);
    // One agent per region, as the shipped config's comment has it: the i-th prober in the i-th region.
    this.agents = probers.map((p, i) => {
      this.keys[p.keyEnv] = randomBytes(32).toString('hex');
      const root = this.root(p.id);
      // Agents read the controllers' file (any replica's: they use regions, probers, controllersFrom).
      layOutAgent(root, this.site(CONTROLLERS[0]!), this.facts, this.pki, p.id);
      return { prober: p.id, keyEnv: p.keyEnv, region: this.regions[i]!, kind: kindOf(i), root };
    });
  }

  private root(name: string): Root {
    const r = new Root(join(this.dir, 'roots', name));
    this.roots.set(name, r);
    return r;
  }

  private site(self: Host): string {
    return siteConfig(this.shipped.siteConfig, {
      self,
      etcdUser: this.etcd.user,
      etcdPasswordEnv: ETCD_PASSWORD_ENV,
    });
  }

  get hosts(): Host[] {
    return [...FIXED_HOSTS, ...this.regions.map((r) => r.host)];
  }

  /** The network: every host's namespace, and the regions' further endpoint addresses. */
  build(): void {
    NET.buildTopology(this.hosts);
    for (const r of this.regions) for (const a of r.addresses.slice(1)) NET.addAddress(r.host.name, a);
  }

  /** The config file a controller (or an agent, by prober id) reads. */
  configOf(name: string): string {
    return this.roots.get(name)!.path(CONFIG_PATH);
  }

  private spawn(name: string, host: string, argv: string[], env: Record<string, string>): NsProcess {
    const p = new NsProcess(
      name,
      host,
      argv,
      { GEOFAILOVER_LOG_LEVEL: 'info', NO_COLOR: '1', ...env },
      join(this.logDir, `${name}.log`),
      NET.ns(host),
    );
    this.procs.push(p);
    return p;
  }

  async startEtcd(bin: string): Promise<void> {
    this.procs.push(...startEtcdMembers(bin, this.dir, this.logDir, this.pki));
    await enableAuth(this.hostsFile, this.pki, this.etcd);
  }

  // ---- controllers: the HA StatefulSet's init container, then its controller container ----------

  /** A controller pod's environment: the image's, POD_NAME, its ConfigMaps and geofailover-secrets. */
  private controllerEnv(c: Host): Record<string, string> {
    return {
      NODE_ENV: 'production',
      POD_NAME: replicaId(c),
      ...only(this.controllersEnv, this.shipped.controllerConfigMapVars),
      [TOKEN_ENV]: this.token,
      [ETCD_PASSWORD_ENV]: this.etcd.password,
      ...this.keys,
    };
  }

  private controllerArgv(c: Host, args: readonly string[]): string[] {
    const env = this.controllerEnv(c);
    const root = this.roots.get(c.name)!;
    return withHosts(this.hostsFile, mapCommandLine([...this.shipped.entrypoint, ...args], { root, env }));
  }

  /** The check-config init container: `validate --check-env` on the replica's config (`env` added). */
  validate(c: Host, env: Record<string, string> = {}): Promise<Ran> {
    return runIn(NET.ns(c.name), this.controllerArgv(c, this.shipped.controllerInitArgs), {
      env: { ...this.controllerEnv(c), ...env },
      timeoutMs: 60_000,
    });
  }

  async startController(c: Host): Promise<NsProcess> {
    const p = this.spawn(
      `controller-${c.name}`,
      c.name,
      this.controllerArgv(c, this.shipped.controllerArgs),
      this.controllerEnv(c),
    );
    this.controllers.set(c.name, p);
    await p.waitForOutput(/listening on https:/, 90_000);
    return p;
  }

  // ---- regions: a demo backend and a probe agent each --------------------------------------------

  async startBackend(r: Region): Promise<void> {
    const p = this.spawn(
      `backend-${r.id}`,
      r.host.name,
      mapCommandLine([...this.shipped.entrypoint, 'demo-backend', '--port', '80', '--name', r.id], {}),
      {},
    );
    await p.waitForOutput(/listening on/, 60_000);
  }

  /** Switch a backend's mode (healthy, fail, slow) over its control endpoint, from its own host. */
  async setMode(r: Region, mode: 'healthy' | 'fail'): Promise<void> {
    const res = await request(NET.ns(r.host.name), 'POST', `http://${r.host.address}/mode/${mode}`);
    if (res.status !== 200) throw new Error(`backend ${r.id}: mode ${mode} answered ${JSON.stringify(res)}`);
  }

  /**
   * Starts a region's agent by its shipped command line. Kubernetes: the image's ENTRYPOINT and the
   * container's args, its ConfigMap environment, PROBER_ID and the key from the geofailover-probe
   * Secret. systemd: ExecStart with %i the prober id and the unit's environment files (the key in
   * probe-%i.env, the controllers in controllers.env) in the agent's tree.
   */
  startAgent(a: Agent, key = this.keys[a.keyEnv]!): NsProcess {
    let argv: string[];
    let env: Record<string, string>;
    if (a.kind === 'kubernetes') {
      env = {
        NODE_ENV: 'production',
        ...only(this.controllersEnv, this.shipped.probeConfigMapVars),
        PROBER_ID: a.prober,
        [a.keyEnv]: key,
      };
      argv = mapCommandLine([...this.shipped.entrypoint, ...this.shipped.probeArgs], { root: a.root, env });
    } else {
      a.root.write(`/etc/geofailover/probe-${a.prober}.env`, `${a.keyEnv}=${key}\n`, 0o600);
      a.root.write('/etc/geofailover/controllers.env', this.controllersEnvText);
      env = { ...this.shipped.probeUnitEnv };
      for (const f of this.shipped.probeUnitEnvFiles)
        Object.assign(env, readEnvironmentFile(a.root.path(f.replace(/%i/g, a.prober))));
      argv = mapCommandLine(this.shipped.probeExecStart, { root: a.root, instance: a.prober });
    }
    a.proc = this.spawn(`probe-${a.prober}`, a.region.host.name, argv, env);
    return a.proc;
  }

  // ---- what the operator sees from the client host -----------------------------------------------

  apiUrl(c: Host = CONTROLLERS[0]!): string {
    return `https://${c.address}:${this.facts.apiPort}`;
  }

  async status(c: Host = CONTROLLERS[0]!): Promise<StatusDoc> {
    const res = await request(NET.ns(CLIENT.name), 'GET', `${this.apiUrl(c)}/v1/status`, {
      ca: this.pki.apiCa.cert,
      cert: this.pki.operator.cert,
      key: this.pki.operator.key,
      token: this.token,
    });
    if (res.status !== 200) throw new Error(`status of ${c.name}: ${JSON.stringify(res).slice(0, 500)}`);
    return JSON.parse(res.body) as StatusDoc;
  }

  /** The A answer of `name` from a controller's builtin DNS server, sorted ('' entries dropped). */
  async dig(c: Host, name: string): Promise<string[]> {
    const ran = await runIn(
      NET.ns(CLIENT.name),
      ['dig', `@${c.address}`, '-p', String(this.facts.dnsPort), '+short', '+time=1', '+tries=1', name, 'A'],
      { timeoutMs: 5000 },
    );
    if (ran.code !== 0) return [`dig exit ${ran.code}`];
    return ran.out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .sort();
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop(3000)));
  }
}
