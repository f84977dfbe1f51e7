// The etcd coordinator (`coordination: {kind: etcd}`): the election with self-fencing, drains and
// decisions shared under one key prefix, one watch on that prefix to react at once, and a shutdown
// that never waits longer than its timeout. It connects with the configured TLS files and user; when
// etcd refuses them (an untrusted certificate, a wrong password, no permission on the prefix) it says
// so in one message naming the endpoint, field and file, and refuses to start.
//
// Keys under the prefix (default /geofailover/<owner>/):
//   leader            JSON {replica, at}, bound to the leader's lease
//   drains/<region>   JSON DrainRecord (no lease: a drain survives every replica)
//   overrides/<region>       JSON OverrideRecord (removed once expired)
//   maintenance/<id>         JSON MaintenanceRecord (windows added through the API)
//   events/<t>-<replica>-<seq>   shared decisions (bounded history), see shared-events.ts
import type { Watcher } from 'etcd3';
import type { EtcdCoordinationConfig } from '../config/index.ts';
import type { DrainRecord } from '../model/index.ts';
import { Election, type Transition } from './election.ts';
import { loadEtcdAccess } from './etcd-access.ts';
import { createEtcdClient } from './etcd-client.ts';
import { EtcdDiagnosis } from './etcd-diagnosis.ts';
import type { EtcdAccessError } from './etcd-problem.ts';
import { SharedDrains } from './shared-drains.ts';
import { SharedEvents } from './shared-events.ts';
import { operatorRecords } from './shared-operator-records.ts';
import { defaultPrefix, leaseTiming, normalisePrefix } from './timing.ts';
import { probeEndpoint } from './tls-probe.ts';
import type { CoordinationView, Coordinator, CoordinatorHooks } from './types.ts';

const DRAIN_RESYNC_MS = 5000;

