// The health engine: probe results + an injected clock → endpoint and region states, with an event
// (and its evidence) for every transition. Pure apart from the clock: no timers, no I/O; the controller
// calls ingest() for each accepted report and tick() about once a second.
import type { Config } from '../config/index.ts';
import { type Health, type RegionState, type RegionStatus, UsageError } from '../model/index.ts';
import type { ProbeReport } from '../probe/index.ts';
import { holdDownMs } from './failback.ts';
import { applyResult, type PairCounters, resetPair } from './hysteresis.ts';
import { decide, quorumSize } from './quorum.ts';
import type {
  Drain,
  EndpointSnapshot,
  HealthEvent,
  HealthSnapshot,
  RegionMemory,
  RegionSnapshot,
  VoteEvidence,
} from './types.ts';

interface PairState extends PairCounters {
  /** Controller-clock time of the last applied result (result age translated from the agent's clock). */
  lastAt: number;
  /** Agent-clock `at` of the last applied result: older or equal results are duplicates. */
  lastRawAt: number;
  detail: string;
}

interface ProberState {
  id: string;
  lastReportAt: number;
  impaired: boolean;
}

interface EndpointState {
  id: string;
  region: RegionRuntime;
  pairs: PairState[];
  state: Health;
  quorum: Health;
  since: number | null;
}

interface RegionRuntime {
  id: string;
  endpoints: EndpointState[];
  /** Health status as last published to policy (ignoring drains); undefined until first decided. */
  health: 'up' | 'down' | undefined;
  since: number | null;
  reason?: string;
  holdingFailback: boolean;
  upSince?: number;
  failbackAt?: number;
  holdMs?: number;
  /** Times of recent down transitions (and aborted failbacks): they lengthen the next hold-down. */
  flaps: number[];
  drain?: Drain;
  /** What a previous run had decided (restored after a restart), consulted by the first decision. */
  prior?: RegionMemory;
}

export interface HealthEngineOptions {
  /** The engine's clock (epoch ms); defaults to Date.now. Tests and benchmarks inject their own. */
  now?: () => number;
}

export class HealthEngine {
  private readonly now: () => number;
  private readonly h: Config['health'];
  private readonly quorum: number;
  private readonly probers: ProberState[];
  private readonly proberIndex = new Map<string, number>();
  private readonly endpoints = new Map<string, EndpointState>();
  private readonly regions = new Map<string, RegionRuntime>();
  private failStaticOn = true;
  /** Results skipped because they were stale, duplicated, for unknown endpoints or mislabelled. */
  ignoredResults = 0;

  constructor(config: Config, opts: HealthEngineOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.h = config.health;
    this.quorum = quorumSize(config.health.quorum, config.probers.length);
    this.probers = config.probers.map((p, i) => {
      this.proberIndex.set(p.id, i);
      return { id: p.id, lastReportAt: Number.NEGATIVE_INFINITY, impaired: false };
    });
    for (const r of config.regions) {
      const region: RegionRuntime = {
        id: r.id,
        endpoints: [],
        health: undefined,
        since: null,
        holdingFailback: false,
        flaps: [],
      };
      for (const e of r.endpoints) {
        const ep: EndpointState = {
          id: e.id,
          region,
          pairs: this.probers.map(() => ({
            vote: 'unknown',
            okRun: 0,
            failRun: 0,
            lastAt: Number.NEGATIVE_INFINITY,
            lastRawAt: Number.NEGATIVE_INFINITY,
            detail: '',
          })),
          state: 'unknown',
          quorum: 'unknown',
          since: null,
        };
        region.endpoints.push(ep);
        this.endpoints.set(e.id, ep);
      }
      this.regions.set(r.id, region);
    }
  }

