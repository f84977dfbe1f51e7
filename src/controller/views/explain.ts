// `explain`: why a record answers what it answers now, as a chain from the published answer to the
// policy rule that chose it, the region states it depends on, and the votes and thresholds behind
// each region's last transition (from the event log). A pure function of what the controller holds.
// The chain goes on past the record's own regions when they are all down: the default rule (geo),
// the fallback (which one, and where it was written), then whenAllDown; each set says which step chose it.

import type { ProberRejectionView } from '../../api/index.ts';
import {
  type Config,
  type FallbackConfig,
  fallbackText,
  type RecordConfig,
  type RecordFallback,
  recordFallback,
  type ZoneConfig,
  zoneProviders,
} from '../../config/index.ts';
import type { HealthSnapshot } from '../../health/index.ts';
import {
  familyName,
  familyOfType,
  isoOrUndefined,
  normaliseName,
  type RecordSet,
  type RegionStates,
  type SteeringInput,
} from '../../model/index.ts';
import { desiredRecords, policyRegions, type RankedRegion } from '../../policy/index.ts';
import type { StoredEvent } from '../state/event-log.ts';
import { signalSentence } from './signal-words.ts';

export interface ExplainDoc {
  version: 1;
  name: string;
  type: string;
  zone: string;
  /** The zone's first provider: `sets[].published` is what it serves. */
  provider: string;
  /** Every provider of the zone, in config order (a zone on `providers: [a, b]` has several). */
  providers: string[];
  policy: RecordConfig['policy'];
  /** What answers when every region of a rule or order is down, in the order it is tried. */
  lastResort: {
    /** Geo: a rule falls through to the default rule first (not with fallback none). */
    defaultRule: boolean;
    fallback: FallbackConfig;
    /** Where the fallback was written (`default`: nowhere, so any-up, or none on a provider that cannot). */
    from: RecordFallback['from'];
    /** Only when no region above can serve. */
    whenAllDown: 'fail-open' | 'keep-last';
  };
  sets: {
    setId?: string;
    geo?: RecordSet['geo'];
    weight?: number;
    /** What the provider serves now (as last read by the controller). */
    published: string[];
    /** What policy wants from the current region states. */
    desired: string[];
    inSync: boolean;
    explanation: string;
    reason: { code: string; region?: string; detail?: string };
    /** Which step chose the desired answer, and the region whose endpoints it holds. */
    answeredBy?: { step: 'own' | 'default-rule' | 'fallback' | 'when-all-down'; region?: string };
    /** The same set on the zone's other providers, each planned against what it serves. */
    otherProviders?: { provider: string; published: string[]; desired: string[]; inSync: boolean }[];
    /** Latency and proximity: the regions in the order this set tries them, with what ranked them. */
    ranking?: RankedRegion[];
  }[];
  regions: {
    id: string;
    status: string;
    since?: string;
    reason?: string;
    holdingFailback: boolean;
    failbackAt?: string;
    /** The failback ramp step the region is on. */
    ramp?: { step: number; steps: number; percent: number; nextAt: string };
    drain?: { reason: string; author: string; at: string; until?: string };
    /** A force-up in force: the region counts as up whatever its checks say (a drain still wins). */
    override?: { state: 'up'; reason: string; author: string; at: string; until: string };
    /** The maintenance window in force: the region is drained until its end. */
    maintenance?: { window: string; reason: string; start: string; end: string };
    /**
     * A region with dual-stack endpoints: the address family this record's answers follow (IPv4 for
     * A, IPv6 for AAAA), with its own status and last transition.
     */
    family?: {
      family: 'ipv4' | 'ipv6';
      status: string;
      since?: string;
      reason?: string;
      holdingFailback: boolean;
      failbackAt?: string;
      lastTransition?: { seq: number; at: string; from: unknown; to: unknown; evidence: unknown };
    };
    endpoints: {
      id: string;
      state: string;
      votes: ExplainVote[];
      /** A dual-stack endpoint, per family: e.g. UP on IPv4, DOWN on IPv6. */
      families?: { family: 'ipv4' | 'ipv6'; state: string; votes: ExplainVote[] }[];
    }[];
    lastTransition?: { seq: number; at: string; from: unknown; to: unknown; evidence: unknown };
    /** Signals that speak for the region or one of its endpoints, and what each says now. */
    signals?: {
      name: string;
      kind: string;
      effect: 'veto' | 'vote';
      endpoint?: string;
      state: string;
      since?: string;
      acting: boolean;
      /** "eu-west down: alert HighErrorRate firing since 12:03:00 UTC (veto)". */
      words: string;
    }[];
  }[];
  thresholds: Pick<
    Config['health'],
    'fall' | 'rise' | 'quorum' | 'minProbers' | 'staleAfter' | 'failbackAfter' | 'minHealthy'
  >;
  failStatic: boolean;
  /** Probers of these regions whose reports the controller refused since it started. */
  rejectedProbers?: ({ id: string } & ProberRejectionView)[];
}

