// The running system of the chaos suite: backends on the region hosts, probe agents on the prober
// hosts, controller(s) with the builtin DNS server, optionally etcd, and the client's dig sampler —
// each a real process in its own namespace — and the operations scenarios use on them.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChaosEvent, readEvents } from './events.ts';
import {
  API_PORT,
  APP,
  BACKEND_PORT,
  type ChaosConfigOptions,
  chaosConfigYaml,
  ETCD_PORT,
  HOSTS,
  keyEnv,
  LAST,
  MOTO_PORT,
  PROBERS,
  REGIONS,
  TOKEN_ENV,
  url,
} from './layout.ts';
import { type Host, ns } from './netns.ts';
import { BIN, NsProcess, nsHttp, ROOT, startGeofailover, waitFor } from './procs.ts';
import { DigSampler } from './sampler.ts';

export type BackendMode = 'healthy' | 'fail' | 'slow';

export class World {
  readonly backends = new Map<string, NsProcess>();
  readonly controllers = new Map<string, NsProcess>();
  readonly probers = new Map<string, NsProcess>();
  etcd: NsProcess | undefined;
  moto: NsProcess | undefined;
  sampler: DigSampler | undefined;
  private configFiles = new Map<string, string>();
  private proberConfig = '';

  constructor(
    readonly dir: string,
    readonly env: Record<string, string>,
  ) {
    mkdirSync(this.logDir, { recursive: true });
  }

  get logDir(): string {
    return join(this.dir, 'logs');
  }

  stateDir(host: Host): string {
    return join(this.dir, `state-${host.name}`);
  }

  /** Write one config per controller host (and the probers' copy); returns the probers' file. */
  writeConfigs(opts: Omit<ChaosConfigOptions, 'stateDir'>, tag: string): void {
    for (const c of opts.controllers) {
      const file = join(this.dir, `${tag}-${c.name}.yaml`);
      writeFileSync(file, chaosConfigYaml({ ...opts, stateDir: this.stateDir(c) }, c));
      this.configFiles.set(c.name, file);
    }
    // The agents read only regions, probers, controllers and health: any replica's file will do.
    this.proberConfig = this.configFiles.get(opts.controllers[0]!.name)!;
  }

  // ---- backends ----------------------------------------------------------------------------------

  async startBackend(region: string): Promise<void> {
    const r = REGIONS.find((x) => x.id === region);
    const host = r?.host ?? HOSTS.canary;
    const p = startGeofailover(
      `backend-${region}`,
      host.name,
      ['demo-backend', '--host', host.address, '--port', String(BACKEND_PORT), '--name', region],
      {},
      this.logDir,
    );
    this.backends.set(region, p);
    await p.waitForOutput(/listening on/, 60_000);
  }

  /** The canary web server the probers check to know their own network works. */
  startCanary(): Promise<void> {
    return this.startBackend('canary');
  }

  backend(region: string): NsProcess {
    return this.backends.get(region)!;
  }

  /** Switch a backend's mode over its control endpoint, from its own host. */
  async setMode(region: string, mode: BackendMode): Promise<void> {
    const r = REGIONS.find((x) => x.id === region)!;
    const res = await nsHttp(r.host.name, 'POST', `${url(r.host, BACKEND_PORT)}/mode/${mode}`);
    if (res.status !== 200) throw new Error(`backend ${region}: mode ${mode} answered ${res.status}`);
  }

  // ---- controllers and probers -------------------------------------------------------------------