  /**
   * Applies an accepted (already verified and validated) report. Results are aged by the agent's own
   * clock (`sentAt - at`) so skew does not matter; results already stale, duplicated or out of order
   * for their (endpoint, prober) are skipped. Returns the transitions this report caused.
   */
  ingest(report: ProbeReport, receivedAt: number = this.now()): HealthEvent[] {
    const pi = this.proberIndex.get(report.prober);
    if (pi === undefined) {
      this.ignoredResults += report.results.length;
      return [];
    }
    const events: HealthEvent[] = [];
    const prober = this.probers[pi]!;
    prober.lastReportAt = Math.max(prober.lastReportAt, receivedAt);
    const dirty = new Set<EndpointState>();
    if (prober.impaired !== report.impaired) {
      events.push({
        type: 'prober-impaired',
        at: receivedAt,
        prober: prober.id,
        from: prober.impaired ? 'impaired' : 'ok',
        to: report.impaired ? 'impaired' : 'ok',
        evidence: { reportSeq: report.seq, note: 'an impaired prober’s DOWN votes are not counted' },
      });
      prober.impaired = report.impaired;
      for (const ep of this.endpoints.values()) dirty.add(ep);
    }
    const staleBefore = receivedAt - this.h.staleAfter;
    const { fall, rise } = this.h;
    for (const r of report.results) {
      const ep = this.endpoints.get(r.endpoint);
      if (ep === undefined || r.prober !== report.prober) {
        this.ignoredResults++;
        continue;
      }
      const pair = ep.pairs[pi]!;
      const effAt = receivedAt - Math.max(0, report.sentAt - r.at);
      if (r.at <= pair.lastRawAt || effAt < staleBefore) {
        this.ignoredResults++;
        continue;
      }
      // A prober back from silence starts from fresh evidence, not from the vote it had before.
      if (pair.lastAt < effAt - this.h.staleAfter && pair.vote !== 'unknown') resetPair(pair);
      const before = applyResult(pair, r.ok, fall, rise);
      pair.lastAt = Math.max(pair.lastAt, effAt);
      pair.lastRawAt = r.at;
      pair.detail = r.detail;
      if (pair.vote !== before) {
        events.push({
          type: 'vote-transition',
          at: receivedAt,
          region: ep.region.id,
          endpoint: ep.id,
          prober: prober.id,
          from: before,
          to: pair.vote,
          evidence: {
            threshold: pair.vote === 'down' ? { fall, failRun: pair.failRun } : { rise, okRun: pair.okRun },
            detail: r.detail,
            latencyMs: r.latencyMs,
            resultAt: r.at,
            reportSeq: report.seq,
          },
        });
      }
      // Even without a vote change the pair may have become fresh again, which changes the tally.
      dirty.add(ep);
    }
    this.evaluate(dirty, receivedAt, events);
    this.checkFailStatic(receivedAt, events);
    return events;
  }

  /** Advances time: staleness, failback hold-downs and drain expiry. Call about once a second. */
  tick(now: number = this.now()): HealthEvent[] {
    const events: HealthEvent[] = [];
    for (const region of this.regions.values()) {
      if (region.drain?.until !== undefined && region.drain.until <= now) {
        events.push(this.lift(region, 'expiry', now, 'drain expired'));
      }
    }
    this.evaluate(new Set(this.endpoints.values()), now, events);
    for (const region of this.regions.values()) {
      if (region.holdingFailback && region.failbackAt !== undefined && region.failbackAt <= now) {
        const from = region.health ?? 'unknown';
        region.holdingFailback = false;
        region.health = 'up';
        region.since = now;
        region.reason = `up for ${now - region.upSince!} ms without a break (failback hold-down ${region.holdMs} ms)`;
        const evidence = {
          trigger: 'failback hold-down passed',
          upSince: region.upSince,
          holdDownMs: region.holdMs,
          recentFlaps: region.flaps.length,
          endpoints: this.endpointEvidence(region),
        };
        region.failbackAt = undefined;
        events.push(this.regionEvent(region, from, now, evidence));
      }
    }
    this.checkFailStatic(now, events);
    return events;
  }

  /** Takes a region out of service until undrained or `until`. Unknown region: UsageError. */
  drain(region: string, opts: { reason: string; author: string; until?: number }): HealthEvent {
    const r = this.region(region);
    const now = this.now();
    const from = this.status(r);
    const previous = r.drain;
    r.drain = { region, reason: opts.reason, author: opts.author, at: now, until: opts.until };
    return {
      type: 'drain',
      at: now,
      region,
      from,
      to: 'drained',
      evidence: {
        reason: opts.reason,
        author: opts.author,
        until: opts.until ?? null,
        replaced: previous ?? null,
      },
    };
  }

  /** Lifts a drain; the region returns to its health status at once (an operator's call, no hold-down). */
  undrain(region: string, author = 'unknown'): HealthEvent {
    return this.lift(this.region(region), author, this.now(), 'undrained by operator');
  }

