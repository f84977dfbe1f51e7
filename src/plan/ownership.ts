// Ownership: which names of the provider's answer are ours (our marker), foreign (records, no
// marker) or another controller's (a marker naming another owner id), and the verdict on that.
import { markerOwner, type RecordSet, type RecordType } from '../model/index.ts';
import { isMarkerNorm, markedNorm } from './fast.ts';
import type { SafetyVerdict } from './types.ts';

/** Types a policy publishes. Other types at a managed name (a user's TXT, NS, SOA) are never ours. */
export const MANAGED_TYPES: ReadonlySet<RecordType> = new Set<RecordType>(['A', 'AAAA', 'CNAME']);

export interface OwnershipView {
  /** Managed name → our marker record as read. */
  ourMarkers: Map<string, RecordSet>;
  /** Managed name → the other owner id its marker names ('' when the marker holds no owner=). */
  otherOwners: Map<string, string>;
  /** Name → records of managed types at it (markers, NS, SOA and other types excluded). */
  byName: Map<string, RecordSet[]>;
}

/** Splits normalised records (see src/model normaliseRecord) into markers and managed records by name. */
export function readOwnership(current: readonly RecordSet[], owner: string): OwnershipView {
  const view: OwnershipView = { ourMarkers: new Map(), otherOwners: new Map(), byName: new Map() };
  for (const r of current) {
    if (isMarkerNorm(r.name)) {
      if (r.type !== 'TXT') continue;
      const name = markedNorm(r.name);
      const who = markerOwner(r) ?? '';
      if (who === owner) view.ourMarkers.set(name, r);
      else view.otherOwners.set(name, who);
      continue;
    }
    if (!MANAGED_TYPES.has(r.type)) continue;
    const list = view.byName.get(r.name);
    if (list) list.push(r);
    else view.byName.set(r.name, [r]);
  }
  return view;
}

export interface OwnershipProblems {
  /** Desired names whose marker names another owner: refused always. */
  otherOwner: { name: string; owner: string }[];
  /** Desired names holding records of managed types but no marker: refused unless adopting. */
  foreign: { name: string; records: RecordSet[] }[];
}

export function ownershipProblems(view: OwnershipView, desiredNames: Iterable<string>): OwnershipProblems {
  const out: OwnershipProblems = { otherOwner: [], foreign: [] };
  for (const name of [...new Set(desiredNames)].sort()) {
    const other = view.otherOwners.get(name);
    if (other !== undefined && !view.ourMarkers.has(name)) out.otherOwner.push({ name, owner: other });
    else if (!view.ourMarkers.has(name) && (view.byName.get(name)?.length ?? 0) > 0) {
      out.foreign.push({ name, records: view.byName.get(name)! });
    }
  }
  return out;
}

function listNames(names: string[], max = 5): string {
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export function ownershipVerdict(
  p: OwnershipProblems,
  scope: string,
  owner: string,
  adopt: boolean,
): SafetyVerdict {
  if (p.otherOwner.length > 0) {
    const who = p.otherOwner.map((o) => `${o.name} (owner=${o.owner || '?'})`);
    return {
      check: 'ownership',
      ok: false,
      message: `${scope}: ${p.otherOwner.length} name(s) are owned by another controller: ${listNames(who)}; this controller is owner=${owner}. Neither --force nor --adopt overrides this: remove the record from config, or remove the other owner's _geofailover marker if that controller is gone`,
      measured: p.otherOwner.length,
      threshold: 0,
    };
  }
  if (p.foreign.length > 0 && !adopt) {
    const names = p.foreign.map((f) => `${f.name} (${f.records.map((r) => r.type).join(', ')})`);
    return {
      check: 'ownership',
      ok: false,
      message: `${scope}: ${p.foreign.length} name(s) hold records geofailover did not create (no _geofailover marker): ${listNames(names)}; re-run with --adopt to take them over (their records will be replaced as planned), or remove them from config`,
      measured: p.foreign.length,
      threshold: 0,
    };
  }
  if (p.foreign.length > 0) {
    return {
      check: 'ownership',
      ok: true,
      message: `${scope}: adopting ${p.foreign.length} name(s) with existing records: ${listNames(p.foreign.map((f) => f.name))}`,
      measured: p.foreign.length,
    };
  }
  return {
    check: 'ownership',
    ok: true,
    message: `${scope}: every managed name is owned by ${owner} or new`,
  };
}
