// Records mode, write side (pure): planner changes + the Cloudflare records we read -> batch
// operations grouped by name. A RecordSet is one Cloudflare record per value, so an update keeps the
// records whose value stays, re-points the others with a patch (fewer operations than delete + post,
// ids stay stable), and deletes or posts the difference. Marker creates/deletes become our owner tag
// and comment on every record at the name; no TXT marker is ever written (the one TXT record this
// adapter writes is the controller's writer lease, lease-ops.ts).
import { isIP } from 'node:net';
import {
  bareName,
  type Change,
  ConflictError,
  InvalidChangeError,
  isMarkerName,
  keyId,
  markedName,
  markerOwner,
  normaliseName,
  normaliseValue,
  type RecordSet,
  type RecordType,
  sameRecord,
} from '../../src/model/index.ts';
import type { CfRecord } from './list.ts';
import { ownerComment, tagOwners, withOwnerComment, withOwnerTag } from './ownership.ts';
import { buildRecordsView } from './records-view.ts';
import type { ZoneLookup } from './zone-config.ts';

/** A record body as the batch endpoint takes it (patches carry `id` too). */
export interface RecordBody {
  name: string;
  /** TXT only for the writer's lease (lease-ops.ts): no managed name is ever a TXT record. */
  type: 'A' | 'AAAA' | 'CNAME' | 'TXT';
  content: string;
  ttl: number;
  proxied: boolean;
  tags: string[];
  comment: string;
}

export interface NameOps {
  name: string;
  deletes: { id: string }[];
  patches: (RecordBody & { id: string })[];
  posts: RecordBody[];
}

export function opCount(n: NameOps): number {
  return n.deletes.length + n.patches.length + n.posts.length;
}

export interface OpsInput {
  provider: string;
  zone: string;
  owner: string;
  minTtl: number;
  changes: readonly Change[];
  /** Managed-type records by normalised name, as last read. */
  current: ReadonlyMap<string, CfRecord[]>;
  lookup: ZoneLookup;
}

function checkValue(type: string, value: string, ctx: { provider: string; zone: string; record: string }) {
  const ok = type === 'A' ? isIP(value) === 4 : type === 'AAAA' ? isIP(value) === 6 : isIP(value) === 0;
  if (!ok) {
    throw new InvalidChangeError(`${ctx.record}: "${value}" is not a valid ${type} value`, {
      ...ctx,
      value,
      remedy: `give ${type} records ${type === 'A' ? 'IPv4 addresses' : type === 'AAAA' ? 'IPv6 addresses' : 'host names'}`,
    });
  }
}

/** Compare-and-swap on what we read: the planner's `before` must be exactly what Cloudflare holds now. */
function checkBefore(input: OpsInput, c: Change, view: Map<string, RecordSet>): void {
  const key = keyId((c.before ?? c.after)!);
  const held = view.get(key);
  const ctx = { provider: input.provider, zone: input.zone, record: key, retryable: true };
  if (c.kind === 'create') {
    if (held) {
      throw new ConflictError(
        `cannot create ${key}: Cloudflare already holds it (${held.values.join(', ')})`,
        {
          ...ctx,
          remedy: 're-plan: the zone changed since it was read',
        },
      );
    }
    return;
  }
  if (!held || !sameRecord(held, c.before!)) {
    throw new ConflictError(
      `${key} changed since it was read (now ${held ? held.values.join(', ') : 'absent'})`,
      {
        ...ctx,
        remedy: 're-plan: the zone changed since it was read',
      },
    );
  }
}

