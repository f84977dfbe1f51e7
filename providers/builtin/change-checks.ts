// Pure checks of a change set against a zone's records: strict create/update/delete semantics
// (compare-and-swap on `before`) and the shape rules a real authoritative server needs.
import { isIPv4, isIPv6 } from 'node:net';
import {
  type Change,
  ConflictError,
  InvalidChangeError,
  inZone,
  keyId,
  normaliseName,
  normaliseRecord,
  type RecordSet,
  sameRecord,
} from '../../src/model/index.ts';

/**
 * Apply `changes` in order to a copy of `records`; throws ConflictError (the zone changed since
 * the caller read it) or InvalidChangeError (the change set is malformed) with nothing applied.
 */
export function applyChanges(
  zone: string,
  records: readonly RecordSet[],
  changes: readonly Change[],
  provider: string,
): RecordSet[] {
  const apex = normaliseName(zone);
  const byKey = new Map<string, RecordSet>();
  for (const r of records) byKey.set(keyId(r), r);

  changes.forEach((change, index) => {
    const where = `change ${index + 1} (${change.kind})`;
    const before = change.before ? normaliseRecord(change.before) : undefined;
    const after = change.after ? normaliseRecord(change.after) : undefined;
    for (const r of [before, after]) if (r) checkRecord(apex, r, where, provider);
    switch (change.kind) {
      case 'create': {
        if (!after) throw invalid(`${where} has no \`after\` record`, apex, provider);
        const id = keyId(after);
        if (byKey.has(id)) {
          throw new ConflictError(`${where}: ${id} already exists in zone ${apex}`, {
            zone: apex,
            record: id,
            provider,
            remedy: 're-read the zone and plan again (someone else created it)',
          });
        }
        byKey.set(id, after);
        break;
      }
      case 'update':
      case 'delete': {
        if (!before) throw invalid(`${where} has no \`before\` record`, apex, provider);
        if (change.kind === 'update' && !after)
          throw invalid(`${where} has no \`after\` record`, apex, provider);
        const id = keyId(before);
        const stored = byKey.get(id);
        if (!stored || !sameRecord(stored, before)) {
          throw new ConflictError(
            `${where}: ${id} ${stored ? 'differs from' : 'is missing, unlike'} what the plan read in zone ${apex}`,
            {
              zone: apex,
              record: id,
              provider,
              value: stored ?? null,
              remedy: 're-read the zone and plan again (it changed since the plan was made)',
            },
          );
        }
        byKey.delete(id);
        if (after) {
          if (keyId(after) !== id) {
            throw invalid(`${where} changes the record key (${id} -> ${keyId(after)})`, apex, provider);
          }
          byKey.set(id, after);
        }
        break;
      }
      default:
        throw invalid(`${where}: unknown change kind`, apex, provider);
    }
  });

  const result = [...byKey.values()];
  checkZoneShape(apex, result, provider);
  return result;
}

function checkRecord(apex: string, r: RecordSet, where: string, provider: string): void {
  const id = keyId(r);
  if (!inZone(r.name, apex)) {
    throw invalid(`${where}: ${r.name} is outside zone ${apex}`, apex, provider, id);
  }
  const badName = nameProblem(r.name);
  if (badName) throw invalid(`${where}: ${id}: ${badName}`, apex, provider, id);
  for (const v of r.values) {
    const bad = valueProblem(r.type, v);
    if (bad) throw invalid(`${where}: ${id}: value ${JSON.stringify(v)} ${bad}`, apex, provider, id);
  }
  if (r.type === 'NS' || r.type === 'SOA') {
    throw invalid(
      `${where}: ${id}: the builtin server synthesises NS and SOA; they cannot be changed`,
      apex,
      provider,
      id,
    );
  }
  if (r.values.length === 0) throw invalid(`${where}: ${id} has no values`, apex, provider, id);
  if (r.type === 'CNAME' && r.values.length > 1) {
    throw invalid(`${where}: ${id}: a CNAME holds exactly one value`, apex, provider, id);
  }
  if (r.type === 'CNAME' && r.name === apex) {
    throw invalid(`${where}: a CNAME cannot sit at the zone apex ${apex}`, apex, provider, id);
  }
  if ((r.weight !== undefined || r.geo !== undefined) && r.setId === undefined) {
    throw invalid(`${where}: ${id} has a weight or geo but no setId`, apex, provider, id);
  }
  if (r.weight !== undefined && r.geo !== undefined) {
    throw invalid(`${where}: ${id} is both weighted and geo`, apex, provider, id);
  }
}

