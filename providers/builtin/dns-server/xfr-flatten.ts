// What a secondary gets in a zone transfer: standard DNS has no geography or weights, so each geo
// group becomes its `default` rule's answer and each weighted group one RRset of every healthy
// (weight > 0) value (all values when none is healthy, as the builtin server then answers). A
// weighted CNAME cannot hold several targets: the heaviest wins. Pure functions.
import type { Answer, SoaAnswer } from 'dns-packet';
import type { RecordSet } from '../../../src/model/index.ts';
import { txtStrings } from '../../dnswire/index.ts';
import type { SoaData, ZoneIndex } from './zones.ts';

/** One transferable record set: the plain answer secondaries will serve for a name and type. */
export interface FlatSet {
  name: string;
  type: RecordSet['type'];
  ttl: number;
  values: string[];
}

export function flattenRecords(records: readonly RecordSet[]): FlatSet[] {
  const groups = new Map<string, RecordSet[]>();
  for (const r of records) {
    if (r.type === 'NS' || r.type === 'SOA') continue; // synthesised at the apex
    const k = `${r.name}|${r.type}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const out: FlatSet[] = [];
  for (const group of groups.values()) {
    const flat = flattenGroup(group);
    if (flat) out.push(flat);
  }
  return out.sort((a, b) =>
    a.name === b.name ? a.type.localeCompare(b.type) : a.name.localeCompare(b.name),
  );
}

function flattenGroup(group: readonly RecordSet[]): FlatSet | undefined {
  const first = group[0]!;
  let chosen: readonly RecordSet[];
  if (group.some((r) => r.geo !== undefined)) {
    const def = group.find((r) => r.geo === 'default');
    if (!def) return undefined; // no answer for clients outside every rule: nothing to transfer
    chosen = [def];
  } else if (group.some((r) => r.weight !== undefined)) {
    const live = group.filter((r) => (r.weight ?? 0) > 0);
    chosen = live.length > 0 ? live : group;
    if (first.type === 'CNAME') {
      const heaviest = [...chosen].sort(
        (a, b) => (b.weight ?? 0) - (a.weight ?? 0) || cmp(a.setId, b.setId),
      )[0]!;
      chosen = [heaviest];
    }
  } else chosen = group;
  const values = [...new Set(chosen.flatMap((r) => r.values))].sort();
  const ttl = Math.min(...chosen.map((r) => r.ttl));
  return { name: first.name, type: first.type, ttl, values };
}

const cmp = (a: string | undefined, b: string | undefined) => (a ?? '').localeCompare(b ?? '');

/** The SOA record of a zone at `serial` (the other fields from the served zone's settings). */
export function soaAnswer(apex: string, soa: SoaData, serial: number): SoaAnswer {
  return {
    name: apex,
    type: 'SOA',
    class: 'IN',
    ttl: soa.ttl,
    data: {
      mname: soa.primary,
      rname: soa.admin,
      serial: serial >>> 0,
      refresh: soa.refresh,
      retry: soa.retry,
      expire: soa.expiration,
      minimum: soa.minimum,
    },
  };
}

/** The zone's records as wire-ready answers, SOA excluded: the apex NS set, then the flattened data. */
export function zoneAnswers(
  zone: Pick<ZoneIndex, 'apex' | 'nameservers' | 'nsTtl'>,
  sets: readonly FlatSet[],
): Answer[] {
  const out: Answer[] = zone.nameservers.map((ns) => ({
    name: zone.apex,
    type: 'NS',
    class: 'IN',
    ttl: zone.nsTtl,
    data: ns,
  }));
  for (const s of sets) {
    for (const v of s.values) out.push(answerOf(s, v));
  }
  return out;
}

function answerOf(s: FlatSet, value: string): Answer {
  const base = { name: s.name, class: 'IN' as const, ttl: s.ttl };
  switch (s.type) {
    case 'A':
    case 'AAAA':
    case 'CNAME':
      return { ...base, type: s.type, data: value };
    case 'TXT':
      return { ...base, type: 'TXT', data: txtStrings(value) };
    default:
      return { ...base, type: 'TXT', data: [value] };
  }
}