export interface ExplainVote {
  prober: string;
  vote: string;
  fresh: boolean;
  impaired: boolean;
  counted: boolean;
  lastAt?: string;
  /** Set while the controller refuses this prober's reports (why its vote is stale). */
  rejected?: string;
  /** What the prober's last result said, when it voted down or a sub-check failed. */
  detail?: string;
  /** The failing sub-checks of an endpoint with several checks, by name. */
  failed?: { check: string; detail: string }[];
}

export class UnknownRecordError extends Error {}

const iso = isoOrUndefined;

export function findRecord(
  config: Config,
  name: string,
  type?: string,
): { zone: ZoneConfig; record: RecordConfig } {
  const n = normaliseName(name);
  for (const zone of config.zones) {
    for (const record of zone.records) {
      if (normaliseName(record.name) === n && (type === undefined || record.type === type.toUpperCase()))
        return { zone, record };
    }
  }
  const known = config.zones.flatMap((z) => z.records.map((r) => `${r.name} ${r.type}`));
  throw new UnknownRecordError(
    `no managed record ${name}${type ? ` ${type}` : ''}; managed: ${known.join(', ') || '(none)'}`,
  );
}

export function explain(input: {
  config: Config;
  name: string;
  type?: string;
  snapshot: HealthSnapshot;
  states: RegionStates;
  /** Latency records' round-trip times and held rankings. */
  steering?: SteeringInput;
  /** What a provider serves in a zone now (as last read by its reconciler). */
  published: (zone: string, provider: string) => readonly RecordSet[];
  events: readonly StoredEvent[];
  /** A prober's refused reports, if any. */
  rejections?: (prober: string) => ProberRejectionView | undefined;
}): ExplainDoc {
  const { config, snapshot } = input;
  const { zone, record } = findRecord(config, input.name, input.type);
  const name = normaliseName(record.name);
  const zoneName = normaliseName(zone.name);
  const providers = zoneProviders(zone);
  // Each provider is planned against what it serves (keep-last answers can differ between them).
  const per = providers.map((provider) => {
    const mine = input.published(zoneName, provider).filter((r) => r.name === name && r.type === record.type);
    const desired = desiredRecords(
      config,
      { ...zone, records: [record] },
      input.states,
      mine,
      input.steering ? { steering: input.steering } : {},
    );
    return { provider, mine, desired };
  });
  const setOf = (p: (typeof per)[number], setId: string | undefined) => {
    const d = p.desired.find((x) => (x.record.setId ?? '') === (setId ?? ''));
    const pub = p.mine.find((x) => (x.setId ?? '') === (setId ?? ''));
    const published = pub?.values ?? [];
    const desired = d?.record.values ?? [];
    const weight = pub?.weight ?? d?.record.weight;
    return {
      d,
      pub,
      published,
      desired,
      inSync: published.join() === desired.join() && weight === d?.record.weight,
    };
  };
  const first = per[0]!;
  const sets = first.desired.map((d) => {
    const here = setOf(first, d.record.setId);
    const others = per.slice(1).map((p) => {
      const there = setOf(p, d.record.setId);
      return {
        provider: p.provider,
        published: there.published,
        desired: there.desired,
        inSync: there.inSync,
      };
    });
    return {
      ...(d.record.setId === undefined ? {} : { setId: d.record.setId }),
      ...(d.record.geo === undefined ? {} : { geo: d.record.geo }),
      ...(d.record.weight === undefined ? {} : { weight: here.pub?.weight ?? d.record.weight }),
      published: here.published,
      desired: d.record.values,
      inSync: here.inSync,
      explanation: d.explanation,
      reason: d.reason,
      ...(d.answeredBy ? { answeredBy: d.answeredBy } : {}),
      ...(others.length > 0 ? { otherProviders: others } : {}),
      ...(d.ranking ? { ranking: d.ranking } : {}),
    };
  });
  const rejected = new Map(
    config.probers.flatMap((p) => {
      const r = input.rejections?.(p.id);
      return r ? [[p.id, r] as const] : [];
    }),
  );
  // The record's own regions, then any region a last resort answers from now.
  const shown = policyRegions(record.policy);
  for (const s of sets) {
    const r = s.answeredBy?.region;
    if (r !== undefined && !shown.includes(r)) shown.push(r);
  }
  const fb = recordFallback(config, zone, record);
  const voteOf = (v: HealthSnapshot['endpoints'][number]['votes'][number]): ExplainVote => ({
    prober: v.prober,
    vote: v.vote,
    fresh: v.fresh,
    impaired: v.impaired,
    counted: v.counted,
    ...(iso(v.lastAt) ? { lastAt: iso(v.lastAt) } : {}),
    ...(rejected.get(v.prober)?.current ? { rejected: rejected.get(v.prober)!.what } : {}),
    ...((v.vote === 'down' || v.failed) && v.detail ? { detail: v.detail } : {}),
    ...(v.failed ? { failed: v.failed } : {}),
  });
  // The family this record's answers follow, where a region is judged per family.
  const recordFamily = familyOfType(record.type);
  const familyOf = (id: string, r: HealthSnapshot['regions'][number] | undefined) => {
    const f = r?.families?.find((x) => x.family === recordFamily);
    if (!f) return {};
    const last = [...input.events]
      .reverse()
      .find((e) => e.type === 'family-transition' && e.region === id && e.family === f.family);
    return {
      family: {
        family: f.family,
        status: f.status,
        ...(iso(f.since) ? { since: iso(f.since) } : {}),
        ...(f.reason ? { reason: f.reason } : {}),
        holdingFailback: f.holdingFailback,
        ...(iso(f.failbackAt) ? { failbackAt: iso(f.failbackAt) } : {}),
        ...(last
          ? {
              lastTransition: {
                seq: last.seq,
                at: String(last.at_engine ?? last.at),
                from: last.from,
                to: last.to,
                evidence: last.evidence,
              },
            }
          : {}),
      },
    };
  };
  const regions = shown.map((id) => {
    const r = snapshot.regions.find((x) => x.id === id);
    const last = [...input.events].reverse().find((e) => e.type === 'region-transition' && e.region === id);
    return {
      id,
      status: r?.status ?? 'unknown',
      ...(iso(r?.since) ? { since: iso(r?.since) } : {}),
      ...(r?.reason ? { reason: r.reason } : {}),
      holdingFailback: r?.holdingFailback ?? false,
      ...(iso(r?.failbackAt) ? { failbackAt: iso(r?.failbackAt) } : {}),
      ...(r?.ramp
        ? {
            ramp: {
              step: r.ramp.step,
              steps: r.ramp.steps,
              percent: r.ramp.percent,
              nextAt: iso(r.ramp.nextAt)!,
            },
          }
        : {}),
      ...(r?.drain
        ? {
            drain: {
              reason: r.drain.reason,
              author: r.drain.author,
              at: iso(r.drain.at)!,
              ...(r.drain.until ? { until: iso(r.drain.until) } : {}),
            },
          }
        : {}),
      ...(r?.override
        ? {
            override: {
              state: r.override.state,
              reason: r.override.reason,
              author: r.override.author,
              at: iso(r.override.at)!,
              until: iso(r.override.until)!,
            },
          }
        : {}),
      ...(r?.maintenance
        ? {
            maintenance: {
              window: r.maintenance.window,
              reason: r.maintenance.reason,
              start: iso(r.maintenance.start)!,
              end: iso(r.maintenance.end)!,
            },
          }
        : {}),
      ...familyOf(id, r),
      endpoints: snapshot.endpoints
        .filter((e) => e.region === id)
        .map((e) => ({
          id: e.id,
          state: e.state,
          votes: e.votes.map(voteOf),
          ...(e.families
            ? {
                families: e.families.map((f) => ({
                  family: f.family,
                  state: f.state,
                  votes: f.votes.map(voteOf),
                })),
              }
            : {}),
        })),
      ...signalsOf(snapshot, id),
      ...(last
        ? {
            lastTransition: {
              seq: last.seq,
              at: String(last.at_engine ?? last.at),
              from: last.from,
              to: last.to,
              evidence: last.evidence,
            },
          }
        : {}),
    };
  });
  const h = config.health;
  return {
    version: 1,
    name,
    type: record.type,
    zone: zoneName,
    provider: zone.provider,
    providers,
    policy: record.policy,
    lastResort: {
      defaultRule: record.policy.kind === 'geo' && fb.fallback !== 'none',
      fallback: fb.fallback,
      from: fb.from,
      whenAllDown: record.policy.whenAllDown,
    },
    sets,
    regions,
    thresholds: {
      fall: h.fall,
      rise: h.rise,
      quorum: h.quorum,
      minProbers: h.minProbers,
      staleAfter: h.staleAfter,
      failbackAfter: h.failbackAfter,
      minHealthy: h.minHealthy,
    },
    failStatic: snapshot.failStatic,
    ...(rejected.size > 0 ? { rejectedProbers: [...rejected].map(([id, r]) => ({ id, ...r })) } : {}),
  };
}