/** Rules across records: CNAME alone at its name; one routing kind per name+type; distinct geo matches. */
function checkZoneShape(apex: string, records: readonly RecordSet[], provider: string): void {
  const byName = new Map<string, RecordSet[]>();
  for (const r of records) {
    const list = byName.get(r.name);
    if (list) list.push(r);
    else byName.set(r.name, [r]);
  }
  for (const [name, list] of byName) {
    if (list.some((r) => r.type === 'CNAME') && list.some((r) => r.type !== 'CNAME')) {
      throw invalid(`${name} would hold a CNAME beside other records`, apex, provider, name);
    }
    const byType = new Map<string, RecordSet[]>();
    for (const r of list) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
    for (const [type, group] of byType) {
      const kinds = new Set(
        group.map((r) => (r.weight !== undefined ? 'weighted' : r.geo !== undefined ? 'geo' : 'simple')),
      );
      if (kinds.size > 1 || (kinds.has('simple') && group.length > 1)) {
        throw invalid(
          `${name} ${type} would mix routing kinds (${[...kinds].join(', ')})`,
          apex,
          provider,
          `${name} ${type}`,
        );
      }
      if (kinds.has('geo')) {
        const seen = new Set<string>();
        for (const r of group) {
          const loc = JSON.stringify(r.geo);
          if (seen.has(loc))
            throw invalid(
              `${name} ${type} has two geo records for ${loc}`,
              apex,
              provider,
              `${name} ${type}`,
            );
          seen.add(loc);
        }
      }
      if (type === 'CNAME' && group.length > 1 && !kinds.has('weighted') && !kinds.has('geo')) {
        throw invalid(`${name} would hold two CNAME records`, apex, provider, name);
      }
    }
  }
}

/** DNS wire limits (RFC 1035 §2.3.4): labels of 1-63 octets, 255 octets in all. */
function nameProblem(name: string): string | undefined {
  const labels = name.split('.').filter((l) => l.length > 0);
  if (labels.some((l) => Buffer.byteLength(l) > 63)) return 'has a label longer than 63 octets';
  if (labels.reduce((n, l) => n + Buffer.byteLength(l) + 1, 1) > 255) return 'is longer than 255 octets';
  if (
    name
      .split('.')
      .slice(0, -1)
      .some((l) => l.length === 0)
  )
    return 'has an empty label';
  return undefined;
}

/** What the server could not put on the wire: an A that is not IPv4, an AAAA that is not IPv6, ... */
function valueProblem(type: RecordSet['type'], v: string): string | undefined {
  switch (type) {
    case 'A':
      return isIPv4(v) ? undefined : 'is not an IPv4 address';
    case 'AAAA':
      return isIPv6(v) ? undefined : 'is not an IPv6 address';
    case 'CNAME':
      return nameProblem(v);
    case 'TXT':
      return Buffer.byteLength(v) > 4000 ? 'is longer than 4,000 octets' : undefined;
    default:
      return undefined;
  }
}

function invalid(message: string, zone: string, provider: string, record?: string): InvalidChangeError {
  return new InvalidChangeError(message, {
    zone,
    provider,
    ...(record === undefined ? {} : { record }),
    remedy: 'fix the change set; nothing was written',
  });
}
