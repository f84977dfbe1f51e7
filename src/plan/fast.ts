// Helpers for records already normalised (names lower case with the trailing dot): the model's
// keyId/sameRecord re-normalise on every call, which dominates a 10,000-record plan.
import {
  MARKER_PREFIX,
  normaliseRecord,
  normaliseValue,
  type RecordSet,
  type RecordType,
} from '../model/index.ts';

/** keyId for a normalised record: same string as the model's keyId. */
export function normKey(r: RecordSet): string {
  return r.setId === undefined ? `${r.name} ${r.type}` : `${r.name} ${r.type} ${r.setId}`;
}

function sameGeo(a: RecordSet['geo'], b: RecordSet['geo']): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === 'default' || b === 'default') return false;
  return a.continent === b.continent && a.country === b.country && a.subdivision === b.subdivision;
}

/** Two normalised records with the same key publish the same thing (ttl, values, weight, geo). */
export function samePublished(a: RecordSet, b: RecordSet): boolean {
  if (a.ttl !== b.ttl || a.weight !== b.weight || a.values.length !== b.values.length) return false;
  for (let i = 0; i < a.values.length; i++) if (a.values[i] !== b.values[i]) return false;
  if (a.alias !== b.alias) {
    if (!a.alias || !b.alias) return false;
    if (a.alias.hostedZoneId !== b.alias.hostedZoneId) return false;
    if (a.alias.evaluateTargetHealth !== b.alias.evaluateTargetHealth) return false;
  }
  return sameGeo(a.geo, b.geo);
}

export function isMarkerNorm(name: string): boolean {
  return name.startsWith(MARKER_PREFIX);
}

/** The managed name a normalised marker name stands for. */
export function markedNorm(name: string): string {
  return name.slice(MARKER_PREFIX.length);
}

/**
 * normaliseRecord that returns the record itself when it is already normal (the usual case: adapters
 * and policy hand over normalised records), saving the allocations that dominate a large plan.
 * Anything it cannot prove normal goes through the model's normaliseRecord.
 */
export function makeNormaliser(): (r: RecordSet) => RecordSet {
  const cache = new Map<string, Map<string, string>>();
  const value = (type: RecordType, v: string): string => {
    let m = cache.get(type);
    if (!m) {
      m = new Map();
      cache.set(type, m);
    }
    let n = m.get(v);
    if (n === undefined) {
      n = normaliseValue(type, v);
      m.set(v, n);
    }
    return n;
  };
  const isNormal = (r: RecordSet): boolean => {
    const name = r.name;
    if (!name.endsWith('.') || name !== name.toLowerCase() || name !== name.trim()) return false;
    // Alias values are names, whatever the record type: the model's normaliseRecord handles them.
    if (r.alias !== undefined) return false;
    const vs = r.values;
    for (let i = 0; i < vs.length; i++) {
      const v = vs[i]!;
      if (value(r.type, v) !== v || (i > 0 && !(vs[i - 1]! < v))) return false;
    }
    if (r.geo !== undefined && r.geo !== 'default') {
      for (const [k, v] of Object.entries(r.geo)) {
        if (typeof v !== 'string' || v !== v.toUpperCase()) return false;
        if (k !== 'continent' && k !== 'country' && k !== 'subdivision') return false;
      }
    }
    return true;
  };
  return (r) => (isNormal(r) ? r : normaliseRecord(r));
}
