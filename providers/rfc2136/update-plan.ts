// Pure: the zone as read + the planner's changes → the RRset rewrites, grouped by managed name, each
// group carrying its RFC 2136 §2.4 prerequisites (every RRset it rewrites must still hold exactly
// what was read, or not exist when it did not), so a concurrent change makes the server refuse the
// whole message (NXRRSET/YXRRSET) instead of our write landing on top of it. A name's records and its
// marker TXT always travel in one group, so they are never split across two messages.
import {
  type Change,
  ConflictError,
  InvalidChangeError,
  inZone,
  isMarkerName,
  keyId,
  markedName,
  markerName,
  normaliseName,
  normaliseRecord,
  type RecordSet,
  sameRecord,
} from '../../src/model/index.ts';
import { encodeSet, publishedValues } from './weighted-state.ts';
import { CLASS, encodeRR, txtData } from './wire.ts';
import { otherTypesByName, type RawRRset, rrsetKey, type Snapshot } from './zone-view.ts';

const WRITABLE = ['A', 'AAAA', 'CNAME', 'TXT'] as const;

export interface RRsetWrite {
  name: string;
  type: string;
  before?: RawRRset;
  after?: { ttl: number; values: string[] };
}

/** Everything written for one managed name (its records and its marker): never split. */
export interface NameGroup {
  name: string;
  writes: RRsetWrite[];
  prereqs: Buffer[];
  updates: Buffer[];
  /** Bytes the group adds to a message. */
  size: number;
}

export interface Scope {
  provider: string;
  zone: string;
  server: string;
}

function describe(r: RecordSet): string {
  return `${keyId(r)} ttl ${r.ttl} [${r.values.join(', ')}]${r.weight === undefined ? '' : ` weight ${r.weight}`}`;
}

