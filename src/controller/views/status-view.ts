// Builds the StatusDoc (GET /v1/status, the CLI's `status`, the dashboard) from the health engine's
// snapshot and each zone's last reconcile. Defensive: no input makes it throw (a time a Date cannot
// hold is left out and reported), because status is what an operator reaches for when things are wrong.
import type {
  DnsServerView,
  MaintenanceView,
  ProberRejectionView,
  RegionView,
  StatusDoc,
  StatusProblem,
  UnknownProberView,
  ZoneView,
} from '../../api/index.ts';
import type { Config } from '../../config/index.ts';
import {
  type HealthSnapshot,
  type MaintenanceOccurrence,
  type MaintenanceWindow,
  maintenanceProblems,
} from '../../health/index.ts';
import {
  addressFor,
  addressText,
  isoOrUndefined as iso,
  type RegionStates,
  type SteeringInput,
  typeOfFamily,
} from '../../model/index.ts';
import { runningText } from './in-progress.ts';
import { outWords, regionPhase } from './region-words.ts';
import { routesOf } from './routing-view.ts';
import { signalView, vetoesOf } from './signal-words.ts';
import { drainView, overrideView } from './view-parts.ts';

export interface StatusInputs {
  config: Config;
  snapshot: HealthSnapshot;
  /** What policy sees (engine.regionStates()): with it the status says who serves whom, and why. */
  states?: RegionStates;
  zones: ZoneView[];
  replica: string;
  startedAt: number;
  role: StatusDoc['role'];
  leader?: string;
  coordination?: StatusDoc['coordination'];
  errors: StatusDoc['errors'];
  /** The embedded builtin DNS servers, when the controller runs any. */
  dns?: DnsServerView[];
  /** Refused reports per configured prober, and names that are not configured. */
  rejections?: {
    view(prober: string): ProberRejectionView | undefined;
    unknown(): UnknownProberView[];
  };
  /** Every maintenance window (config and API), checked against the limits. */
  windows?: readonly MaintenanceWindow[];
  /** Latency records' measured steering. */
  steering?: SteeringInput;
}

/** The occurrence as shown, or undefined when one of its times cannot be shown. */
function occurrenceView(o: MaintenanceOccurrence): MaintenanceView | undefined {
  const start = iso(o.start);
  const end = iso(o.end);
  if (start === undefined || end === undefined) return undefined;
  return { window: o.window, region: o.region, reason: o.reason, start, end };
}

const shown = (list: readonly MaintenanceOccurrence[]) => list.flatMap((o) => occurrenceView(o) ?? []);

