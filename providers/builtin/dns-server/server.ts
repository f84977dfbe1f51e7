// startDnsServer: the builtin authoritative server for one builtin provider's zones, on its listen
// address(es). Used by `geofailover dns-server` and embedded by the controller. It follows the zone
// store (in-process writes at once, other processes' writes via the file watcher). With `workers`
// > 1 it also forks worker processes sharing its sockets (workers.ts), fed the same zone data; how
// many the process can afford is worker-sizing.ts's. As a hidden primary (allowTransfer/secondaries)
// it answers transfers and sends NOTIFY (hidden-primary.ts).
import { type Config, zoneProviders } from '../../../src/config/index.ts';
import type { Logger } from '../../../src/log/index.ts';
import { GeofailoverError, normaliseName, UsageError } from '../../../src/model/index.ts';
import { tsigErrorName } from '../../tsig/index.ts';
import { sharedZoneStore, storeFileOf } from '../provider.ts';
import type { StoreSnapshot, ZoneStore } from '../store.ts';
import { DnsEngine, type DnsStats, type TsigRejection } from './answer-engine.ts';
import type { CgroupLimits } from './cgroup.ts';
import { openGeoLocator } from './geo-open.ts';
import { hiddenPrimary } from './hidden-primary.ts';
import type { NotifyOutcome } from './notify.ts';
import { type BoundTransport, bindBoth, parseListen } from './transport.ts';
import type { WorkerBudget } from './worker-budget.ts';
import type { ZonesData } from './worker-protocol.ts';
import { sizeWorkers } from './worker-sizing.ts';
import { sumStats, WorkerPool } from './workers.ts';
import { loadTsigKeys } from './xfr-keys.ts';
import { servedZonesOf } from './zones.ts';

export interface DnsServerOptions {
  config: Config;
  /** Which builtin provider to serve; default: the first builtin provider with `listen`. */
  providerId?: string;
  /** The zone store; default: the provider's store file, which must then exist and be valid. */
  store?: ZoneStore;
  /** Override the provider's listen address(es) (tests: "127.0.0.1:0"). */
  listen?: string | readonly string[];
  logger?: Logger;
  /** Follow the store file for writes by other processes (default true). */
  watch?: boolean;
  /** Seconds between summary log lines about malformed packets and internal errors (default 60). */
  summaryEvery?: number;
  /** Processes serving the sockets (default: the provider's `workers`, else what the CPUs, the cgroup
   * CPU quota and memory limit allow). */
  workers?: number;
  /** The config file the config came from: a `workers` that does not fit is reported at its line. */
  configFile?: string;
  /** Worker children that other builtin servers of this process already run (they share the budget). */
  workersElsewhere?: number;
  /** The cgroup limits to size the workers by, instead of this process's (tests). */
  limits?: CgroupLimits;
  /** Hidden primary: send NOTIFY from this process (default true), and hear how each one went. */
  notify?: boolean;
  notifyDelayMs?: number;
  onNotify?: (outcome: NotifyOutcome) => void;
  /** Where TSIG key secrets (secretEnv) are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface DnsServerHandle {
  /** Bound addresses (UDP and TCP share each). */
  addresses: { host: string; port: number; family: 'IPv4' | 'IPv6' }[];
  /** Zone apexes served. */
  zones: string[];
  /** Processes serving (this one and its worker children). */
  workers: number;
  /** Why that many: the setting, the cgroup CPU quota, the memory limit, the CPUs, a hidden primary. */
  sizing: WorkerBudget;
  /** Counters summed over every worker (children report theirs every 250 ms while they change). */
  stats(): DnsStats;
  /** Each worker's counters, asked for now (this process first). */
  workerStats(): Promise<DnsStats[]>;
  /** Process ids of the worker children (none with one worker). */
  workerPids(): number[];
  /** Resolves true once every worker serves the current zone data (false after 5 s). */
  synced(): Promise<boolean>;
  close(): Promise<void>;
}

/** A listen address could not be bound (port in use, address not local, permission). */
export class DnsListenError extends GeofailoverError {}