  /**
   * Re-installs what a previous run had decided, so a restart cannot cut a failback hold-down short
   * or forget recent flaps. The regions still count as undecided until fresh reports decide them;
   * the first decision then continues from this memory instead of starting clean.
   */
  restoreHistory(memory: readonly RegionMemory[]): void {
    for (const m of memory) {
      const r = this.regions.get(m.region);
      if (r && r.health === undefined) r.prior = { ...m, flaps: [...m.flaps] };
    }
  }

  /** What to persist so a restarted engine can continue (see restoreHistory). Decided regions only. */
  history(): RegionMemory[] {
    return [...this.regions.values()].flatMap((r) =>
      r.health === undefined
        ? r.prior
          ? [r.prior]
          : []
        : [
            {
              region: r.id,
              health: r.health,
              since: r.since ?? 0,
              flaps: [...r.flaps],
              holdingFailback: r.holdingFailback,
              ...(r.upSince === undefined ? {} : { upSince: r.upSince }),
              ...(r.failbackAt === undefined ? {} : { failbackAt: r.failbackAt }),
              ...(r.holdMs === undefined ? {} : { holdMs: r.holdMs }),
            },
          ],
    );
  }

  /** Re-installs persisted drains after a restart (no events; expired ones lift on the next tick). */
  restore(drains: readonly Drain[]): void {
    for (const d of drains) {
      const r = this.regions.get(d.region);
      if (r) r.drain = { ...d };
    }
  }

  /** The drains in force, for persistence. */
  drains(): Drain[] {
    return [...this.regions.values()].flatMap((r) => (r.drain ? [{ ...r.drain }] : []));
  }

  /** True when a region's health has been decided since start (or it is drained). */
  decided(region: string): boolean {
    const r = this.region(region);
    return r.drain !== undefined || r.health !== undefined;
  }

  /** True when every region is decided: a restarted controller should hold DNS until then. */
  allDecided(): boolean {
    return [...this.regions.values()].every((r) => r.drain !== undefined || r.health !== undefined);
  }

  /**
   * Region states for policy. Regions not yet decided are left out (policy treats a missing region as
   * up with all endpoints); use allDecided()/decided() to hold DNS until fresh reports decided.
   */
  regionStates(): Map<string, RegionState> {
    const out = new Map<string, RegionState>();
    for (const r of this.regions.values()) {
      if (r.drain === undefined && r.health === undefined) continue;
      out.set(r.id, {
        id: r.id,
        status: this.status(r),
        since: r.drain ? r.drain.at : r.since!,
        upEndpoints: r.endpoints.filter((e) => e.state === 'up').map((e) => e.id),
        reason: r.drain ? r.drain.reason : r.reason,
        holdingFailback: r.holdingFailback,
      });
    }
    return out;
  }

  snapshot(now: number = this.now()): HealthSnapshot {
    const staleBefore = now - this.h.staleAfter;
    const fresh = this.probers.filter((p) => p.lastReportAt >= staleBefore);
    const endpoints: EndpointSnapshot[] = [...this.endpoints.values()].map((e) => ({
      id: e.id,
      region: e.region.id,
      state: e.state,
      quorum: e.quorum,
      since: e.since,
      votes: this.votes(e, staleBefore),
    }));
    const regions: RegionSnapshot[] = [...this.regions.values()].map((r) => ({
      id: r.id,
      status: this.status(r),
      decided: r.drain !== undefined || r.health !== undefined,
      since: r.drain ? r.drain.at : r.since,
      reason: r.drain ? r.drain.reason : r.reason,
      holdingFailback: r.holdingFailback,
      failbackAt: r.failbackAt,
      upEndpoints: r.endpoints.filter((e) => e.state === 'up').map((e) => e.id),
      drain: r.drain ? { ...r.drain } : undefined,
    }));
    return {
      at: now,
      failStatic: fresh.length < this.h.minProbers,
      freshProbers: fresh.map((p) => p.id),
      probers: this.probers.map((p) => ({
        id: p.id,
        lastReportAt: Number.isFinite(p.lastReportAt) ? p.lastReportAt : null,
        fresh: p.lastReportAt >= staleBefore,
        impaired: p.impaired,
      })),
      endpoints,
      regions,
    };
  }

  // ---- internals -------------------------------------------------------------------------------

