// Request-body validation as the documented DNS records API does it: required fields, content by
// type, TTL 1 (Auto) or 60-86400 (30 on Enterprise), tags `name:value`, comment length.
import { isIP } from 'node:net';
import { cfError } from './envelope.ts';

export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS'] as const;
const PROXIABLE = new Set(['A', 'AAAA', 'CNAME']);

export interface StoredRecord {
  id: string;
  zone_id: string;
  zone_name: string;
  name: string;
  type: string;
  content: string;
  ttl: number;
  proxied: boolean;
  proxiable: boolean;
  tags: string[];
  comment: string | null;
  created_on: string;
  modified_on: string;
  meta: Record<string, unknown>;
  settings: Record<string, unknown>;
}

export interface ValidationRules {
  zoneName: string;
  /** Smallest DNS-only TTL: 60, or 30 on Enterprise. */
  minTtl: number;
  maxCommentLength: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9_*]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/i;

/** Validates a full record (after merging a patch) and returns the fields to store. */
export function validateRecord(
  body: unknown,
  rules: ValidationRules,
): Pick<StoredRecord, 'name' | 'type' | 'content' | 'ttl' | 'proxied' | 'tags' | 'comment'> {
  if (!isObject(body)) throw cfError(400, 9207, 'Request body is invalid.');
  const { name, type, content, ttl, proxied, tags, comment } = body;
  if (typeof type !== 'string' || !(RECORD_TYPES as readonly string[]).includes(type))
    throw cfError(400, 9004, 'DNS record type is invalid.');
  if (typeof name !== 'string' || name === '') throw cfError(400, 9005, 'DNS name is invalid.');
  const lname = name.toLowerCase().replace(/\.$/, '');
  const zone = rules.zoneName.toLowerCase();
  if (lname !== zone && !lname.endsWith(`.${zone}`)) throw cfError(400, 9005, 'DNS name is invalid.');
  if (typeof content !== 'string' || content === '') throw cfError(400, 9009, 'Content is required.');
  if (type === 'A' && isIP(content) !== 4)
    throw cfError(400, 9005, 'Content for A record must be a valid IPv4 address.');
  if (type === 'AAAA' && isIP(content) !== 6)
    throw cfError(400, 9006, 'Content for AAAA record must be a valid IPv6 address.');
  if (type === 'CNAME' && (isIP(content) !== 0 || !HOSTNAME.test(content.replace(/\.$/, ''))))
    throw cfError(400, 9007, 'Content for CNAME record is invalid.');
  if (ttl === undefined)
    throw cfError(400, 9021, 'Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic.');
  if (
    typeof ttl !== 'number' ||
    !Number.isInteger(ttl) ||
    (ttl !== 1 && (ttl < rules.minTtl || ttl > 86_400))
  )
    throw cfError(
      400,
      9021,
      `Invalid TTL. Must be between ${rules.minTtl} and 86400 seconds, or 1 for Automatic.`,
    );
  if (proxied !== undefined && typeof proxied !== 'boolean')
    throw cfError(400, 9003, 'Invalid proxied value.');
  if (proxied === true && !PROXIABLE.has(type))
    throw cfError(400, 9041, 'This record type cannot be proxied.');
  if (
    tags !== undefined &&
    (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string' || !/^[^:\s]+:.*$/.test(t)))
  )
    throw cfError(400, 9301, 'Tags must be strings of the form name:value.');
  if (comment !== undefined && comment !== null && typeof comment !== 'string')
    throw cfError(400, 9101, 'Comment must be a string.');
  if (typeof comment === 'string' && comment.length > rules.maxCommentLength)
    throw cfError(400, 9102, `Comment is longer than ${rules.maxCommentLength} characters.`);
  return {
    name: lname,
    type,
    content: type === 'CNAME' ? content.replace(/\.$/, '').toLowerCase() : content,
    // Proxied records are Auto: whatever TTL was sent, Cloudflare stores 1.
    ttl: proxied === true ? 1 : ttl,
    proxied: proxied === true,
    tags: (tags as string[] | undefined) ?? [],
    comment: typeof comment === 'string' && comment !== '' ? comment : null,
  };
}

export function requireId(op: unknown, where: string): string {
  if (!isObject(op) || typeof op.id !== 'string' || op.id === '')
    throw cfError(400, 9207, `${where}: each operation needs an id`);
  return op.id;
}

export { isObject };