/** Reads the TLS files and the password now: a missing one is a TlsFileError or MissingSecretError. */
export function etcdCoordinator(
  cfg: Pick<EtcdCoordinationConfig, 'endpoints' | 'leaseTtl' | 'prefix' | 'tls' | 'auth'>,
  owner: string,
  hooks: CoordinatorHooks,
): Coordinator {
  const timing = leaseTiming(cfg.leaseTtl);
  const prefix = normalisePrefix(cfg.prefix ?? defaultPrefix(owner));
  const logger = hooks.logger.child({ component: 'coordination' });
  const access = loadEtcdAccess(cfg, hooks.env);
  const client = createEtcdClient(cfg.endpoints, timing.opTimeoutMs, access);
  const diagnosis = new EtcdDiagnosis(
    {
      endpoints: cfg.endpoints,
      prefix,
      secure: access.secure,
      // Paths only: what a message may name (the key's content stays in the client).
      ...(cfg.tls ? { tls: { ...cfg.tls } } : {}),
      ...(access.auth ? { auth: { user: access.auth.user, from: access.auth.from } } : {}),
    },
    access.tls?.material,
    timing.opTimeoutMs,
    probeEndpoint,
  );
  let stopped = false;
  let watcher: Watcher | undefined;
  let resyncTimer: NodeJS.Timeout | undefined;

  const view = (): CoordinationView => {
    const s = election.state();
    const refused = election.refusedBy() !== undefined;
    return {
      kind: 'etcd',
      role: s.leading ? 'leader' : 'follower',
      ...(s.leader ? { leader: s.leader } : {}),
      ...(s.reason ? { reason: s.reason } : {}),
      ...(refused
        ? { etcd: 'refused' as const }
        : s.reachable === undefined
          ? {}
          : { etcd: s.reachable ? ('connected' as const) : ('unreachable' as const) }),
      leaseTtlMs: timing.ttlMs,
      ...(s.lastAckAgeMs === undefined ? {} : { lastKeepaliveAgeMs: s.lastAckAgeMs }),
      ...(s.term ? { term: s.term } : {}),
    };
  };

  const onTransition = (t: Transition) => {
    if (stopped) return;
    switch (t.kind) {
      case 'elected':
        hooks.events.append('leader-elected', {
          replica: hooks.replica,
          term: t.term,
          leaseTtlMs: timing.ttlMs,
        });
        logger.info({ replica: hooks.replica, term: t.term }, 'this replica is the leader');
        hooks.onChange(view(), true);
        return;
      case 'lost':
        hooks.events.append('leadership-lost', { replica: hooks.replica, reason: t.reason });
        hooks.onChange(view(), false);
        return;
      case 'leader-changed':
        hooks.events.append('leader-changed', {
          replica: hooks.replica,
          ...(t.from ? { from: t.from } : {}),
          ...(t.to ? { to: t.to } : {}),
        });
        hooks.onChange(view(), false);
        return;
      case 'problem':
        reportProblem(t.problem);
        hooks.onChange(view(), false);
        return;
      case 'reachability':
        if (t.reachable) {
          logger.info('etcd reachable');
          syncAll();
        } else logger.warn({ detail: t.detail }, 'etcd unreachable');
        hooks.onChange(view(), false);
        return;
    }
  };

  // Once per distinct problem (not per keepalive), and once when it clears.
  let reported: EtcdAccessError | undefined;
  const reportProblem = (p: EtcdAccessError | undefined) => {
    if (p) {
      const where = { endpoint: p.endpoint, field: p.field, ...(p.file ? { file: p.file } : {}) };
      logger.error({ ...where, remedy: p.context.remedy }, p.message);
      hooks.events.append('etcd-refused', {
        replica: hooks.replica,
        message: p.message,
        ...where,
        ...(p.context.remedy ? { remedy: p.context.remedy } : {}),
      });
    } else if (reported) logger.info({ was: reported.message }, 'etcd accepts this replica again');
    reported = p;
  };

  const election = new Election({
    client,
    key: `${prefix}leader`,
    replica: hooks.replica,
    timing,
    logger,
    onTransition,
    diagnose: (err) => diagnosis.explain(err),
    healthy: () => diagnosis.clear(),
  });
  const drains = new SharedDrains({
    client,
    prefix: `${prefix}drains/`,
    opTimeoutMs: timing.opTimeoutMs,
    endpoints: cfg.endpoints,
    logger,
    localDrains: hooks.localDrains,
    applyDrain: hooks.applyDrain,
  });
  const operator = operatorRecords({
    client,
    prefix,
    opTimeoutMs: timing.opTimeoutMs,
    endpoints: cfg.endpoints,
    logger,
    hooks,
  });
  const syncAll = () => {
    void drains.sync();
    void operator.sync();
  };
  const shared = new SharedEvents({
    client,
    prefix: `${prefix}events/`,
    replica: hooks.replica,
    events: hooks.events,
    opTimeoutMs: timing.opTimeoutMs,
    logger,
  });

  const onKey = (key: string, value: string | undefined) => {
    if (stopped) return;
    if (key === `${prefix}leader`) election.nudge();
    else if (key.startsWith(`${prefix}drains/`)) void drains.sync();
    else if (operator.owns(key)) void operator.sync(key);
    else if (key.startsWith(`${prefix}events/`) && value !== undefined) shared.mirror(value);
  };

  const watch = async () => {
    try {
      const w = await client.watch().prefix(prefix).create();
      if (stopped) {
        await w.cancel().catch(() => undefined);
        return;
      }
      watcher = w;
      w.on('put', (kv) => onKey(kv.key.toString(), kv.value.toString()));
      w.on('delete', (kv) => onKey(kv.key.toString(), undefined));
      w.on('error', (err) => logger.debug({ err }, 'etcd watch error'));
      // After a reconnect, changes made meanwhile may not be replayed: re-read what matters.
      w.on('connected', () => {
        election.nudge();
        syncAll();
      });
    } catch (err) {
      logger.debug({ err }, 'etcd watch not established; polling only');
    }
  };

  const halt = () => {
    stopped = true;
    clearInterval(resyncTimer);
    shared.stop();
    const w = watcher;
    watcher = undefined;
    void w?.cancel().catch(() => undefined);
  };

  return {
    kind: 'etcd',
    async start() {
      shared.start();
      void watch();
      resyncTimer = setInterval(syncAll, DRAIN_RESYNC_MS);
      resyncTimer.unref();
      await Promise.all([election.start(), drains.sync(), operator.sync()]);
      // A replica etcd refuses could never lead: a configuration error, not an outage to wait out.
      const refused = election.refusedBy();
      if (refused) {
        halt();
        election.abandon();
        client.close();
        throw refused;
      }
      hooks.onChange(view(), false);
    },
    canWrite: () => election.canWrite(),
    view,
    publishDrain: (d: DrainRecord) => drains.publish(d),
    publishUndrain: (region: string) => drains.unpublish(region),
    publishOverride: (r) => operator.overrides.put(r.region, r, `for region ${r.region}`),
    publishClearOverride: (region) => operator.overrides.remove(region, `for region ${region}`),
    publishWindow: (r) => operator.windows.put(r.id, r, `${r.id} (region ${r.region})`),
    publishDeleteWindow: (id) => operator.windows.remove(id, id),
    abandon() {
      if (stopped) return;
      halt();
      election.abandon();
      client.close();
    },
    async stop(timeoutMs = 2000) {
      if (stopped) return;
      halt();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        election.resign(),
        new Promise<void>((r) => {
          timer = setTimeout(r, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      client.close();
    },
  };
}
