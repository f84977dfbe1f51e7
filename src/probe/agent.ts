// The probe agent: runs every endpoint's check on a fixed-rate schedule, checks its own canaries each
// round to know when its own network is the problem (`impaired`), and reports signed batches to every
// controller. While a controller fails it repeats a summary line (delivery-log.ts); liveness() and
// readiness() say whether its loop runs and whether any controller accepts its reports, and with
// exitAfterUnreportedMs it gives up (onUnreported) when none has for that long. stop() (SIGTERM) ends
// cleanly: no new checks, in-flight ones aborted and not reported, one last flush.
import { type Config, formatPath, type ResolvedController, resolveControllers } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import {
  ADDRESS_FAMILIES,
  type AddressFamily,
  endpointAddresses,
  familyName,
  UsageError,
} from '../model/index.ts';
import { HttpsClient } from '../tls/index.ts';
import type { RunnableCheck } from './checks/outcome.ts';
import { compileAgentChecks, type EndpointCheck } from './compile.ts';
import { displayUrl, failureWhat } from './delivery.ts';
import { DeliveryLog } from './delivery-log.ts';
import { type HealthInputs, liveness, readiness, unreportedTooLong, type Verdict } from './readiness.ts';
import { Reporter, type ReporterStats } from './reporter.ts';
import { FixedRateScheduler } from './schedule.ts';
import type { ProbeResult } from './wire.ts';

export interface ProbeAgentOptions {
  config: Config;
  proberId: string;
  /** The prober's HMAC key (src/config proberKey()). */
  key: string;
  logger?: Logger;
  /** How often buffered results are sent; default min(1 s, health.interval). */
  flushIntervalMs?: number;
  random?: () => number;
  /** How often TLS files (controllers[].ca, certFile, keyFile) are checked for a change; default 5 s. */
  tlsPollMs?: number;
  /** Called with every result (tests, local display). */
  onResult?: (r: ProbeResult) => void;
  /** Ready while a controller accepted a report this recently; default health.staleAfter. */
  readyWindowMs?: number;
  /** Give up after this long without any accepted report (counted from start); off when unset. */
  exitAfterUnreportedMs?: number;
  /** Called once when exitAfterUnreportedMs has passed, with why (the caller stops and exits). */
  onUnreported?: (reason: string) => void;
  /** Where to report (`geofailover probe` resolves them with the config's file and lines); default:
   *  the config's `controllers` and the URLs of `controllersFrom.env` in process.env. */
  controllers?: ResolvedController[];
}

export interface AgentStats {
  prober: string;
  checksStarted: number;
  checksSkipped: number;
  results: number;
  impaired: boolean;
  canaryRounds: number;
  controllers: ReporterStats[];
}

export class ProbeAgent {
  private readonly checks: EndpointCheck[];
  private readonly canaries: RunnableCheck[];
  private readonly targets: ResolvedController[];
  private readonly reporters: Reporter[];
  private readonly tlsClients: HttpsClient[] = [];
  private readonly scheduler: FixedRateScheduler;
  private readonly canaryScheduler: FixedRateScheduler;
  private readonly latestOk = new Map<string, boolean>();
  private readonly abort = new AbortController();
  private readonly regionCount: number;
  private flushTimer: NodeJS.Timeout | undefined;
  private seq = Date.now();
  private impairedNow = false;
  /** Families whose every check fails in two regions or more: this prober's own path on them. */
  private impairedFamilies = new Set<AddressFamily>();
  private readonly regionsWith: Map<AddressFamily, Set<string>>;
  private results = 0;
  private canaryRounds = 0;
  private stopping: Promise<void> | undefined;
  private readonly deliveryLog: DeliveryLog;
  private readonly flushMs: number;
  private startedAt = performance.now();
  private lastTickAt = performance.now();
  private gaveUp = false;

