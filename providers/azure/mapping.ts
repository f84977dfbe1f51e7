// Maps between our RecordSets and Azure DNS record sets (the SDK's camelCase model). Azure keeps one
// set per relative name and type, with no routing: only plain sets. Reading is strict: a set we cannot
// express (alias to an Azure resource, types we do not manage) is reported, never guessed.
import type { RecordSet as AzureRecordSet } from '@azure/arm-dns';
import { normaliseName, normaliseRecord, type RecordSet, type RecordType } from '../../src/model/index.ts';

export const MANAGED_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'NS', 'SOA'] as const;

export type ReadResult =
  | { ok: true; record: RecordSet; etag: string }
  | { ok: false; name: string; type: string; why: string };

/** `Microsoft.Network/dnszones/A` -> `A`. */
export function typeOf(rs: AzureRecordSet): string {
  return (rs.type ?? '').split('/').pop() ?? '';
}

/** The set's relative name in the zone: `@` at the apex. */
export function relativeName(name: string, zone: string): string {
  const n = normaliseName(name);
  const z = normaliseName(zone);
  return n === z ? '@' : n.slice(0, -(z.length + 1));
}

export function fqdnOf(rs: AzureRecordSet, zone: string): string {
  if (rs.fqdn) return normaliseName(rs.fqdn);
  return rs.name === '@' ? normaliseName(zone) : normaliseName(`${rs.name}.${zone}`);
}

export function fromWire(rs: AzureRecordSet, zone: string): ReadResult {
  const name = fqdnOf(rs, zone);
  const type = typeOf(rs);
  const fail = (why: string): ReadResult => ({ ok: false, name, type, why });
  if (!(MANAGED_TYPES as readonly string[]).includes(type))
    return fail(`type ${type} is not one geofailover manages`);
  if (rs.targetResource?.id) return fail(`it is an alias to an Azure resource (${rs.targetResource.id})`);
  if (rs.ttl === undefined) return fail('it has no TTL');
  const t = type as RecordType;
  let values: string[];
  switch (t) {
    case 'A':
      values = (rs.aRecords ?? []).map((r) => r.ipv4Address ?? '');
      break;
    case 'AAAA':
      values = (rs.aaaaRecords ?? []).map((r) => r.ipv6Address ?? '');
      break;
    case 'CNAME':
      values = rs.cnameRecord?.cname ? [rs.cnameRecord.cname] : [];
      break;
    case 'TXT':
      values = (rs.txtRecords ?? []).map((r) => (r.value ?? []).join(''));
      break;
    case 'NS':
      values = (rs.nsRecords ?? []).map((r) => r.nsdname ?? '');
      break;
    case 'SOA':
      values = rs.soaRecord
        ? [`${rs.soaRecord.host} ${rs.soaRecord.email} ${rs.soaRecord.serialNumber}`]
        : [];
      break;
  }
  if (values.length === 0 || values.some((v) => v === '')) return fail('it has no values');
  return { ok: true, record: normaliseRecord({ name, type: t, ttl: rs.ttl, values }), etag: rs.etag ?? '' };
}

/** TXT strings longer than 255 characters travel as several strings of one value. */
function chunks(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += 255) out.push(s.slice(i, i + 255));
  return out.length > 0 ? out : [''];
}

/** The body of a PUT for one plain record set. */
export function toWire(r: RecordSet): AzureRecordSet {
  const out: AzureRecordSet = { ttl: r.ttl };
  switch (r.type) {
    case 'A':
      out.aRecords = r.values.map((v) => ({ ipv4Address: v }));
      break;
    case 'AAAA':
      out.aaaaRecords = r.values.map((v) => ({ ipv6Address: v }));
      break;
    case 'CNAME':
      out.cnameRecord = { cname: r.values[0]! };
      break;
    case 'TXT':
      out.txtRecords = r.values.map((v) => ({ value: chunks(v) }));
      break;
    default:
      throw new Error(`type ${r.type} is never written`);
  }
  return out;
}