  async startController(host: Host, replica = host.name): Promise<NsProcess> {
    const p = startGeofailover(
      `controller-${host.name}`,
      host.name,
      ['controller', '--config', this.configFiles.get(host.name)!, '--replica', replica],
      // The controller verifies every prober's signatures: it holds all keys and the API token. The AWS
      // credentials are dummies for moto_server (the SDK refuses to sign without some).
      {
        ...this.env,
        AWS_ACCESS_KEY_ID: 'AKIDCHAOSTEST',
        AWS_SECRET_ACCESS_KEY: 'chaos-dummy-not-a-secret',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      this.logDir,
    );
    this.controllers.set(host.name, p);
    await p.waitForOutput(/listening on http/, 90_000);
    return p;
  }

  controller(host: Host = HOSTS.ctrl): NsProcess {
    return this.controllers.get(host.name)!;
  }

  startProbers(): void {
    for (const p of PROBERS) {
      const k = keyEnv(p.name);
      this.probers.set(
        p.name,
        startGeofailover(
          `probe-${p.name}`,
          p.name,
          ['probe', '--config', this.proberConfig, '--prober', p.name],
          { [k]: this.env[k]! },
          this.logDir,
        ),
      );
    }
  }

  events(host: Host = HOSTS.ctrl): ChaosEvent[] {
    return readEvents(this.stateDir(host));
  }

  async api<T>(host: Host, method: string, path: string, body?: unknown): Promise<T> {
    const res = await nsHttp(HOSTS.client.name, method, `${url(host, API_PORT)}${path}`, {
      token: this.env[TOKEN_ENV]!,
      ...(body === undefined ? {} : { body }),
    });
    if (res.status >= 300) throw new Error(`${method} ${path} on ${host.name}: ${res.status} ${res.body}`);
    return JSON.parse(res.body) as T;
  }

  // ---- etcd (HA) ---------------------------------------------------------------------------------

  async startEtcd(bin: string): Promise<string> {
    const h = HOSTS.etcd;
    const client = `http://${h.address}:${ETCD_PORT}`;
    const peer = `http://${h.address}:${ETCD_PORT + 1}`;
    const data = join(this.dir, 'etcd-data');
    this.etcd = new NsProcess(
      'etcd',
      h.name,
      [
        bin,
        '--name',
        'chaos',
        '--data-dir',
        data,
        '--listen-client-urls',
        client,
        '--advertise-client-urls',
        client,
        '--listen-peer-urls',
        peer,
        '--initial-advertise-peer-urls',
        peer,
        '--initial-cluster',
        `chaos=${peer}`,
        '--heartbeat-interval',
        '50',
        '--election-timeout',
        '500',
      ],
      {},
      join(this.logDir, 'etcd.log'),
    );
    await waitFor(
      'etcd healthy',
      () =>
        nsHttp(h.name, 'GET', `${client}/health`)
          .then((r) => r.status === 200 && r.body.includes('true'))
          .catch(() => false),
      (ok) => ok,
      60_000,
      300,
    );
    return client;
  }

  /** moto_server (Route 53 emulator) on the etcd host, with one hosted zone; returns its endpoint and id. */
  async startMoto(bin: string, zone: string): Promise<{ endpoint: string; hostedZoneId: string }> {
    const h = HOSTS.etcd;
    const endpoint = `http://${h.address}:${MOTO_PORT}`;
    this.moto = new NsProcess(
      'moto',
      h.name,
      [bin, '-H', h.address, '-p', String(MOTO_PORT)],
      {},
      join(this.logDir, 'moto.log'),
    );
    await waitFor(
      'moto_server listening',
      () =>
        nsHttp(h.name, 'GET', `${endpoint}/moto-api/`)
          .then((r) => r.status < 500)
          .catch(() => false),
      (ok) => ok,
      60_000,
      300,
    );
    const res = await nsHttp(h.name, 'POST', `${endpoint}/2013-04-01/hostedzone`, {
      // moto picks the service from the credential scope of the (unverified) signature.
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDCHAOSTEST/20260101/us-east-1/route53/aws4_request, SignedHeaders=host, Signature=0',
      },
      raw: {
        contentType: 'application/xml',
        body: `<?xml version="1.0" encoding="UTF-8"?><CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Name>${zone}.</Name><CallerReference>chaos-${Date.now()}</CallerReference></CreateHostedZoneRequest>`,
      },
    });
    const id = /<Id>\/hostedzone\/([A-Z0-9]+)<\/Id>/.exec(res.body)?.[1];
    if (!id) throw new Error(`moto: CreateHostedZone answered ${res.status}: ${res.body.slice(0, 300)}`);
    return { endpoint, hostedZoneId: id };
  }

  // ---- the client --------------------------------------------------------------------------------

  startSampler(servers: readonly Host[]): DigSampler {
    this.sampler = new DigSampler(
      HOSTS.client.name,
      // dig's default port 53 is where the builtin server listens here.
      servers.map((s) => s.address),
      [APP, LAST],
    );
    this.sampler.start();
    return this.sampler;
  }

  /** Run `geofailover <args>` once on the client host (the operator's CLI); resolves with its output. */
  cli(args: string[]): Promise<{ code: number | null; out: string }> {
    return new Promise((done) => {
      const child = spawn('ip', ['netns', 'exec', ns(HOSTS.client.name), process.execPath, BIN, ...args], {
        cwd: ROOT,
        env: { ...process.env, GEOFAILOVER_API_TOKEN: this.env[TOKEN_ENV]!, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.on('exit', (code) => done({ code, out }));
    });
  }

  async stopAll(): Promise<void> {
    await this.sampler?.stop();
    const all = [
      ...this.probers.values(),
      ...this.controllers.values(),
      ...this.backends.values(),
      ...(this.etcd ? [this.etcd] : []),
      ...(this.moto ? [this.moto] : []),
    ];
    await Promise.all(all.map((p) => p.stop(3000)));
  }
}
