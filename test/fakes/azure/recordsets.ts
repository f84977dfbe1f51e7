// What Azure DNS checks of a record set PUT (api-version 2018-05-01): properties present, TTL in
// range, exactly the record array of the set's type, valid values, CNAME alone at its name and never
// at the apex. Errors carry ARM's { error: { code, message } } shape.
import { isIP } from 'node:net';

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface StoredSet {
  rel: string;
  type: string;
  etag: string;
  properties: Record<string, unknown>;
}

const ARRAYS: Record<string, string> = {
  A: 'ARecords',
  AAAA: 'AAAARecords',
  TXT: 'TXTRecords',
  NS: 'NSRecords',
  MX: 'MXRecords',
  PTR: 'PTRRecords',
  SRV: 'SRVRecords',
  CAA: 'caaRecords',
};
const SINGLE: Record<string, string> = { CNAME: 'CNAMERecord', SOA: 'SOARecord' };
const ALL_FIELDS = [...Object.values(ARRAYS), ...Object.values(SINGLE)];

const bad = (message: string) => new ArmError(400, 'BadRequest', message);

export function checkPut(type: string, rel: string, body: unknown): Record<string, unknown> {
  const props = (body as { properties?: Record<string, unknown> } | null)?.properties;
  if (!props || typeof props !== 'object')
    throw bad("The request body is missing the required 'properties'.");
  const ttl = props.TTL;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > 2147483647)
    throw bad(`The value '${ttl}' of TTL is invalid. It must be between 0 and 2147483647.`);
  const field = ARRAYS[type] ?? SINGLE[type];
  if (!field) throw bad(`The record type '${type}' is not supported.`);
  for (const f of ALL_FIELDS)
    if (f !== field && props[f] !== undefined)
      throw bad(`The record set of type '${type}' cannot have '${f}'.`);
  const value = props[field];
  if (type === 'A' || type === 'AAAA') {
    const list = value as { ipv4Address?: string; ipv6Address?: string }[] | undefined;
    if (!Array.isArray(list) || list.length === 0)
      throw bad(`The record set of type '${type}' must have at least one record.`);
    for (const r of list) {
      const ip = type === 'A' ? r.ipv4Address : r.ipv6Address;
      if (!ip || isIP(ip) !== (type === 'A' ? 4 : 6))
        throw bad(`The value '${ip}' is not a valid IPv${type === 'A' ? 4 : 6} address.`);
    }
  }
  if (type === 'CNAME') {
    const c = (value as { cname?: string } | undefined)?.cname;
    if (!c || !/^([a-z0-9_-]+\.)*[a-z0-9_-]+\.?$/i.test(c))
      throw bad(`The value '${c}' is not a valid CNAME.`);
    if (rel === '@') throw bad('A CNAME record set cannot be created at the zone apex.');
  }
  if (type === 'TXT') {
    const list = value as { value?: string[] }[] | undefined;
    if (!Array.isArray(list) || list.length === 0)
      throw bad("The record set of type 'TXT' must have at least one record.");
    for (const r of list)
      if (!Array.isArray(r.value) || r.value.some((s) => typeof s !== 'string' || s.length > 255))
        throw bad('A TXT record value must be a list of strings of at most 255 characters.');
  }
  const out: Record<string, unknown> = { TTL: ttl, [field]: value };
  if (props.metadata) out.metadata = props.metadata;
  return out;
}