  private region(id: string): RegionRuntime {
    const r = this.regions.get(id);
    if (!r) {
      throw new UsageError(`unknown region "${id}"`, {
        region: id,
        remedy: `use one of: ${[...this.regions.keys()].join(', ')}`,
      });
    }
    return r;
  }

  private status(r: RegionRuntime): RegionStatus {
    return r.drain ? 'drained' : (r.health ?? 'up');
  }

  private lift(r: RegionRuntime, author: string, now: number, why: string): HealthEvent {
    const drain = r.drain;
    r.drain = undefined;
    return {
      type: 'undrain',
      at: now,
      region: r.id,
      from: drain ? 'drained' : this.status(r),
      to: this.status(r),
      evidence: { author, why, drain: drain ?? null, decided: r.health !== undefined },
    };
  }

  private votes(e: EndpointState, staleBefore: number): VoteEvidence[] {
    return e.pairs.map((pair, i) => {
      const p = this.probers[i]!;
      const fresh = pair.lastAt >= staleBefore;
      return {
        prober: p.id,
        vote: pair.vote,
        fresh,
        impaired: p.impaired,
        counted: fresh && pair.vote !== 'unknown' && !(pair.vote === 'down' && p.impaired),
        lastAt: Number.isFinite(pair.lastAt) ? pair.lastAt : null,
        detail: pair.detail,
      };
    });
  }

  private evaluate(dirty: Set<EndpointState>, now: number, events: HealthEvent[]): void {
    if (dirty.size === 0) return;
    const staleBefore = now - this.h.staleAfter;
    const regions = new Set<RegionRuntime>();
    for (const e of dirty) {
      let up = 0;
      let down = 0;
      for (let i = 0; i < e.pairs.length; i++) {
        const pair = e.pairs[i]!;
        if (pair.lastAt < staleBefore || pair.vote === 'unknown') continue;
        if (pair.vote === 'up') up++;
        else if (!this.probers[i]!.impaired) down++;
      }
      e.quorum = decide({ up, down }, this.quorum, this.h.minProbers);
      if (e.quorum === 'unknown' || e.quorum === e.state) continue;
      const from = e.state;
      e.state = e.quorum;
      e.since = now;
      events.push({
        type: 'endpoint-transition',
        at: now,
        region: e.region.id,
        endpoint: e.id,
        from,
        to: e.state,
        evidence: {
          tripped: `${e.state === 'down' ? down : up} ${e.state.toUpperCase()} votes >= quorum ${this.quorum}`,
          quorum: this.quorum,
          minProbers: this.h.minProbers,
          up,
          down,
          votes: this.votes(e, staleBefore),
        },
      });
      regions.add(e.region);
    }
    for (const r of regions) this.evaluateRegion(r, now, events);
  }

  private endpointEvidence(r: RegionRuntime): { id: string; state: Health; quorum: Health }[] {
    return r.endpoints.map((e) => ({ id: e.id, state: e.state, quorum: e.quorum }));
  }

  private regionEvent(
    r: RegionRuntime,
    from: 'up' | 'down' | 'unknown',
    now: number,
    evidence: Record<string, unknown>,
  ): HealthEvent {
    const drained = r.drain !== undefined;
    return {
      type: drained ? 'region-health' : 'region-transition',
      at: now,
      region: r.id,
      from,
      to: r.health!,
      evidence: drained ? { ...evidence, drained: true, note: 'status stays drained' } : evidence,
    };
  }