/** Each region as status shows it: state, why, hold-down, operator layers, endpoints and families. */
function regionViews(config: StatusInputs['config'], snapshot: HealthSnapshot): RegionView[] {
  const endpointsById = new Map(config.regions.flatMap((r) => r.endpoints.map((e) => [e.id, e] as const)));
  const vote = (v: HealthSnapshot['endpoints'][number]['votes'][number]) => ({
    prober: v.prober,
    ...(v.family === undefined ? {} : { family: v.family }),
    vote: v.vote,
    fresh: v.fresh,
    impaired: v.impaired,
    ...(iso(v.lastAt) ? { lastAt: iso(v.lastAt) } : {}),
    ...(v.detail ? { detail: v.detail } : {}),
    ...(v.failed ? { failed: v.failed } : {}),
  });
  const failure = (
    f:
      | { prober: string; detail: string; at: number; failed?: { check: string; detail: string }[] }
      | undefined,
  ) =>
    f
      ? {
          lastFailure: {
            prober: f.prober,
            detail: f.detail,
            at: iso(f.at)!,
            ...(f.failed ? { failed: f.failed } : {}),
          },
        }
      : {};
  const out = (r: HealthSnapshot['regions'][number]) => {
    const words = outWords(
      r,
      snapshot.endpoints.filter((e) => e.region === r.id),
      snapshot.at,
      vetoesOf(snapshot.signals, r.id, snapshot.at),
    );
    return words ? { outBecause: words } : {};
  };
  return snapshot.regions.map((r) => ({
    id: r.id,
    status: r.status,
    ...(iso(r.since) ? { since: iso(r.since) } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    holdingFailback: r.holdingFailback,
    ...(iso(r.failbackAt) ? { failbackAt: iso(r.failbackAt) } : {}),
    ...(r.holdingFailback && iso(r.failbackAt) ? { holdDownUntil: iso(r.failbackAt) } : {}),
    ...(r.holdDownMs === undefined ? {} : { holdDownMs: r.holdDownMs }),
    ...(r.holdDownReason ? { holdDownReason: r.holdDownReason } : {}),
    ...(r.flapCount === undefined ? {} : { flapCount: r.flapCount }),
    phase: regionPhase(r),
    ...out(r),
    ...(r.ramp ? { ramp: { ...r.ramp, since: iso(r.ramp.since)!, nextAt: iso(r.ramp.nextAt)! } } : {}),
    decided: r.decided,
    ...(r.drain ? { drain: drainView(r.drain) } : {}),
    ...(r.override ? { override: overrideView(r.override) } : {}),
    ...(r.maintenance && occurrenceView(r.maintenance)
      ? { maintenance: occurrenceView(r.maintenance)! }
      : {}),
    endpoints: snapshot.endpoints
      .filter((e) => e.region === r.id)
      .map((e) => {
        const cfg = endpointsById.get(e.id);
        return {
          id: e.id,
          address: cfg ? addressText(cfg) : '',
          state: e.state,
          ...(iso(e.since) ? { since: iso(e.since) } : {}),
          votes: e.votes.map(vote),
          ...failure(e.lastFailure),
          ...(e.families
            ? {
                families: e.families.map((f) => ({
                  family: f.family,
                  address: (cfg && addressFor(cfg, typeOfFamily(f.family))) ?? '',
                  state: f.state,
                  ...(iso(f.since) ? { since: iso(f.since) } : {}),
                  votes: f.votes.map(vote),
                  ...failure(f.lastFailure),
                })),
              }
            : {}),
        };
      }),
    ...(r.families
      ? {
          families: r.families.map((f) => ({
            family: f.family,
            status: f.status,
            decided: f.decided,
            ...(iso(f.since) ? { since: iso(f.since) } : {}),
            ...(f.reason ? { reason: f.reason } : {}),
            holdingFailback: f.holdingFailback,
            ...(iso(f.failbackAt) ? { failbackAt: iso(f.failbackAt) } : {}),
            ...(f.holdDownReason ? { holdDownReason: f.holdDownReason } : {}),
            upEndpoints: f.upEndpoints,
          })),
        }
      : {}),
  }));
}

export function buildStatus(i: StatusInputs): StatusDoc {
  const { config, snapshot } = i;
  const regions = regionViews(config, snapshot);
  const fresh = new Set(snapshot.freshProbers);
  const probers = snapshot.probers.map((p) => {
    const rejected = i.rejections?.view(p.id);
    return {
      id: p.id,
      fresh: p.fresh,
      impaired: p.impaired,
      ...(p.impairedFamilies ? { impairedFamilies: p.impairedFamilies } : {}),
      ...(iso(p.lastReportAt) ? { lastReportAt: iso(p.lastReportAt) } : {}),
      ...(rejected ? { rejected } : {}),
    };
  });
  const unknownProbers = i.rejections?.unknown() ?? [];
  return {
    version: 1,
    owner: config.owner,
    mode: config.controller.mode,
    role: i.role,
    ...(i.leader ? { leader: i.leader } : {}),
    ...(i.coordination ? { coordination: i.coordination } : {}),
    replica: i.replica,
    now: iso(snapshot.at) ?? new Date().toISOString(),
    startedAt: iso(i.startedAt) ?? new Date(0).toISOString(),
    failStatic: snapshot.failStatic,
    ...(snapshot.failStatic
      ? {
          failStaticReason: `${fresh.size} prober(s) fresh, fewer than minProbers ${config.health.minProbers}: DNS is held as it is`,
        }
      : {}),
    freshProbers: fresh.size,
    minProbers: config.health.minProbers,
    regions,
    probers,
    ...(unknownProbers.length > 0 ? { unknownProbers } : {}),
    zones: i.zones,
    ...routesIn(i),
    errors: i.errors,
    problems: [
      ...problemsOf(i.zones, snapshot.failStatic, i.startedAt),
      ...rejectionProblems(probers),
      ...windowProblemsOf(i.windows ?? [], snapshot, i.startedAt),
    ],
    maintenance: {
      active: shown(snapshot.maintenance.active),
      upcoming: shown(snapshot.maintenance.upcoming),
    },
    ...(i.dns ? { dns: i.dns } : {}),
    ...(snapshot.signals.length > 0
      ? { signals: snapshot.signals.map((s) => signalView(s, snapshot.at)) }
      : {}),
  };
}

/** Who serves whom; the status is served even if explaining it fails (the explanation is extra). */
function routesIn(i: StatusInputs): Pick<StatusDoc, 'routes'> {
  if (!i.states) return {};
  try {
    return {
      routes: routesOf({
        config: i.config,
        snapshot: i.snapshot,
        states: i.states,
        zones: i.zones,
        ...(i.steering ? { steering: i.steering } : {}),
      }),
    };
  } catch {
    return {};
  }
}

/**
 * Maintenance windows outside the limits (kept from an older version, or shared by a replica that
 * checks less), and any whose occurrence cannot be shown: reported, never a failed status request.
 */
export function windowProblemsOf(
  windows: readonly MaintenanceWindow[],
  snapshot: Pick<HealthSnapshot, 'maintenance'>,
  startedAt: number,
): StatusProblem[] {
  const since = iso(startedAt) ?? new Date(0).toISOString();
  const out: StatusProblem[] = maintenanceProblems(windows).map((p) => ({
    kind: 'maintenance-window',
    since,
    message: p.message,
    ...(p.window === undefined ? {} : { window: p.window }),
  }));
  const named = new Set(out.map((p) => p.window));
  for (const o of [...snapshot.maintenance.active, ...snapshot.maintenance.upcoming]) {
    if (occurrenceView(o) || named.has(o.window)) continue;
    named.add(o.window);
    out.push({
      kind: 'maintenance-window',
      since,
      message: `maintenance window ${o.window} (region ${o.region}): an occurrence (start ${o.start} ms, end ${o.end} ms) is outside the times a clock can show; it is left out of status: remove the window and add it again`,
      window: o.window,
    });
  }
  return out;
}

/**
 * What must stay in front of the operator until it clears: a provider that cannot be read or
 * written, or is behind (a read or write that has not ended; DNS may serve an old answer), a refused
 * plan, changes not visible, fail static.
 */
export function problemsOf(
  zones: readonly ZoneView[],
  failStatic: boolean,
  startedAt: number,
): StatusProblem[] {
  const out: StatusProblem[] = [];
  for (const z of zones) {
    const at = { zone: z.zone, provider: z.provider };
    if (z.inProgress?.behind) {
      out.push({
        kind: 'provider-behind',
        since: z.inProgress.since,
        message: `provider ${z.provider} is behind: ${runningText(z.zone, z.inProgress)} and has not finished; what was decided since waits for it, and DNS may serve an old answer`,
        ...at,
      });
    }
    if (z.failing) {
      out.push({
        kind: 'provider-failing',
        since: z.failing.since,
        message: `provider ${z.provider} failing for zone ${z.zone} (${z.failing.attempts} attempt${z.failing.attempts === 1 ? '' : 's'}; DNS may serve an old answer): ${z.failing.message}`,
        ...at,
      });
    } else if (z.error && z.lastReconcile?.result === 'refused') {
      out.push({ kind: 'plan-refused', since: z.error.at, message: z.error.message, ...at });
    } else if (z.error) {
      out.push({ kind: 'propagation', since: z.error.at, message: z.error.message, ...at });
    }
  }
  if (failStatic) {
    out.push({
      kind: 'fail-static',
      since: new Date(startedAt).toISOString(),
      message: 'fail static: too few fresh probers; DNS is held as it is',
    });
  }
  return out;
}

/** A prober whose reports are being refused now: it has no vote, and only its own config can fix it. */
export function rejectionProblems(probers: StatusDoc['probers']): StatusProblem[] {
  return probers.flatMap((p) => {
    const r = p.rejected;
    if (!r?.current) return [];
    return [
      {
        kind: 'prober-rejected' as const,
        since: r.since ?? r.lastAt,
        prober: p.id,
        message: `prober ${p.id}: ${r.streak ?? r.count} report${(r.streak ?? r.count) === 1 ? '' : 's'} rejected: ${r.what}; ${r.remedy}`,
      },
    ];
  });
}