function rdata(type: string, value: string): unknown {
  return type === 'TXT' ? txtData(value) : type === 'CNAME' ? value.replace(/\.$/, '') : value;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Applies the changes to the logical records read, refusing any whose `before` is not what was read. */
function applyChanges(
  logical: readonly RecordSet[],
  changes: readonly Change[],
  scope: Scope,
): { final: Map<string, RecordSet>; names: Set<string> } {
  const where = `rfc2136 provider ${scope.provider}, zone ${scope.zone} (server ${scope.server})`;
  const final = new Map(logical.map((r) => [keyId(r), normaliseRecord(r)]));
  const names = new Set<string>();
  const seen = new Set<string>();
  for (const c of changes) {
    const subject = c.after ?? c.before;
    if (!subject)
      throw new InvalidChangeError(`${where}: a ${c.kind} change carries no record; nothing was written`, {
        ...scope,
        remedy: 'this is a planner fault; report it',
      });
    const s = normaliseRecord(subject);
    const key = keyId(s);
    const ctx = { provider: scope.provider, zone: scope.zone, record: key };
    if (seen.has(key))
      throw new InvalidChangeError(
        `${where}: record ${key} appears twice in one change set; nothing was written`,
        {
          ...ctx,
          remedy: 'plan each record once per apply',
        },
      );
    seen.add(key);
    if (!inZone(s.name, scope.zone))
      throw new InvalidChangeError(`${where}: record ${key} is outside the zone; nothing was written`, {
        ...ctx,
        remedy: 'change only records inside the zone',
      });
    if (!(WRITABLE as readonly string[]).includes(s.type))
      throw new InvalidChangeError(
        `${where}: record ${key}: type ${s.type} is never written by geofailover; nothing was written`,
        {
          ...ctx,
          remedy: 'take the record out of config',
        },
      );
    if (s.geo !== undefined)
      throw new InvalidChangeError(
        `${where}: record ${key} is a geo record; standard DNS has one answer for every client, so RFC 2136 cannot express it; nothing was written`,
        {
          ...ctx,
          remedy:
            'serve this zone from the builtin server, or use Route 53 or Cloudflare load-balancer mode for geo records',
        },
      );
    const current = final.get(key);
    const lost = (what: string) =>
      new ConflictError(
        `${where}: record ${key} changed since the plan read it (${what}); nothing was written`,
        {
          ...ctx,
          retryable: true,
          remedy:
            're-read the zone and plan again (the next reconcile does this); never retry the same change set',
        },
      );
    if (c.kind === 'create' && current) throw lost(`it now exists: ${describe(current)}`);
    if (c.kind !== 'create') {
      const before = c.before ? normaliseRecord(c.before) : undefined;
      if (!before || !current || !sameRecord(before, current))
        throw lost(current ? `it is ${describe(current)}` : 'it no longer exists');
    }
    if (c.kind === 'delete') final.delete(key);
    else final.set(key, s);
    names.add(isMarkerName(s.name) ? markedName(s.name) : s.name);
  }
  return { final, names };
}

/** The RRsets a managed name should hold after the changes: its records per type and its marker. */
function finalRRsets(
  name: string,
  records: readonly RecordSet[],
  scope: Scope,
): Map<string, { ttl: number; values: string[] }> {
  const out = new Map<string, { ttl: number; values: string[] }>();
  const sets: RecordSet[] = [];
  for (const type of WRITABLE) {
    const here = records.filter((r) => r.name === name && r.type === type);
    if (here.length === 0) continue;
    const plain = here.filter((r) => r.setId === undefined);
    const weighted = here.filter((r) => r.setId !== undefined);
    sets.push(...weighted);
    const values = [...new Set([...plain.flatMap((r) => r.values), ...publishedValues(weighted)])].sort();
    out.set(type, { ttl: Math.min(...here.map((r) => r.ttl)), values });
  }
  const mName = markerName(name);
  const marker = records.find((r) => r.name === mName && r.type === 'TXT' && r.setId === undefined);
  if (sets.length > 0 && !marker)
    throw new InvalidChangeError(
      `rfc2136 provider ${scope.provider}, zone ${scope.zone}: weighted records at ${name} need its ownership marker, which the change set removes; nothing was written`,
      {
        provider: scope.provider,
        zone: scope.zone,
        record: name,
        remedy: 'this is a planner fault; report it',
      },
    );
  if (marker) {
    const state = [...sets].sort((a, b) => (keyId(a) < keyId(b) ? -1 : 1)).map(encodeSet);
    out.set(`marker`, { ttl: marker.ttl, values: [...marker.values, ...state].sort() });
  }
  const cname = out.get('CNAME');
  if (cname && cname.values.length > 1)
    throw new InvalidChangeError(
      `rfc2136 provider ${scope.provider}, zone ${scope.zone}: ${name} CNAME would hold ${cname.values.length} targets (${cname.values.join(', ')}); a CNAME has exactly one; nothing was written`,
      {
        provider: scope.provider,
        zone: scope.zone,
        record: `${name} CNAME`,
        value: cname.values,
        remedy:
          'give each region one CNAME endpoint, use a failover policy, or publish A/AAAA records instead',
      },
    );
  return out;
}

function prereqOf(name: string, type: string, before: RawRRset | undefined): Buffer[] {
  // RFC 2136 §2.4.2 (value dependent: class IN, TTL 0, the exact RRs) or §2.4.3 (class NONE, no data).
  if (!before) return [encodeRR({ name, type, class: CLASS.NONE, ttl: 0 })];
  return before.data.map((data) => encodeRR({ name, type, class: CLASS.IN, ttl: 0, data }));
}

function updatesOf(w: RRsetWrite): Buffer[] {
  const out: Buffer[] = [];
  // §2.5.2 delete the RRset (class ANY, no data), then §2.5.1 add each RR: a replacement.
  if (w.before) out.push(encodeRR({ name: w.name, type: w.type, class: CLASS.ANY, ttl: 0 }));
  for (const v of w.after?.values ?? [])
    out.push(
      encodeRR({ name: w.name, type: w.type, class: CLASS.IN, ttl: w.after!.ttl, data: rdata(w.type, v) }),
    );
  return out;
}

/** The groups of RRset rewrites that take the zone from `snapshot` to what the changes say. */
export function planUpdate(
  snapshot: Snapshot,
  logical: readonly RecordSet[],
  changes: readonly Change[],
  scope: Scope,
): NameGroup[] {
  const { final, names } = applyChanges(logical, changes, { ...scope, zone: normaliseName(scope.zone) });
  // Records by owner name (a marker under its own name), so each touched name looks at its own only.
  const otherTypes = otherTypesByName(snapshot);
  const byName = new Map<string, RecordSet[]>();
  for (const r of final.values()) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const groups: NameGroup[] = [];
  for (const name of [...names].sort()) {
    const want = finalRRsets(
      name,
      [...(byName.get(name) ?? []), ...(byName.get(markerName(name)) ?? [])],
      scope,
    );
    const writes: RRsetWrite[] = [];
    for (const slot of [...WRITABLE, 'marker'] as const) {
      const after = want.get(slot);
      const rrName = slot === 'marker' ? markerName(name) : name;
      const type = slot === 'marker' ? 'TXT' : slot;
      const before = snapshot.get(rrsetKey(rrName, type));
      if (!before && !after) continue;
      if (before && after && before.ttl === after.ttl && sameSet(before.values, after.values)) continue;
      writes.push({ name: rrName, type, ...(before ? { before } : {}), ...(after ? { after } : {}) });
    }
    if (writes.length === 0) continue;
    const cnameAfter = want.has('CNAME');
    const others = otherTypes.get(name) ?? [];
    if (cnameAfter && (want.has('A') || want.has('AAAA') || want.has('TXT') || others.length > 0))
      throw new InvalidChangeError(
        `rfc2136 provider ${scope.provider}, zone ${scope.zone}: ${name} would hold a CNAME beside other data (${[...want.keys(), ...others].filter((t) => t !== 'CNAME' && t !== 'marker').join(', ')}); DNS forbids that and the server would silently ignore the add; nothing was written`,
        {
          provider: scope.provider,
          zone: scope.zone,
          record: `${name} CNAME`,
          remedy: 'remove the other records at that name, or manage A/AAAA records instead of a CNAME',
        },
      );
    const prereqs = writes.flatMap((w) => prereqOf(w.name, w.type, w.before));
    // A server ignores A/AAAA adds at a name that holds a CNAME and vice versa (RFC 2136 §3.4.2.2):
    // make that a failed prerequisite instead of a silent no-op.
    const touched = new Set(writes.map((w) => `${w.name} ${w.type}`));
    const absent = (t: string) => !snapshot.has(rrsetKey(name, t)) && !touched.has(`${name} ${t}`);
    if ((want.has('A') || want.has('AAAA')) && absent('CNAME'))
      prereqs.push(...prereqOf(name, 'CNAME', undefined));
    if (cnameAfter)
      for (const t of ['A', 'AAAA']) if (absent(t)) prereqs.push(...prereqOf(name, t, undefined));
    const updates = writes.flatMap(updatesOf);
    const size = [...prereqs, ...updates].reduce((n, b) => n + b.length, 0);
    groups.push({ name, writes, prereqs, updates, size });
  }
  return groups;
}

/** Packs groups into messages of at most `budget` bytes of RRs, in order; a group never splits. */
export function packGroups(groups: readonly NameGroup[], budget: number, scope: Scope): NameGroup[][] {
  const out: NameGroup[][] = [];
  let cur: NameGroup[] = [];
  let used = 0;
  for (const g of groups) {
    if (g.size > budget)
      throw new InvalidChangeError(
        `rfc2136 provider ${scope.provider}, zone ${scope.zone}: the records at ${g.name} need ${g.size} bytes in one UPDATE message, over the ${budget} bytes a message can carry; nothing was written`,
        {
          provider: scope.provider,
          zone: scope.zone,
          record: g.name,
          value: g.size,
          limit: budget,
          remedy: 'publish fewer values at that name',
        },
      );
    if (used + g.size > budget && cur.length > 0) {
      out.push(cur);
      cur = [];
      used = 0;
    }
    cur.push(g);
    used += g.size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