  private evaluateRegion(r: RegionRuntime, now: number, events: HealthEvent[]): void {
    const minHealthy = Math.min(this.h.minHealthy, r.endpoints.length);
    let up = 0;
    let undecided = 0;
    for (const e of r.endpoints) {
      if (e.state === 'up') up++;
      else if (e.state === 'unknown') undecided++;
    }
    const raw = up >= minHealthy ? 'up' : up + undecided < minHealthy ? 'down' : undefined;
    if (raw === undefined) return; // not enough decided endpoints: hold (fail static)
    const evidence = () => ({
      minHealthy,
      upEndpoints: up,
      endpoints: this.endpointEvidence(r),
    });
    const from = r.health ?? 'unknown';
    if (r.health === undefined) {
      const prior = r.prior;
      r.prior = undefined;
      if (prior?.health === 'down' && raw === 'up') {
        // Down before a restart and up now: this is a recovery, not a fresh start. Continue the
        // failback hold-down the previous run had started (or start one), as if never restarted.
        r.health = 'down';
        r.since = prior.since;
        r.flaps = prior.flaps;
        r.reason = `first decision after restart: was down since ${new Date(prior.since).toISOString()}; ${up} of ${r.endpoints.length} endpoints up now`;
        events.push(
          this.regionEvent(r, from, now, { trigger: 'first decision (restored: was down)', ...evidence() }),
        );
        if (prior.holdingFailback && prior.failbackAt !== undefined && prior.upSince !== undefined) {
          r.holdingFailback = true;
          r.upSince = prior.upSince;
          r.failbackAt = prior.failbackAt;
          r.holdMs = prior.holdMs ?? prior.failbackAt - prior.upSince;
          r.reason = `recovered; failback hold-down until ${new Date(prior.failbackAt).toISOString()} (continued after restart)`;
          events.push({
            type: 'failback-hold',
            at: now,
            region: r.id,
            from: 'down',
            to: 'holding',
            evidence: {
              holdDownMs: r.holdMs,
              failbackAt: r.failbackAt,
              restored: true,
              recentFlaps: r.flaps.length,
              ...evidence(),
            },
          });
          return;
        }
        this.evaluateRegion(r, now, events);
        return;
      }
      r.health = raw;
      r.since = prior?.health === raw ? prior.since : now;
      if (prior) r.flaps = prior.flaps;
      r.reason = `first decision: ${up} of ${r.endpoints.length} endpoints up (minHealthy ${minHealthy})`;
      events.push(
        this.regionEvent(r, from, now, {
          trigger: prior ? 'first decision (restored)' : 'first decision',
          ...evidence(),
        }),
      );
      return;
    }
    if (raw === 'down') {
      if (r.holdingFailback) {
        r.holdingFailback = false;
        r.failbackAt = undefined;
        r.flaps.push(now);
        r.reason = `down again during failback hold-down (${up} of ${r.endpoints.length} endpoints up)`;
        events.push({
          type: 'failback-aborted',
          at: now,
          region: r.id,
          from: 'holding',
          to: 'down',
          evidence: { upSince: r.upSince, holdDownMs: r.holdMs, recentFlaps: r.flaps.length, ...evidence() },
        });
      } else if (r.health === 'up') {
        r.health = 'down';
        r.since = now;
        r.flaps.push(now);
        r.reason = `${up} of ${r.endpoints.length} endpoints up, below minHealthy ${minHealthy}`;
        events.push(
          this.regionEvent(r, from, now, {
            trigger: `up endpoints ${up} < minHealthy ${minHealthy}`,
            ...evidence(),
          }),
        );
      }
      return;
    }
    // raw up
    if (r.health === 'up' || r.holdingFailback) return;
    const hold = holdDownMs(r.flaps, now, this.h);
    r.upSince = now;
    r.holdMs = hold;
    if (hold <= 0) {
      r.health = 'up';
      r.since = now;
      r.reason = `${up} of ${r.endpoints.length} endpoints up`;
      events.push(this.regionEvent(r, from, now, { trigger: 'recovered (no hold-down)', ...evidence() }));
      return;
    }
    r.holdingFailback = true;
    r.failbackAt = now + hold;
    r.reason = `recovered; failback hold-down until ${new Date(now + hold).toISOString()} (${hold} ms)`;
    events.push({
      type: 'failback-hold',
      at: now,
      region: r.id,
      from: 'down',
      to: 'holding',
      evidence: { holdDownMs: hold, failbackAt: now + hold, recentFlaps: r.flaps.length, ...evidence() },
    });
  }

  private checkFailStatic(now: number, events: HealthEvent[]): void {
    const staleBefore = now - this.h.staleAfter;
    const fresh = this.probers.filter((p) => p.lastReportAt >= staleBefore).map((p) => p.id);
    const on = fresh.length < this.h.minProbers;
    if (on === this.failStaticOn) return;
    this.failStaticOn = on;
    events.push({
      type: 'fail-static',
      at: now,
      from: on ? 'off' : 'on',
      to: on ? 'on' : 'off',
      evidence: {
        freshProbers: fresh,
        minProbers: this.h.minProbers,
        staleAfter: this.h.staleAfter,
        note: on ? 'too few fresh probers: every decision is held as it is' : 'enough fresh probers again',
      },
    });
  }
}
