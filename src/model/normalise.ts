// Normalisation: names lower case with a trailing dot, values canonical and sorted, so equal
// records compare equal whatever their source (config, provider API, zone file).
import { isIP } from 'node:net';
import type { RecordKey, RecordSet, RecordType } from './record.ts';

export function normaliseName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** The name without its trailing dot, as most APIs and people write it. */
export function bareName(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** Canonical IPv6 text (RFC 5952: lower case, zeros compressed), via the URL parser. */
function canonicalIPv6(value: string): string {
  try {
    return new URL(`http://[${value}]/`).hostname.slice(1, -1);
  } catch {
    return value.toLowerCase();
  }
}

export function normaliseValue(type: RecordType, value: string): string {
  const v = value.trim();
  switch (type) {
    case 'A':
      return isIP(v) === 4
        ? v
            .split('.')
            .map((o) => String(Number(o)))
            .join('.')
        : v;
    case 'AAAA':
      return isIP(v) === 6 ? canonicalIPv6(v) : v.toLowerCase();
    case 'CNAME':
    case 'NS':
      return normaliseName(v);
    case 'TXT':
      // TXT values are compared without surrounding quotes (Route 53 returns them quoted).
      return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
    default:
      return v;
  }
}

export function normaliseRecord(r: RecordSet): RecordSet {
  const norm = (v: string) => (r.alias ? normaliseName(v) : normaliseValue(r.type, v));
  const values = [...new Set(r.values.map(norm))].sort();
  const out: RecordSet = { name: normaliseName(r.name), type: r.type, ttl: r.ttl, values };
  if (r.setId !== undefined) out.setId = r.setId;
  if (r.weight !== undefined) out.weight = r.weight;
  if (r.alias !== undefined) {
    out.alias = {
      hostedZoneId: r.alias.hostedZoneId.replace(/^\/hostedzone\//, '').toUpperCase(),
      evaluateTargetHealth: r.alias.evaluateTargetHealth,
    };
  }
  if (r.geo !== undefined) {
    out.geo =
      r.geo === 'default'
        ? 'default'
        : Object.fromEntries(
            (['continent', 'country', 'subdivision'] as const)
              .filter((k) => r.geo !== 'default' && r.geo?.[k] !== undefined)
              .map((k) => [k, (r.geo as Record<string, string>)[k]!.toUpperCase()]),
          );
  }
  return out;
}

/** A stable string identity for a key: name, type and set id. */
export function keyId(k: RecordKey): string {
  return `${normaliseName(k.name)} ${k.type}${k.setId === undefined ? '' : ` ${k.setId}`}`;
}

/** True when two normalised records publish the same thing (ttl, values, weight, geo). */
export function sameRecord(a: RecordSet, b: RecordSet): boolean {
  return (
    keyId(a) === keyId(b) &&
    a.ttl === b.ttl &&
    a.weight === b.weight &&
    JSON.stringify(a.geo ?? null) === JSON.stringify(b.geo ?? null) &&
    JSON.stringify(a.alias ?? null) === JSON.stringify(b.alias ?? null) &&
    a.values.length === b.values.length &&
    a.values.every((v, i) => v === b.values[i])
  );
}

/** Is `name` equal to or below `zone`? Both are normalised first. */
export function inZone(name: string, zone: string): boolean {
  const n = normaliseName(name);
  const z = normaliseName(zone);
  return n === z || n.endsWith(`.${z}`);
}

export function sortRecords(records: readonly RecordSet[]): RecordSet[] {
  return [...records].sort((a, b) => (keyId(a) < keyId(b) ? -1 : keyId(a) > keyId(b) ? 1 : 0));
}