export function recordOps(input: OpsInput): NameOps[] {
  const { owner, lookup } = input;
  // The view of the records we were given, to check each change's `before` against.
  const all = [...input.current.values()].flat();
  const names = [...input.current.keys()];
  const seen = buildRecordsView(all, owner, names, lookup);
  const view = new Map(seen.sets.map((s) => [keyId(s), s]));

  const markerOn = new Map<string, boolean>();
  const setChanges = new Map<string, Change[]>();
  for (const c of input.changes) {
    const r = (c.after ?? c.before)!;
    if (isMarkerName(r.name)) {
      const name = markedName(r.name);
      if (c.kind === 'create' && markerOwner(c.after!) !== owner) {
        throw new InvalidChangeError(`refusing to write a marker for another owner at ${name}`, {
          provider: input.provider,
          zone: input.zone,
          record: name,
        });
      }
      if (c.kind !== 'create' && !seen.ours.has(name)) checkBefore(input, c, view);
      markerOn.set(name, c.kind !== 'delete');
      continue;
    }
    checkBefore(input, c, view);
    const name = normaliseName(r.name);
    setChanges.set(name, [...(setChanges.get(name) ?? []), c]);
  }

  const out: NameOps[] = [];
  for (const name of [...new Set([...markerOn.keys(), ...setChanges.keys()])].sort()) {
    const marked = markerOn.get(name) ?? seen.ours.has(name);
    const ops: NameOps = { name, deletes: [], patches: [], posts: [] };
    const existing = input.current.get(name) ?? [];
    const changed = new Map<string, Change>();
    for (const c of setChanges.get(name) ?? []) changed.set((c.after ?? c.before)!.type, c);
    if (existing.some((r) => tagOwners(r.tags).some((o) => o !== owner))) {
      throw new InvalidChangeError(`${name} carries another owner's tag; refusing to change it`, {
        provider: input.provider,
        zone: input.zone,
        record: name,
        remedy: 'remove the record from config, or the other owner tag if that controller is gone',
      });
    }

    const body = (type: RecordType, content: string, ttl: number, r?: CfRecord): RecordBody => {
      const proxied = lookup.proxied(name, type);
      // Proxied records are Auto (1) whatever we send; DNS-only ones take the planned ttl.
      const sendTtl = proxied ? 1 : ttl;
      const record = `${bareName(name)} ${type}`;
      if (!proxied && sendTtl !== 1 && (sendTtl < input.minTtl || sendTtl > 86_400)) {
        throw new InvalidChangeError(`${record}: ttl ${sendTtl} is outside Cloudflare's range`, {
          provider: input.provider,
          zone: input.zone,
          record,
          value: sendTtl,
          limit: `1 (Auto) or ${input.minTtl}-86400`,
          remedy: `set ttl to 1 or ${input.minTtl}-86400 (minTtl 30 needs an Enterprise plan)`,
        });
      }
      checkValue(type, content, { provider: input.provider, zone: input.zone, record });
      return {
        name: bareName(name),
        type: type as RecordBody['type'],
        content: type === 'CNAME' ? bareName(content) : content,
        ttl: sendTtl,
        proxied,
        tags: withOwnerTag(r?.tags, owner, marked),
        comment: r ? withOwnerComment(r.comment, owner, marked) : ownerComment(owner),
      };
    };
    const sameBody = (r: CfRecord, b: RecordBody) =>
      normaliseValue(b.type, r.content) === normaliseValue(b.type, b.content) &&
      r.ttl === b.ttl &&
      r.proxied === b.proxied &&
      r.comment === b.comment &&
      r.tags.length === b.tags.length &&
      r.tags.every((t, i) => t === b.tags[i]);

    const types = new Set([...existing.map((r) => r.type), ...changed.keys()]);
    for (const type of [...types].sort()) {
      const recs = existing.filter((r) => r.type === type);
      const c = changed.get(type);
      if (!c) {
        // Untouched set at a touched name: only the ownership tag/comment may change.
        for (const r of recs) {
          const b = {
            name: bareName(name),
            type: type as RecordBody['type'],
            content: r.content,
            ttl: r.ttl,
            proxied: r.proxied,
            tags: withOwnerTag(r.tags, owner, marked),
            comment: withOwnerComment(r.comment, owner, marked),
          };
          if (!sameBody(r, b)) ops.patches.push({ id: r.id, ...b });
        }
        continue;
      }
      if (c.kind === 'delete') {
        ops.deletes.push(...recs.map((r) => ({ id: r.id })));
        continue;
      }
      const after = c.after!;
      const want = after.values.map((v) => normaliseValue(after.type, v));
      const keep = new Map<string, CfRecord>();
      const spare: CfRecord[] = [];
      for (const r of recs) {
        const v = normaliseValue(after.type, r.content);
        if (want.includes(v) && !keep.has(v)) keep.set(v, r);
        else spare.push(r);
      }
      for (const v of want) {
        const r = keep.get(v) ?? spare.shift();
        const b = body(after.type, v, after.ttl, r);
        if (!r) ops.posts.push(b);
        else if (!sameBody(r, b)) ops.patches.push({ id: r.id, ...b });
      }
      ops.deletes.push(...spare.map((r) => ({ id: r.id })));
    }
    if (opCount(ops) > 0) out.push(ops);
  }
  return out;
}

/** Packs names into batches of at most `size` operations; a name's operations never straddle two. */
export function packBatches(
  ops: readonly NameOps[],
  size: number,
  ctx: { provider: string; zone: string },
): NameOps[][] {
  const batches: NameOps[][] = [];
  let cur: NameOps[] = [];
  let n = 0;
  for (const o of ops) {
    const k = opCount(o);
    if (k > size) {
      throw new InvalidChangeError(`${o.name} needs ${k} operations, more than batchSize ${size}`, {
        ...ctx,
        record: o.name,
        value: k,
        limit: size,
        remedy: 'raise the provider batchSize (paid plans allow 3,500) or publish fewer values at this name',
      });
    }
    if (n + k > size && cur.length > 0) {
      batches.push(cur);
      cur = [];
      n = 0;
    }
    cur.push(o);
    n += k;
  }
  if (cur.length > 0) batches.push(cur);
  return batches;
}