  constructor(private readonly opts: ProbeAgentOptions) {
    const { config, proberId } = opts;
    if (!config.probers.some((p) => p.id === proberId)) {
      throw new UsageError(`unknown prober "${proberId}"`, {
        value: proberId,
        remedy: `use one of the configured probers: ${config.probers.map((p) => p.id).join(', ') || '(none configured)'}`,
      });
    }
    const targets = opts.controllers ?? controllersOrThrow(config);
    if (targets.length === 0) {
      throw new UsageError('no controllers configured: a probe agent has nowhere to send its reports', {
        remedy:
          'add `controllersFrom: { env: GEOFAILOVER_CONTROLLERS }` and set that variable to the controller URLs, or list them in `controllers:`',
      });
    }
    this.targets = targets;
    const compiled = compileAgentChecks(config, proberId);
    this.checks = compiled.endpoints;
    this.canaries = compiled.canaries;
    this.regionCount = config.regions.length;
    this.regionsWith = regionsWithFamily(config);
    const prober = config.probers.find((p) => p.id === proberId)!;
    this.deliveryLog = new DeliveryLog(
      {
        prober: proberId,
        keySource: prober.keyEnv
          ? `${prober.keyEnv} (probers[${proberId}].keyEnv)`
          : `the file ${prober.keyFile} (probers[${proberId}].keyFile)`,
      },
      opts.logger,
    );
    this.flushMs = opts.flushIntervalMs ?? Math.min(1000, config.health.interval);
    this.reporters = targets.map(
      (target, i) =>
        new Reporter({
          controller: target.url,
          prober: proberId,
          key: opts.key,
          ...(target.url.startsWith('https:') ? { tls: this.tlsClient(target) } : {}),
          bufferSize: config.health.bufferSize,
          // Results older than staleAfter no longer vote, so waiting longer than a fraction of it to
          // retry only delays the controller's return from fail static after a partition heals.
          maxBackoffMs: Math.max(1000, Math.min(30_000, Math.floor(config.health.staleAfter / 3))),
          nextSeq: () => ++this.seq,
          impaired: () => this.impairedNow,
          impairedFamilies: () => [...this.impairedFamilies],
          onDelivery: (e) => {
            const r = this.reporters[i]!;
            if (e.kind === 'failing') this.deliveryLog.failing(r);
            else this.deliveryLog.recovered(r, e.failure);
          },
          random: opts.random,
        }),
    );
    const interval = config.health.interval;
    this.scheduler = new FixedRateScheduler({
      intervalMs: interval,
      jobs: this.checks.length,
      concurrency: config.health.concurrency,
      run: (i) => this.runCheck(this.checks[i]!),
      random: opts.random,
    });
    this.canaryScheduler = new FixedRateScheduler({
      intervalMs: interval,
      jobs: 1,
      concurrency: 1,
      run: () => this.canaryRound(),
      spread: 0,
    });
  }

  /** The CA and client certificate for one https:// controller, checked now (a startup error names a bad
   *  file) and re-read when they change. */
  private tlsClient(target: ResolvedController): HttpsClient {
    const where = target.where;
    const client = new HttpsClient(
      {
        ...(target.ca ? { ca: { path: target.ca, where: `${where}.ca` } } : {}),
        ...(target.certFile && target.keyFile
          ? {
              cert: { path: target.certFile, where: `${where}.certFile` },
              key: { path: target.keyFile, where: `${where}.keyFile` },
            }
          : {}),
      },
      {
        ...(this.opts.tlsPollMs === undefined ? {} : { pollMs: this.opts.tlsPollMs }),
        trustRemedy: `set ${where}.ca to the PEM file of the CA that issued the controller's certificate`,
        clientCertRemedy: `set ${where}.certFile and keyFile to a client certificate signed by the controller's controller.tls.clientCaFile`,
        onReload: (r) =>
          r.ok
            ? this.opts.logger?.info(
                { controller: target.url, tls: r.detail },
                'TLS files changed: using them',
              )
            : this.opts.logger?.error(
                { controller: target.url, err: r.error.message },
                'TLS files changed but cannot be used: keeping the previous ones',
              ),
      },
    );
    this.tlsClients.push(client);
    return client;
  }

  get impaired(): boolean {
    return this.impairedNow;
  }

  start(): void {
    const now = performance.now();
    this.scheduler.begin(now);
    // Canaries run half a round in, so the first round's endpoint results exist for the fallback rule.
    this.canaryScheduler.begin(now + this.opts.config.health.interval / 2);
    this.startedAt = now;
    this.lastTickAt = now;
    this.flushTimer = setInterval(() => this.tick(), this.flushMs);
    this.opts.logger?.info(
      {
        prober: this.opts.proberId,
        checks: this.checks.length,
        canaries: this.canaries.length,
        controllers: this.targets.map((c) => c.url),
      },
      'probe agent started',
    );
  }

