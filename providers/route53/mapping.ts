// Maps between our RecordSet and Route 53's ResourceRecordSet, both ways. Reading is strict: a record
// we cannot express (failover, latency, multivalue, health check, ...) is reported, never guessed.
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import {
  type GeoLocation,
  normaliseName,
  normaliseRecord,
  RECORD_TYPES,
  type RecordSet,
  type RecordType,
} from '../../src/model/index.ts';

/** The one geolocation Route 53 uses as the default rule. */
export const DEFAULT_COUNTRY = '*';

/**
 * Route 53 writes characters outside [a-z0-9-_.] in names as three-digit octal escapes (`*` is
 * `\052`); we compare names in their plain form.
 */
export function decodeName(name: string): string {
  return normaliseName(
    name.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))),
  );
}

/** TXT values travel as quoted character-strings; `"` and `\` are escaped inside. */
export function quoteTxt(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** One quoted character-string back to its text; several strings (`"a" "b"`) are joined as DNS does. */
export function unquoteTxt(wire: string): string {
  const parts = [...wire.matchAll(/"((?:[^"\\]|\\.)*)"/g)];
  if (parts.length === 0) return wire;
  return parts
    .map((m) =>
      m[1]!.replace(/\\([0-7]{3}|.)/g, (_, e: string) =>
        e.length === 3 ? String.fromCharCode(parseInt(e, 8)) : e,
      ),
    )
    .join('');
}

export type ReadResult =
  | { ok: true; record: RecordSet }
  | { ok: false; name: string; type: string; why: string };

/** Why a Route 53 record cannot be represented as a RecordSet, or undefined when it can. */
function unsupportedFeature(rr: ResourceRecordSet): string | undefined {
  if (rr.Failover) return `it uses failover routing (${rr.Failover})`;
  if (rr.Region) return `it uses latency routing (${rr.Region})`;
  if (rr.MultiValueAnswer !== undefined) return 'it uses multivalue answer routing';
  if (rr.HealthCheckId) return `it has a Route 53 health check (${rr.HealthCheckId})`;
  if (rr.TrafficPolicyInstanceId) return 'it is managed by a traffic policy';
  if (rr.CidrRoutingConfig) return 'it uses IP-based (CIDR) routing';
  if (rr.GeoProximityLocation) return 'it uses geoproximity routing';
  if (rr.Weight !== undefined && rr.GeoLocation) return 'it has both a weight and a geolocation';
  if (rr.SetIdentifier !== undefined && rr.Weight === undefined && !rr.GeoLocation)
    return 'it has a SetIdentifier without weighted or geolocation routing';
  if (rr.AliasTarget) {
    if (!rr.AliasTarget.DNSName || !rr.AliasTarget.HostedZoneId) return 'it is an alias without a target';
    if (rr.ResourceRecords?.length) return 'it is an alias with values';
    return undefined;
  }
  if (rr.TTL === undefined || !rr.ResourceRecords?.length) return 'it has no TTL or no values';
  return undefined;
}

function geoFromWire(g: NonNullable<ResourceRecordSet['GeoLocation']>): GeoLocation {
  if (g.CountryCode === DEFAULT_COUNTRY) return 'default';
  const out: Exclude<GeoLocation, 'default'> = {};
  if (g.ContinentCode) out.continent = g.ContinentCode;
  if (g.CountryCode) out.country = g.CountryCode;
  if (g.SubdivisionCode) out.subdivision = g.SubdivisionCode;
  return out;
}

/** Reads one ResourceRecordSet. Types outside our model (MX, SRV, ...) come back as not ok too. */
export function fromWire(rr: ResourceRecordSet): ReadResult {
  const name = decodeName(rr.Name ?? '');
  const type = String(rr.Type ?? '');
  if (!(RECORD_TYPES as readonly string[]).includes(type))
    return { ok: false, name, type, why: `type ${type} is not one geofailover manages` };
  const why = unsupportedFeature(rr);
  if (why) return { ok: false, name, type, why };
  const t = type as RecordType;
  if (rr.AliasTarget) {
    // An alias has no TTL of its own; ttl 0 is how policy writes it too.
    const rec: RecordSet = {
      name,
      type: t,
      ttl: 0,
      values: [decodeName(rr.AliasTarget.DNSName!)],
      alias: {
        hostedZoneId: rr.AliasTarget.HostedZoneId!.replace(/^\/hostedzone\//, ''),
        evaluateTargetHealth: rr.AliasTarget.EvaluateTargetHealth ?? false,
      },
    };
    if (rr.SetIdentifier !== undefined) rec.setId = rr.SetIdentifier;
    if (rr.Weight !== undefined) rec.weight = rr.Weight;
    if (rr.GeoLocation) rec.geo = geoFromWire(rr.GeoLocation);
    return { ok: true, record: normaliseRecord(rec) };
  }
  const values = (rr.ResourceRecords ?? []).map((r) =>
    t === 'TXT' ? unquoteTxt(r.Value ?? '') : (r.Value ?? ''),
  );
  const rec: RecordSet = { name, type: t, ttl: rr.TTL!, values };
  if (rr.SetIdentifier !== undefined) rec.setId = rr.SetIdentifier;
  if (rr.Weight !== undefined) rec.weight = rr.Weight;
  if (rr.GeoLocation) rec.geo = geoFromWire(rr.GeoLocation);
  return { ok: true, record: normaliseRecord(rec) };
}

/** Writes one RecordSet as Route 53 wants it: exact values, TXT quoted, geo and weight attributes. */
export function toWire(r: RecordSet): ResourceRecordSet {
  const out: ResourceRecordSet = r.alias
    ? {
        Name: normaliseName(r.name),
        Type: r.type,
        AliasTarget: {
          HostedZoneId: r.alias.hostedZoneId,
          DNSName: normaliseName(r.values[0] ?? ''),
          EvaluateTargetHealth: r.alias.evaluateTargetHealth,
        },
      }
    : {
        Name: normaliseName(r.name),
        Type: r.type,
        TTL: r.ttl,
        ResourceRecords: r.values.map((v) => ({ Value: r.type === 'TXT' ? quoteTxt(v) : v })),
      };
  if (r.setId !== undefined) out.SetIdentifier = r.setId;
  if (r.weight !== undefined) out.Weight = r.weight;
  if (r.geo !== undefined) {
    if (r.geo === 'default') out.GeoLocation = { CountryCode: DEFAULT_COUNTRY };
    else {
      const g: NonNullable<ResourceRecordSet['GeoLocation']> = {};
      if (r.geo.continent) g.ContinentCode = r.geo.continent;
      if (r.geo.country) g.CountryCode = r.geo.country;
      if (r.geo.subdivision) g.SubdivisionCode = r.geo.subdivision;
      out.GeoLocation = g;
    }
  }
  return out;
}

/** Characters of values in one record as the 32,000-character request limit counts them. */
export function valueChars(rr: ResourceRecordSet): number {
  return (rr.ResourceRecords ?? []).reduce((n, r) => n + (r.Value?.length ?? 0), 0);
}
