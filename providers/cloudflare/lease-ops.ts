// The controller's writer lease (src/model/lease.ts) on Cloudflare, in both modes (pure): a TXT
// record at `<owner>._geofailover-lease.<zone>`, read only when asked for by name and written as one
// DNS record through the batch endpoint. It carries no owner tag: the tag marks a *managed name* (the
// planner would see a marker at the lease name and plan to remove it), and the lease is never one.
import {
  bareName,
  type Change,
  ConflictError,
  InvalidChangeError,
  isLeaseChange,
  isLeaseName,
  keyId,
  normaliseName,
  normaliseRecord,
  type RecordSet,
  sameRecord,
} from '../../src/model/index.ts';
import type { CfRecord } from './list.ts';
import { ownerComment } from './ownership.ts';
import type { NameOps } from './records-ops.ts';

const isLease = (r: { name: string; type: string }) => r.type === 'TXT' && isLeaseName(r.name);

/** Lease records at the query names, as RecordSets (Cloudflare keeps one record per value). */
export function leaseSets(records: readonly CfRecord[], queryNames: readonly string[]): RecordSet[] {
  const query = new Set(queryNames.map(normaliseName));
  const byName = new Map<string, CfRecord[]>();
  for (const r of records) {
    const name = normaliseName(r.name);
    if (!isLease(r) || !query.has(name)) continue;
    byName.set(name, [...(byName.get(name) ?? []), r]);
  }
  return [...byName].map(([name, rs]) =>
    normaliseRecord({ name, type: 'TXT', ttl: rs[0]!.ttl, values: rs.map((r) => r.content) }),
  );
}

/**
 * The batch operations of lease changes, checked against a fresh read (compare-and-swap: a create
 * needs the name empty, an update or delete the exact record read).
 */
export function leaseOps(
  changes: readonly Change[],
  records: readonly CfRecord[],
  ctx: { provider: string; zone: string; owner: string },
): NameOps[] {
  const out: NameOps[] = [];
  for (const c of changes) {
    const r = (c.after ?? c.before)!;
    const name = normaliseName(r.name);
    const key = keyId(r);
    if (!isLeaseChange(c)) {
      throw new InvalidChangeError(`${key} is not a lease record; a lease change is sent on its own`, {
        ...ctx,
        record: key,
        remedy: 'send lease changes apart from planned changes (the lease keeper does)',
      });
    }
    const existing = records.filter((x) => x.type === 'TXT' && normaliseName(x.name) === name);
    const held = leaseSets(existing, [name])[0];
    const lost =
      c.kind === 'create' ? held !== undefined : !held || !sameRecord(held, normaliseRecord(c.before!));
    if (lost) {
      throw new ConflictError(
        `${key} changed since it was read (now ${held ? held.values.join(', ') : 'absent'})`,
        {
          ...ctx,
          record: key,
          retryable: true,
          remedy: 'read the lease again and retry',
        },
      );
    }
    const ops: NameOps = { name, deletes: [], patches: [], posts: [] };
    if (c.kind === 'delete') ops.deletes.push(...existing.map((x) => ({ id: x.id })));
    else {
      const after = c.after!;
      const body = {
        name: bareName(name),
        type: 'TXT' as const,
        // Quoted: Cloudflare serves unquoted TXT content with spaces as it likes; quotes make it one string.
        content: `"${after.values[0]!}"`,
        ttl: after.ttl,
        proxied: false,
        tags: [],
        comment: ownerComment(ctx.owner),
      };
      const [first, ...rest] = existing;
      if (first) ops.patches.push({ id: first.id, ...body });
      else ops.posts.push(body);
      ops.deletes.push(...rest.map((x) => ({ id: x.id })));
    }
    out.push(ops);
  }
  return out;
}