export async function startDnsServer(options: DnsServerOptions): Promise<DnsServerHandle> {
  const { config, logger } = options;
  const providerId = options.providerId ?? pickProvider(config);
  const cfg = config.providers[providerId];
  if (cfg?.kind !== 'builtin') {
    throw new UsageError(`provider "${providerId}" is not a builtin provider`, {
      provider: providerId,
      remedy: 'name a provider with `kind: builtin`',
    });
  }
  const listen = options.listen ?? cfg.listen;
  const listenList = listen === undefined ? [] : typeof listen === 'string' ? [listen] : [...listen];
  if (listenList.length === 0) {
    throw new UsageError(`builtin provider "${providerId}" has no listen address`, {
      provider: providerId,
      remedy: `set providers.${providerId}.listen, e.g. "127.0.0.1:5353"`,
    });
  }
  // A hidden primary serves its secondaries, not the public (they answer the queries): one process, so
  // transfers, their journal and NOTIFY live in one place. validate says so when workers is set.
  // Sized first: a `workers` the cgroup cannot hold stops the start before anything is opened.
  const transfers = cfg.allowTransfer.length > 0 || cfg.secondaries.length > 0;
  const sizing = sizeWorkers({
    providerId,
    option: options.workers,
    configured: cfg.workers,
    hiddenPrimary: transfers,
    configFile: options.configFile,
    elsewhere: options.workersElsewhere,
    limits: options.limits,
  });
  const workers = sizing.workers;
  const apexes = config.zones
    .filter((z) => zoneProviders(z).includes(providerId))
    .map((z) => normaliseName(z.name));
  const ownStore = options.store === undefined;
  const store = options.store ?? sharedZoneStore(storeFileOf(cfg, config), logger);
  if (ownStore) store.load(); // a missing or bad file is a startup error (ZoneStoreError)

  const geoSettings = { networks: config.geoip.networks, mmdb: config.geoip.mmdb };
  const geo = await openGeoLocator(geoSettings);
  // A missing or malformed secret stops the server here, with the key named.
  const tsigKeys = loadTsigKeys(providerId, cfg, options.env);
  let lastError = '';
  let lastRejection = '';
  const engine = new DnsEngine({
    geo,
    udpPayloadSize: cfg.udpPayloadSize,
    tsigKeys,
    onError: (err) => {
      const msg = err instanceof Error ? err.message : String(err);
      if (msg !== lastError) logger?.error({ err: msg }, 'dns query failed internally; answered SERVFAIL');
      lastError = msg;
    },
    // Where the operator set up keys, a failing signer (a secondary's SOA check) is worth a line. A
    // public server without keys only counts them: a flood of signed junk must not flood the log.
    ...(cfg.tsigKeys.length > 0
      ? {
          onTsigRejected: (r: TsigRejection) => {
            const line = `${r.peer} ${r.keyName} ${r.error} ${r.reason}`;
            if (line === lastRejection) return;
            lastRejection = line;
            logger?.warn(
              {
                provider: providerId,
                peer: r.peer,
                tsigKey: r.keyName,
                tsigError: tsigErrorName(r.error),
                why: r.reason,
              },
              'query with a bad TSIG signature; answered NOTAUTH',
            );
          },
        }
      : {}),
  });
  // AXFR/IXFR and NOTIFY when the provider configures transfers (hidden-primary.ts).
  const primary = hiddenPrimary({
    providerId,
    cfg,
    apexes,
    keys: tsigKeys,
    ...(logger ? { logger } : {}),
    ...(options.notify === undefined ? {} : { notify: options.notify }),
    ...(options.notifyDelayMs === undefined ? {} : { notifyDelayMs: options.notifyDelayMs }),
    ...(options.onNotify ? { onNotify: options.onNotify } : {}),
  });
  let version = 0;
  let pool: WorkerPool | undefined;
  const zonesData = (snap: StoreSnapshot): ZonesData => ({
    version: version++,
    apexes,
    serial: snap.serial,
    zones: Object.fromEntries(apexes.map((a) => [a, snap.zones[a] ?? []])),
    settings: { nameservers: cfg.nameservers },
  });
  let latest: ZonesData;
  const load = (snap: StoreSnapshot) => {
    latest = zonesData(snap);
    engine.setZones(servedZonesOf(apexes, snap, latest.settings));
    // The same data to every worker in one message each; each swaps it in as one step.
    pool?.setZones(latest);
    primary.update(snap); // after the engine, so a NOTIFYed secondary's SOA query sees the new serial
  };
  load(store.snapshot());
  const unsubscribe = store.subscribe(load);
  const startedWatch = options.watch !== false && store.watch();

  const bound: BoundTransport[] = [];
  try {
    for (const text of listenList) {
      const addr = parseListen(text);
      try {
        bound.push(await bindBoth(addr, engine, primary.transfers));
      } catch (err) {
        const e = err as NodeJS.ErrnoException & { transport?: string };
        const why =
          e.code === 'EADDRINUSE'
            ? 'address already in use'
            : e.code === 'EACCES'
              ? 'permission denied'
              : e.message;
        const fix =
          e.code === 'EADDRINUSE'
            ? `stop the other server on that port or change providers.${providerId}.listen`
            : 'use a local address, and a port above 1023 unless running with CAP_NET_BIND_SERVICE';
        // One line on purpose: the remedy is part of the message, not a second line.
        throw new DnsListenError(`cannot listen on ${text} (${e.transport ?? 'udp'}): ${why}; ${fix}`, {
          provider: providerId,
          value: text,
          cause: err,
        });
      }
    }
    if (workers > 1) {
      pool = await WorkerPool.start({
        children: workers - 1,
        geo: geoSettings,
        udpPayloadSize: cfg.udpPayloadSize,
        udp: bound.map((b) => b.udp),
        tcp: bound.map((b) => b.tcp),
        zones: latest!,
        tsigKeys: [...tsigKeys.values()].map((k) => ({
          name: k.name,
          algorithm: k.algorithm,
          secret: k.secret.toString('base64'),
        })),
        logger,
      });
      // A change between the children's start and now: send the current data again.
      pool.setZones(latest!);
    }
  } catch (err) {
    await pool?.close();
    await Promise.all(bound.map((b) => b.close()));
    unsubscribe();
    if (ownStore) store.close();
    else if (startedWatch) store.unwatch();
    await primary.close();
    throw err;
  }
  primary.start();
  const stats = (): DnsStats => (pool ? sumStats([engine.stats(), ...pool.stats()]) : engine.stats());

  // One summary line per period about malformed packets and internal errors, never one per packet.
  let reported = stats();
  const timer = setInterval(
    () => {
      const now = stats();
      const malformed = now.malformed - reported.malformed;
      const servfail = now.servfail - reported.servfail;
      const notauth = now.notauth - reported.notauth;
      if (malformed > 0 || servfail > 0 || notauth > 0) {
        logger?.warn(
          { malformed, servfail, notauth, received: now.received - reported.received },
          'dns: malformed queries, refused TSIG signatures or internal errors',
        );
      }
      reported = now;
    },
    (options.summaryEvery ?? 60) * 1000,
  );
  timer.unref();

  const addresses = bound.map((b) => ({ host: b.host, port: b.port, family: b.family }));
  logger?.info(
    {
      addresses,
      zones: apexes,
      serial: store.snapshot().serial,
      workers,
      workersLimit: sizing.limit,
      workersReason: sizing.reason,
    },
    'dns server listening',
  );
  let closed = false;
  return {
    addresses,
    zones: apexes,
    workers,
    sizing,
    stats,
    workerStats: async () => [engine.stats(), ...((await pool?.freshStats()) ?? [])],
    synced: () => pool?.synced() ?? Promise.resolve(true),
    workerPids: () => pool?.pids() ?? [],
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      unsubscribe();
      if (ownStore) store.close();
      else if (startedWatch) store.unwatch();
      await pool?.close();
      await Promise.all(bound.map((b) => b.close()));
      await primary.close();
    },
  };
}

function pickProvider(config: Config): string {
  const ids = Object.entries(config.providers).filter(([, p]) => p.kind === 'builtin');
  const withListen = ids.find(([, p]) => p.kind === 'builtin' && p.listen !== undefined);
  const id = (withListen ?? ids[0])?.[0];
  if (!id) {
    throw new UsageError('the config has no builtin provider to serve', {
      remedy: 'add a provider with `kind: builtin` and `listen: "127.0.0.1:5353"`',
    });
  }
  return id;
}
