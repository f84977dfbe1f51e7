// The writer's lease: a TXT record `<owner>._geofailover-lease.<zone apex>` that a running controller
// keeps while it writes a zone, so that a `geofailover apply` run elsewhere (a CronJob, a timer) can
// see, through the provider itself, that a controller holds the zone and step aside. Format and parse
// only; who writes it and what it means for apply live in src/controller.
//
// One name per owner: two controllers of different owners may manage different names of one zone, and
// must never overwrite each other's lease. The owner is a label of its own under an underscore label
// (DKIM's `<selector>._domainkey` shape): an underscore name is never a host name, so it cannot collide
// with a user's records or take a wildcard's answer away from a real name. It is not a marker name
// (`_geofailover.` prefix) and TXT is not a type a policy publishes, so the planner never reads it as a
// managed record, a marker, or drift.
import { normaliseName } from './normalise.ts';
import type { Change, RecordSet } from './record.ts';

export const LEASE_LABEL = '_geofailover-lease';
/** Short: a resolver should not keep serving a lease long after it was removed or renewed. */
export const LEASE_TTL = 60;

/** The longest replica id a lease carries, so the whole value stays one TXT string (255 octets). */
const REPLICA_MAX = 100;

export interface Lease {
  owner: string;
  /** The controller replica that holds it. */
  replica: string;
  /** When this replica took the lease (epoch ms). */
  since: number;
  /** When it runs out unless renewed (epoch ms, the holder's clock). */
  expires: number;
}

export function leaseName(zone: string, owner: string): string {
  return normaliseName(`${owner}.${LEASE_LABEL}.${normaliseName(zone)}`);
}

/** True for a name of the form `<owner>._geofailover-lease.<zone>` (any owner). */
export function isLeaseName(name: string): boolean {
  return normaliseName(name).split('.')[1] === LEASE_LABEL;
}

/** True for a change the lease keeper sends: a TXT record at a lease name. */
export function isLeaseChange(c: Change): boolean {
  const r = (c.after ?? c.before)!;
  return r.type === 'TXT' && isLeaseName(r.name);
}

/** A replica id as a lease carries it: one token (no spaces or quotes), bounded. */
export function leaseReplica(replica: string): string {
  const token = replica.replace(/[\s"\\=]/g, '_');
  return token.length > REPLICA_MAX ? token.slice(0, REPLICA_MAX) : token || '_';
}

export function leaseValue(l: Lease): string {
  return [
    `owner=${l.owner}`,
    `replica=${leaseReplica(l.replica)}`,
    `since=${new Date(l.since).toISOString()}`,
    `expires=${new Date(l.expires).toISOString()}`,
  ].join(' ');
}

export function leaseRecord(zone: string, l: Lease): RecordSet {
  return { name: leaseName(zone, l.owner), type: 'TXT', ttl: LEASE_TTL, values: [leaseValue(l)] };
}

/** The lease a record holds, or undefined when its value is not one (any field missing or bad). */
export function parseLease(r: RecordSet): Lease | undefined {
  if (r.type !== 'TXT' || r.values.length !== 1) return undefined;
  // Some providers hand TXT values back quoted or split into strings; the fields are whitespace separated.
  const text = r.values[0]!.replace(/"/g, ' ');
  const field = (k: string) => new RegExp(`(?:^|\\s)${k}=(\\S+)`).exec(text)?.[1];
  const owner = field('owner');
  const replica = field('replica');
  const since = Date.parse(field('since') ?? '');
  const expires = Date.parse(field('expires') ?? '');
  if (!owner || !replica || Number.isNaN(since) || Number.isNaN(expires)) return undefined;
  return { owner, replica, since, expires };
}

/** The record at `owner`'s lease name among records read from a provider (any normalisation). */
export function findLease(records: readonly RecordSet[], zone: string, owner: string): RecordSet | undefined {
  const name = leaseName(zone, owner);
  return records.find((r) => r.type === 'TXT' && normaliseName(r.name) === name);
}