function signalsOf(snapshot: HealthSnapshot, region: string): Pick<ExplainDoc['regions'][number], 'signals'> {
  const list = snapshot.signals.filter((s) => s.region === region);
  if (list.length === 0) return {};
  return {
    signals: list.map((s) => ({
      name: s.id,
      kind: s.kind,
      effect: s.effect,
      ...(s.endpoint ? { endpoint: s.endpoint } : {}),
      state: s.state,
      ...(iso(s.since) ? { since: iso(s.since) } : {}),
      acting: s.acting,
      words: signalSentence(s, snapshot.at),
    })),
  };
}

const STEP_TEXT = {
  own: 'its own regions',
  'default-rule': 'the default rule',
  fallback: 'the fallback',
  'when-all-down': 'whenAllDown',
} as const;

/** "the default rule, then fallback any-up (not written: the default), then whenAllDown fail-open". */
function lastResortText(l: ExplainDoc['lastResort']): string {
  const where = l.from === 'default' ? 'not written: the default' : `from the ${l.from}`;
  const steps = [
    ...(l.defaultRule ? ['the default rule'] : []),
    l.fallback === 'none'
      ? `no fallback (none, ${where})`
      : `fallback ${fallbackText(l.fallback)} (${where})`,
    `whenAllDown ${l.whenAllDown}`,
  ];
  return steps.join(', then ');
}

