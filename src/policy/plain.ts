// Desired records as a provider without weighted or geo record sets can publish them (PowerDNS, RFC
// 2136 servers): the record sets of one weighted record become one plain set holding the values of
// every region with weight > 0, so resolvers share traffic about evenly among the serving regions.
// Geo cannot be flattened without changing its meaning: validate refuses it; here it is an error.
import {
  type ChangeReason,
  normaliseName,
  normaliseRecord,
  type RecordSet,
  UsageError,
} from '../model/index.ts';
import type { DesiredRecord } from './types.ts';

export interface PlainCapabilities {
  weighted: boolean;
  geo: boolean;
  /** The provider wants weighted records merged into one plain set (see providers/capabilities.ts). */
  plainWeighted?: boolean;
}

/** Health transitions first: a merged set changed by a failover must stay exempt from the fractions. */
const REASON_RANK: Record<ChangeReason['code'], number> = {
  'region-down': 0,
  'region-drained': 1,
  'all-down': 2,
  'region-up': 3,
  steering: 4,
  drift: 5,
  config: 6,
  ownership: 7,
  orphan: 8,
  lease: 9, // never on a published record
};

function mergeWeighted(name: string, parts: readonly DesiredRecord[], published?: RecordSet): DesiredRecord {
  const first = parts[0]!;
  // keep-last with every region down: keep the plain set published now (the per-region sets the
  // policy looked for do not exist on this provider, so it fell back to fail-open).
  if (
    first.source.whenAllDown === 'keep-last' &&
    published !== undefined &&
    published.values.length > 0 &&
    parts.every((p) => p.reason.code === 'all-down')
  ) {
    return {
      record: normaliseRecord({
        name,
        type: first.record.type,
        ttl: first.record.ttl,
        values: published.values,
      }),
      reason: { code: 'all-down', detail: 'every region is down (keep-last: keeping the published answer)' },
      explanation:
        'no region is UP; whenAllDown keep-last keeps the published set (published without weights)',
      source: first.source,
    };
  }
  const serving = parts.filter((p) => (p.record.weight ?? 0) > 0);
  // Never an empty answer: with every weight 0 (all configured 0), publish every region's values.
  const chosen = serving.length > 0 ? serving : parts;
  const reason = [...parts].sort((a, b) => REASON_RANK[a.reason.code] - REASON_RANK[b.reason.code])[0]!
    .reason;
  const record = normaliseRecord({
    name,
    type: first.record.type,
    ttl: first.record.ttl,
    values: chosen.flatMap((p) => p.record.values),
  });
  return {
    record,
    reason,
    explanation: `published as one set without weights (${chosen
      .map((p) => p.record.setId)
      .join(', ')}): ${parts.map((p) => p.explanation).join('; ')}`,
    source: first.source,
  };
}

/**
 * `desired` unchanged unless the provider asks for plain weighted sets (no weights, plainWeighted);
 * then each weighted record's sets merged into one plain set (in the position of its first set). `current` (what the provider
 * publishes) is consulted only for keep-last. Throws on a geo set the provider
 * cannot publish (validate refuses such a config; this guards an unchecked one).
 */
export function plainRecords(
  desired: readonly DesiredRecord[],
  caps: PlainCapabilities,
  where: { zone: string; provider: string },
  current: readonly RecordSet[] = [],
): DesiredRecord[] {
  const geo = caps.geo ? undefined : desired.find((d) => d.source.policy === 'geo');
  if (geo) {
    throw new UsageError(
      `zone ${where.zone}: provider ${where.provider} cannot publish geo record ${geo.source.name} ${geo.source.type}`,
      {
        zone: where.zone,
        provider: where.provider,
        record: geo.source.name,
        remedy:
          'put this zone on a provider with geo support (builtin, route53, cloudflare load-balancer mode)',
      },
    );
  }
  if (caps.weighted || caps.plainWeighted !== true) return [...desired];
  const groups = new Map<string, DesiredRecord[]>();
  for (const d of desired) {
    if (d.source.policy !== 'weighted') continue;
    const key = `${d.record.name} ${d.record.type}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const out: DesiredRecord[] = [];
  for (const d of desired) {
    if (d.source.policy !== 'weighted') {
      out.push(d);
      continue;
    }
    const key = `${d.record.name} ${d.record.type}`;
    const parts = groups.get(key);
    if (!parts) continue; // already merged at its first set
    groups.delete(key);
    const published = current.find(
      (r) =>
        r.setId === undefined &&
        r.type === d.record.type &&
        normaliseName(r.name) === normaliseName(d.record.name),
    );
    out.push(mergeWeighted(d.record.name, parts, published && normaliseRecord(published)));
  }
  return out;
}