  /** Stops probing, aborts checks in flight, gives the reporters one last flush (bounded by graceMs). */
  stop(graceMs = 2000): Promise<void> {
    this.stopping ??= (async () => {
      if (this.flushTimer) clearInterval(this.flushTimer);
      this.abort.abort();
      await Promise.all([this.scheduler.stop(), this.canaryScheduler.stop()]);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(this.reporters.map((r) => r.flush(true))),
        new Promise((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
      for (const r of this.reporters) r.close();
      for (const t of this.tlsClients) t.close();
      for (const c of [...this.checks.map((e) => e.check), ...this.canaries]) c.close?.();
      this.opts.logger?.info({ stats: this.stats() }, 'probe agent stopped');
    })();
    return this.stopping;
  }

  /** One turn of the agent loop: send what is buffered, repeat due failure summaries, maybe give up. */
  private tick(): void {
    this.lastTickAt = performance.now();
    for (const r of this.reporters) void r.flush();
    this.deliveryLog.tick(this.reporters);
    const limit = this.opts.exitAfterUnreportedMs;
    if (limit !== undefined && !this.gaveUp && unreportedTooLong(this.healthInputs(), limit)) {
      this.gaveUp = true;
      this.opts.onUnreported?.(readiness({ ...this.healthInputs(), readyWindowMs: limit }).reason);
    }
  }

  private healthInputs(): HealthInputs {
    return {
      now: performance.now(),
      startedAt: this.startedAt,
      stopping: this.stopping !== undefined,
      lastTickAt: this.lastTickAt,
      // A loop that misses several turns in a row is stuck (a blocked event loop never answers at all).
      maxTickAgeMs: Math.max(10_000, 5 * this.flushMs),
      readyWindowMs: this.opts.readyWindowMs ?? this.opts.config.health.staleAfter,
      controllers: this.reporters.map((r) => ({
        controller: r.stats.controller,
        ...(r.lastAccepted === undefined ? {} : { lastAccepted: r.lastAccepted }),
        ...(r.failure ? { failure: r.failure } : {}),
        buffered: r.buffered.buffered,
      })),
    };
  }

  /** Live while the agent loop runs and it is not stopping. */
  liveness(): Verdict {
    return liveness(this.healthInputs());
  }

  /** Ready while a controller accepted a report within the ready window; per controller how it stands. */
  readiness(): Verdict & { controllers: Record<string, unknown>[] } {
    return {
      ...readiness(this.healthInputs()),
      controllers: this.reporters.map((r) => ({
        controller: displayUrl(r.stats.controller),
        ...(r.stats.lastAcceptedAt ? { lastAcceptedAt: r.stats.lastAcceptedAt } : {}),
        ...(r.failure ? { failing: failureWhat(r.failure), attempts: r.failure.attempts } : {}),
        buffered: r.buffered.buffered,
      })),
    };
  }

  stats(): AgentStats {
    return {
      prober: this.opts.proberId,
      checksStarted: this.scheduler.started,
      checksSkipped: this.scheduler.skipped,
      results: this.results,
      impaired: this.impairedNow,
      canaryRounds: this.canaryRounds,
      controllers: this.reporters.map((r) => ({ ...r.stats })),
    };
  }

  private async runCheck(c: EndpointCheck): Promise<void> {
    const out = await c.check.run(this.abort.signal);
    if (this.abort.signal.aborted) return; // an aborted check says nothing about the endpoint
    const result: ProbeResult = {
      endpoint: c.endpoint,
      ...(c.family === undefined ? {} : { family: c.family }),
      prober: this.opts.proberId,
      at: Date.now(),
      ...out,
    };
    this.results++;
    this.latestOk.set(checkKey(c), out.ok);
    for (const r of this.reporters) r.add(result);
    this.opts.onResult?.(result);
  }

  /** Updates the families this prober's own path looks broken on, and says when that changes. */
  private judgeFamilies(): void {
    const now = new Set(impairedFamiliesOf(this.checks, this.latestOk, this.regionsWith));
    for (const f of ADDRESS_FAMILIES) {
      if (now.has(f) === this.impairedFamilies.has(f)) continue;
      this.opts.logger?.warn(
        { prober: this.opts.proberId, family: f, impaired: now.has(f) },
        now.has(f)
          ? `prober impaired on ${familyName(f)}: every ${familyName(f)} check fails in every region; its ${familyName(f)} DOWN votes will not count`
          : `prober ${familyName(f)} checks recovered`,
      );
    }
    this.impairedFamilies = now;
  }

  /**
   * Impaired when every canary failed; with no canaries configured, when every endpoint of every
   * region (at least two regions) failed its latest check: a whole-world outage seen from one place
   * is far more likely to be that place's own network.
   */
  private async canaryRound(): Promise<void> {
    let impaired: boolean;
    let detail: string;
    if (this.canaries.length > 0) {
      const outs = await Promise.all(this.canaries.map((c) => c.run(this.abort.signal)));
      if (this.abort.signal.aborted) return;
      impaired = outs.every((o) => !o.ok);
      detail = outs.map((o, i) => `${this.canaries[i]!.description}: ${o.detail}`).join('; ');
    } else {
      const known = this.checks.every((c) => this.latestOk.has(checkKey(c)));
      impaired =
        this.regionCount >= 2 &&
        known &&
        this.checks.length > 0 &&
        this.checks.every((c) => this.latestOk.get(checkKey(c)) === false);
      detail = 'no canaries configured: every endpoint in every region failing means this prober is impaired';
    }
    this.canaryRounds++;
    this.judgeFamilies();
    if (impaired !== this.impairedNow) {
      this.impairedNow = impaired;
      this.opts.logger?.warn(
        { prober: this.opts.proberId, impaired, detail },
        impaired
          ? 'prober impaired: its own canaries fail; DOWN votes will not count'
          : 'prober canaries recovered',
      );
    }
  }
}

/**
 * The families whose every check (of dual-stack endpoints) failed its latest run, in two regions or
 * more and in every region with an address of that family: from one place, that is far more likely
 * this prober's own IPv6 (or IPv4) path than every region's at once, as when a vantage point has no
 * working IPv6 route. A region whose addresses of the family are not probed per family (a single
 * IPv6 `address`) keeps it from being said: it may be the healthy one to fail over to.
 */
export function impairedFamiliesOf(
  checks: readonly EndpointCheck[],
  latestOk: ReadonlyMap<string, boolean>,
  regionsWith: ReadonlyMap<AddressFamily, ReadonlySet<string>>,
): AddressFamily[] {
  const out: AddressFamily[] = [];
  for (const f of ADDRESS_FAMILIES) {
    const mine = checks.filter((c) => c.family === f);
    const regions = new Set(mine.map((c) => c.region));
    const all = regionsWith.get(f) ?? new Set<string>();
    if (regions.size < 2 || [...all].some((r) => !regions.has(r))) continue;
    if (mine.every((c) => latestOk.get(checkKey(c)) === false)) out.push(f);
  }
  return out;
}

/** Per family, the regions with an endpoint address of it (probed per family or not). */
export function regionsWithFamily(config: Config): Map<AddressFamily, Set<string>> {
  const out = new Map<AddressFamily, Set<string>>();
  for (const r of config.regions)
    for (const e of r.endpoints)
      for (const a of endpointAddresses(e))
        if (a.family) out.set(a.family, new Set([...(out.get(a.family) ?? []), r.id]));
  return out;
}

/** One check's key among the agent's: the endpoint, and the family of a dual-stack one. */
function checkKey(c: EndpointCheck): string {
  return c.family === undefined ? c.endpoint : `${c.endpoint} ${c.family}`;
}

/** The controllers of a config in this process's environment; a problem is a startup error. */
function controllersOrThrow(config: Config): ResolvedController[] {
  const { targets, problems } = resolveControllers(config, process.env);
  if (problems.length > 0) {
    throw new UsageError(problems.map((p) => `${formatPath(p.at)}: ${p.message}`).join('\n'), {
      remedy:
        'fix controllersFrom or the variable it names (`geofailover validate --check-env` shows each line)',
    });
  }
  return targets;
}
