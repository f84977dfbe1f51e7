// What records() returns, by the DnsProvider contract: every ownership marker whatever its owner,
// everything at a name our marker covers, and everything at the names config wants to manage.
// Records at other names are never read into a plan, so they are never touched.
import {
  isMarkerName,
  markedName,
  markerOwner,
  normaliseName,
  type RecordSet,
} from '../../src/model/index.ts';

export function selectRecords(
  all: readonly RecordSet[],
  owner: string,
  queryNames: readonly string[],
): RecordSet[] {
  const isMarker = (r: RecordSet) => r.type === 'TXT' && isMarkerName(r.name);
  const wanted = new Set(queryNames.map(normaliseName));
  for (const r of all) if (isMarker(r) && markerOwner(r) === owner) wanted.add(markedName(r.name));
  return all.filter((r) => isMarker(r) || wanted.has(r.name));
}
