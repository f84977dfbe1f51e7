// `explain`: why a record answers what it answers now, as a chain from the published answer to the
// policy rule that chose it, the region states it depends on, and the votes and thresholds behind
// each region's last transition (from the event log). A pure function of what the controller holds.
// The chain goes on past the record's own regions when they are all down: the default rule (geo),
// the fallback (which one, and where it was written), then whenAllDown; each set says which step chose it.

import type { ExplainDoc, ExplainVote, ProberRejectionView } from '../../api/index.ts';
import {
  type Config,
  type RecordConfig,
  recordFallback,
  type ZoneConfig,
  zoneProviders,
} from '../../config/index.ts';
import type { HealthSnapshot } from '../../health/index.ts';
import {
  familyOfType,
  isoOrUndefined,
  normaliseName,
  type RecordSet,
  type RegionStates,
  type SteeringInput,
} from '../../model/index.ts';
import { desiredRecords, policyRegions } from '../../policy/index.ts';
import type { StoredEvent } from '../state/event-log.ts';
import { signalSentence } from './signal-words.ts';
import { drainView, overrideView, transitionView } from './view-parts.ts';

export { renderExplain } from '../../api/explain-text.ts';
// The document and its text live in src/api, where the CLI reads them; named here too for callers of explain.
export type { ExplainDoc } from '../../api/index.ts';

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
  /** What a provider serves in a zone now (as last read by its reconciler). */
  published: (zone: string, provider: string) => readonly RecordSet[];
  events: readonly StoredEvent[];
  /** A prober's refused reports, if any. */
  rejections?: (prober: string) => ProberRejectionView | undefined;
  /** Latency records' round-trip times and held rankings. */
  steering?: SteeringInput;
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
      ...(d.ranking ? { ranking: d.ranking } : {}),
      ...(others.length > 0 ? { otherProviders: others } : {}),
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
        ...(last ? { lastTransition: transitionView(last) } : {}),
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
      ...(r?.drain ? { drain: drainView(r.drain) } : {}),
      ...(r?.override ? { override: overrideView(r.override) } : {}),
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
      ...(last ? { lastTransition: transitionView(last) } : {}),
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