/** "1. eu-west 21 ms  2. us-east 95 ms  3. ap-south (configured order)". */
function rankingLine(ranking: readonly RankedRegion[]): string {
  return ranking
    .map((r, i) => {
      const what =
        r.rttMs !== undefined
          ? `${r.rttMs} ms`
          : r.distanceKm !== undefined
            ? `${r.distanceKm} km`
            : '(configured order)';
      return `${i + 1}. ${r.region} ${what}`;
    })
    .join('  ');
}

/** The chain as text, for the CLI. */
export function renderExplain(d: ExplainDoc): string {
  const out: string[] = [];
  const on = d.providers.length > 1 ? `providers ${d.providers.join(', ')}` : `provider ${d.provider}`;
  out.push(`${d.name} ${d.type} (zone ${d.zone}, ${on}) · ${d.policy.kind} policy`);
  if (d.lastResort) out.push(`  when its regions are all down: ${lastResortText(d.lastResort)}`);
  if (d.failStatic) out.push('  FAIL STATIC: too few fresh probers; DNS is held as it is');
  for (const s of d.sets) {
    const label = s.setId
      ? `set ${s.setId}${s.weight === undefined ? '' : ` (weight ${s.weight})`}`
      : 'answer';
    out.push(
      `  ${label}${s.otherProviders ? ` on ${d.provider}` : ''}: ${s.published.join(', ') || '(not published)'}${s.inSync ? '' : `  (pending -> ${s.desired.join(', ')})`}`,
    );
    for (const o of s.otherProviders ?? [])
      out.push(
        `    on ${o.provider}: ${o.published.join(', ') || '(not published)'}${o.inSync ? '' : `  (pending -> ${o.desired.join(', ')})`}`,
      );
    if (s.ranking) out.push(`    ranking: ${rankingLine(s.ranking)}`);
    out.push(`    because ${s.explanation}`);
    const by = s.answeredBy;
    if (by && by.step !== 'own')
      out.push(`    chosen by: ${STEP_TEXT[by.step]}${by.region ? ` (${by.region})` : ''}`);
  }
  out.push('  regions:');
  for (const r of d.regions) {
    const drain = r.drain
      ? ` · drained by ${r.drain.author}: ${r.drain.reason}${r.drain.until ? ` until ${r.drain.until}` : ''}`
      : '';
    const hold = r.holdingFailback ? ` · recovered, failback at ${r.failbackAt ?? '?'}` : '';
    const ramp = r.ramp
      ? ` · failback ramp step ${r.ramp.step}/${r.ramp.steps} (${r.ramp.percent}%), next step at ${r.ramp.nextAt}`
      : '';
    const maint = r.maintenance
      ? ` · in maintenance window ${r.maintenance.window} until ${r.maintenance.end}: ${r.maintenance.reason}`
      : '';
    const forced = r.override
      ? ` · forced up by ${r.override.author} until ${r.override.until}: ${r.override.reason}${r.status === 'drained' ? ' (no effect while drained)' : ''}`
      : '';
    out.push(
      `    ${r.id}: ${r.status.toUpperCase()}${r.since ? ` since ${r.since}` : ''}${drain}${maint}${forced}${hold}${ramp}`,
    );
    if (r.lastTransition) {
      out.push(
        `      last transition #${r.lastTransition.seq} at ${r.lastTransition.at}: ${String(r.lastTransition.from)} -> ${String(r.lastTransition.to)}`,
      );
      const ev = r.lastTransition.evidence as Record<string, unknown> | undefined;
      if (ev?.trigger) out.push(`      trigger: ${String(ev.trigger)}`);
    }
    const f = r.family;
    if (f) {
      // What this record's answers follow in a dual-stack region: its family's status.
      const hold = f.holdingFailback ? ` · recovered, failback at ${f.failbackAt ?? '?'}` : '';
      out.push(
        `      ${familyName(f.family)} (this ${d.type} record): ${f.status.toUpperCase()}${f.since ? ` since ${f.since}` : ''}${hold}${f.reason ? ` · ${f.reason}` : ''}`,
      );
      const t = f.lastTransition;
      if (t)
        out.push(
          `      last ${familyName(f.family)} transition #${t.seq} at ${t.at}: ${String(t.from)} -> ${String(t.to)}`,
        );
    }
    for (const sg of r.signals ?? []) out.push(`      signal ${sg.name}: ${sg.words}`);
    const votesText = (votes: readonly ExplainVote[]) =>
      votes
        .map(
          (v) =>
            `${v.prober}=${v.vote}${v.fresh ? '' : '(stale)'}${v.impaired ? '(impaired)' : ''}${v.counted ? '' : '(not counted)'}${v.rejected ? `(rejected: ${v.rejected})` : ''}`,
        )
        .join(' ');
    const whys = (votes: readonly ExplainVote[]) => {
      for (const v of votes) {
        const why = v.failed?.map((x) => `${x.check}: ${x.detail}`).join('; ') ?? v.detail;
        if (why) out.push(`        ${v.prober}: ${why}`);
      }
    };
    for (const e of r.endpoints) {
      if (e.families) {
        for (const x of e.families) {
          out.push(
            `      ${e.id}: ${x.state.toUpperCase()} on ${familyName(x.family)}  votes: ${votesText(x.votes)}`,
          );
          whys(x.votes);
        }
        continue;
      }
      out.push(`      ${e.id}: ${e.state.toUpperCase()}  votes: ${votesText(e.votes)}`);
      whys(e.votes);
    }
  }
  for (const p of d.rejectedProbers ?? []) {
    out.push(
      `  prober ${p.id}: ${p.count} report${p.count === 1 ? '' : 's'} rejected since start, last ${p.lastAt}: ${p.what}${p.current ? '' : p.streak ? ' (it has sent nothing since)' : ' (accepted since)'}`,
    );
    if (p.current) out.push(`    remedy: ${p.remedy}`);
  }
  const t = d.thresholds;
  out.push(
    `  thresholds: fall ${t.fall}, rise ${t.rise}, quorum ${t.quorum}, minProbers ${t.minProbers}, staleAfter ${t.staleAfter} ms, failbackAfter ${t.failbackAfter} ms, minHealthy ${t.minHealthy}`,
  );
  return out.join('\n');
}
