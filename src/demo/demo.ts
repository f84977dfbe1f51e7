// The live demo behind `npm start`: three demo backends on loopback, a generated config, three real
// probe agents as child processes, and the controller (with the builtin DNS server) in this process.
// Loopback only; every secret is random per run and reaches the children only through their env.
import { createWriteStream, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../config/index.ts';
import { startController } from '../controller/index.ts';
import { createLogger } from '../log/index.ts';
import { type DemoBackend, startDemoBackend } from './backend.ts';
import { demoBanner } from './banner.ts';
import { ChildGroup } from './children.ts';
import {
  type BackendTarget,
  DEMO_LAYOUT,
  DEMO_PROBERS,
  DEMO_TOKEN_ENV,
  DEMO_ZONE,
  demoConfigYaml,
  demoSecrets,
  proberKeyEnv,
} from './config.ts';
import { pickDnsPort, pickTcpPort } from './ports.ts';
import { demoRoutes } from './routes.ts';
import { statusChanges } from './watch.ts';

export interface DemoOptions {
  /** Preferred controller port (default 8080); a taken port falls back to a free one. */
  port?: number;
  /** Preferred DNS port (default 5353); a taken port falls back to a free one. */
  dnsPort?: number;
  /** Config, zone store, event log and logs; default a fresh temporary directory. */
  stateDir?: string;
  /** Default 10s. */
  failbackAfter?: string;
  /** Cap of the flap-lengthened failback wait (default 2m). */
  maxFailbackAfter?: string;
  /** Where the banner and the running commentary go (default stdout). */
  print?: (text: string) => void;
  /** Status poll interval for the commentary (default 250 ms); 0 turns it off. */
  watchMs?: number;
}

export interface RunningDemo {
  controllerUrl: string;
  dnsHost: string;
  dnsPort: number;
  stateDir: string;
  configFile: string;
  backends: ReadonlyMap<string, readonly DemoBackend[]>;
  /** Process ids of the probe agents. */
  childPids(): number[];
  /** Stops the commentary, the probe agents, the controller and the backends; idempotent. */
  stop(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

/** Listens on the endpoint's own loopback address where the OS allows (Linux: all of 127/8), else 127.0.0.1. */
async function backendFor(region: string, endpoint: { id: string; address: string }): Promise<DemoBackend> {
  try {
    return await startDemoBackend({ host: endpoint.address, name: `${region}/${endpoint.id}` });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL') throw err;
    return startDemoBackend({ host: LOOPBACK, name: `${region}/${endpoint.id}` });
  }
}

export async function runDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const print = options.print ?? ((t: string) => process.stdout.write(`${t}\n`));
  const stateDir = resolve(options.stateDir ?? mkdtempSync(join(tmpdir(), 'geofailover-demo-')));
  mkdirSync(stateDir, { recursive: true });
  const failbackAfter = options.failbackAfter ?? '10s';

  const notes: string[] = [];
  const wantPort = options.port ?? 8080;
  const wantDns = options.dnsPort ?? 5353;
  const ctl = await pickTcpPort(LOOPBACK, wantPort);
  if (ctl.fellBack) notes.push(`port ${wantPort} is in use; the controller listens on ${ctl.port} instead`);
  const dns = await pickDnsPort(LOOPBACK, wantDns);
  if (dns.fellBack) notes.push(`port ${wantDns} is in use; the DNS server listens on ${dns.port} instead`);

  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    const backends = new Map<string, DemoBackend[]>();
    const targets: BackendTarget[] = [];
    for (const region of DEMO_LAYOUT) {
      const list: DemoBackend[] = [];
      for (const e of region.endpoints) {
        const b = await backendFor(region.id, e);
        cleanups.push(() => b.close());
        list.push(b);
        targets.push({ endpoint: e.id, host: b.host, port: b.port });
      }
      backends.set(region.id, list);
    }

    const configFile = join(stateDir, 'demo.yaml');
    const yaml = demoConfigYaml({
      targets,
      controllerPort: ctl.port,
      dnsPort: dns.port,
      stateDir,
      failbackAfter,
      ...(options.maxFailbackAfter === undefined ? {} : { maxFailbackAfter: options.maxFailbackAfter }),
    });
    writeFileSync(configFile, yaml);
    const config = parseConfig(yaml, configFile);
    const secrets = demoSecrets();
    const tokenFile = join(stateDir, 'api-token');
    writeFileSync(tokenFile, `${secrets[DEMO_TOKEN_ENV]}\n`, { mode: 0o600 });

    const logStream = createWriteStream(join(stateDir, 'controller.log'), { flags: 'a' });
    cleanups.push(() => new Promise<void>((r) => logStream.end(() => r())));
    const logger = createLogger('geofailover', { destination: logStream });
    const controller = await startController({
      config,
      env: { ...process.env, ...secrets },
      logger,
      extraRoutes: demoRoutes(backends, (region, mode) =>
        print(`demo: region ${region} backends are now ${mode}`),
      ),
    });
    cleanups.push(() => controller.stop());

    const children = new ChildGroup((e) =>
      print(
        `demo: ${e.name} exited unexpectedly (${e.signal ?? `code ${e.code}`}); see ${stateDir}/${e.name}.log`,
      ),
    );
    cleanups.push(() => children.stopAll());
    for (const p of DEMO_PROBERS) {
      const keyEnv = proberKeyEnv(p);
      children.spawn({
        name: `probe-${p}`,
        args: ['probe', '--config', configFile, '--prober', p],
        env: { [keyEnv]: secrets[keyEnv]! },
        logFile: join(stateDir, `probe-${p}.log`),
      });
    }

    print(
      demoBanner({
        controllerUrl: controller.url,
        dnsHost: LOOPBACK,
        dnsPort: dns.port,
        stateDir,
        tokenFile,
        failbackAfter,
        layout: DEMO_LAYOUT,
        notes,
      }),
    );

    const watchMs = options.watchMs ?? 250;
    if (watchMs > 0) {
      let prev: ReturnType<typeof controller.status> | undefined;
      const timer = setInterval(() => {
        try {
          const next = controller.status();
          for (const line of statusChanges(prev, next, `app.${DEMO_ZONE}`, DEMO_LAYOUT))
            print(`demo: ${line}`);
          prev = next;
        } catch {
          // The commentary is a convenience; the controller reports its own errors in its log.
        }
      }, watchMs);
      timer.unref();
      cleanups.push(async () => clearInterval(timer));
    }

    let stopped: Promise<void> | undefined;
    return {
      controllerUrl: controller.url,
      dnsHost: LOOPBACK,
      dnsPort: dns.port,
      stateDir,
      configFile,
      backends,
      childPids: () => children.pids,
      stop: () => {
        stopped ??= cleanup();
        return stopped;
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
