// The one selection every adapter's records() makes (see DnsProvider.records): every ownership
// marker whatever its owner, everything at a name our marker covers, everything at the query names.
// Adapters that read sets they cannot express pass those too, and a managed one among them is refused.
import {
  isMarkerName,
  markedName,
  markerOwner,
  normaliseName,
  ProviderError,
  type RecordSet,
} from '../src/model/index.ts';

/** A set read from the provider that geofailover cannot express, and why. */
export interface UnreadableSet {
  name: string;
  type: string;
  why: string;
}

/** How an adapter names itself and its sets in the refusal of an unreadable set. */
export interface UnreadableScope {
  /** The adapter kind as the message starts (`azure provider <id>, zone <zone>: ...`). */
  kind: string;
  provider: string;
  zone: string;
  /** What the provider calls one: `set` or `record`. */
  noun: string;
  remedy: string;
}

const isMarker = (r: RecordSet) => r.type === 'TXT' && isMarkerName(r.name);

/** The names records() covers: the query names and every name a marker with our owner id covers. */
function wantedNames(
  records: readonly RecordSet[],
  owner: string,
  queryNames: readonly string[],
): Set<string> {
  const wanted = new Set(queryNames.map(normaliseName));
  for (const r of records) if (isMarker(r) && markerOwner(r) === owner) wanted.add(markedName(r.name));
  return wanted;
}

/** records() of normalised sets: markers, and everything at a wanted name, in the order read. */
export function selectRecords(
  records: readonly RecordSet[],
  owner: string,
  queryNames: readonly string[],
): RecordSet[] {
  const wanted = wantedNames(records, owner, queryNames);
  return records.filter((r) => isMarker(r) || wanted.has(r.name));
}

/**
 * selectRecords, refusing when a set we cannot express (an A/AAAA/CNAME/TXT set only) stands at a
 * managed name or its marker name, so nothing is planned, and so nothing written, on top of a hand edit.
 */
export function selectReadable(
  records: readonly RecordSet[],
  unreadable: readonly UnreadableSet[],
  owner: string,
  queryNames: readonly string[],
  scope: UnreadableScope,
): RecordSet[] {
  const wanted = wantedNames(records, owner, queryNames);
  const managed = (name: string) => wanted.has(name) || (isMarkerName(name) && wanted.has(markedName(name)));
  const bad = unreadable.filter((u) => managed(u.name) && ['A', 'AAAA', 'CNAME', 'TXT'].includes(u.type));
  if (bad.length > 0) {
    const list = bad.map((b) => `${b.name} ${b.type}: ${b.why}`).join('; ');
    throw new ProviderError(
      `${scope.kind} provider ${scope.provider}, zone ${scope.zone}: ${scope.noun}${bad.length > 1 ? 's' : ''} at a managed name cannot be read as geofailover records (${list}); nothing was written`,
      {
        provider: scope.provider,
        zone: scope.zone,
        record: `${bad[0]!.name} ${bad[0]!.type}`,
        remedy: scope.remedy,
      },
    );
  }
  return records.filter((r) => isMarker(r) || wanted.has(r.name));
}
