// PowerDNS RRsets <-> our RecordSets. PowerDNS keeps one RRset per (name, type) with a TTL and its
// records' contents in zone-file form: TXT quoted (long values split into 255-byte strings), names
// absolute with a trailing dot. Disabled records are not served, so they are not part of the answer.
import {
  normaliseName,
  normaliseRecord,
  RECORD_TYPES,
  type RecordSet,
  type RecordType,
} from '../../src/model/index.ts';
import type { PdnsRRset } from './client.ts';

const TYPES: ReadonlySet<string> = new Set(RECORD_TYPES);

/** `"a" "b"` → `ab`, with \" and \\ unescaped (RFC 1035 character-strings). */
export function decodeTxt(content: string): string {
  const parts = [...content.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
  return parts.length > 0 ? parts.join('') : content;
}

/** A TXT value as quoted character-strings of at most 255 characters each. */
export function encodeTxt(value: string): string {
  const chunks: string[] = [];
  for (let i = 0; i < value.length || chunks.length === 0; i += 255) chunks.push(value.slice(i, i + 255));
  return chunks.map((c) => `"${c.replace(/["\\]/g, '\\$&')}"`).join(' ');
}

/**
 * An RRset as a RecordSet, or undefined for types we never read (MX, SRV, ...) and for an RRset
 * whose records are all disabled (it answers nothing).
 */
export function fromRRset(rr: PdnsRRset): RecordSet | undefined {
  if (!TYPES.has(rr.type)) return undefined;
  const type = rr.type as RecordType;
  const values = rr.records
    .filter((r) => r.disabled !== true)
    .map((r) => (type === 'TXT' ? decodeTxt(r.content) : r.content));
  if (values.length === 0) return undefined;
  return normaliseRecord({ name: rr.name, type, ttl: rr.ttl ?? 0, values });
}

function content(type: RecordType, value: string): string {
  if (type === 'TXT') return encodeTxt(value);
  if (type === 'CNAME' || type === 'NS') return normaliseName(value);
  return value;
}

export function replaceRRset(r: RecordSet): PdnsRRset {
  return {
    name: normaliseName(r.name),
    type: r.type,
    ttl: r.ttl,
    changetype: 'REPLACE',
    records: r.values.map((v) => ({ content: content(r.type, v), disabled: false })),
  };
}

export function deleteRRset(r: RecordSet): PdnsRRset {
  return { name: normaliseName(r.name), type: r.type, changetype: 'DELETE', records: [] };
}
