// Turns a change set into as few ChangeResourceRecordSets batches as Route 53's limits allow. Updates
// become DELETE(exact before) + CREATE(after): a compare-and-swap, and no UPSERT (which counts twice).
// A name, its weighted/geo siblings and its ownership marker always travel in the same batch.
import type { Change as WireChange } from '@aws-sdk/client-route-53';
import {
  type Change,
  InvalidChangeError,
  isMarkerName,
  markedName,
  normaliseName,
} from '../../src/model/index.ts';
import { toWire, valueChars } from './mapping.ts';

export const REQUEST_LIMITS = { maxRecords: 1000, maxChars: 32_000 } as const;
export type RequestLimits = { maxRecords: number; maxChars: number };

export interface ChangeGroup {
  /** The managed name (a marker's changes are grouped with the name it marks). */
  name: string;
  changes: WireChange[];
  /** ResourceRecord elements, as the 1,000 limit counts them (UPSERT twice). */
  records: number;
  /** Characters of values, as the 32,000 limit counts them (UPSERT twice). */
  chars: number;
  /** Our changes in this group (for the applied count). */
  count: number;
}

export interface Batch {
  changes: WireChange[];
  records: number;
  chars: number;
  /** Our changes (create/update/delete) carried by this batch. */
  count: number;
  names: string[];
}

function weight(c: WireChange): { records: number; chars: number } {
  const twice = c.Action === 'UPSERT' ? 2 : 1;
  const rr = c.ResourceRecordSet!;
  return { records: (rr.ResourceRecords?.length ?? 0) * twice, chars: valueChars(rr) * twice };
}

/** Groups changes by managed name; within a group every DELETE precedes every CREATE. */
export function groupChanges(changes: readonly Change[]): ChangeGroup[] {
  const groups = new Map<string, { deletes: WireChange[]; creates: WireChange[]; count: number }>();
  for (const c of changes) {
    const rec = c.after ?? c.before!;
    const n = normaliseName(rec.name);
    const name = isMarkerName(n) ? markedName(n) : n;
    let g = groups.get(name);
    if (!g) {
      g = { deletes: [], creates: [], count: 0 };
      groups.set(name, g);
    }
    g.count++;
    if (c.kind !== 'create') g.deletes.push({ Action: 'DELETE', ResourceRecordSet: toWire(c.before!) });
    if (c.kind !== 'delete') g.creates.push({ Action: 'CREATE', ResourceRecordSet: toWire(c.after!) });
  }
  return [...groups].map(([name, g]) => {
    const all = [...g.deletes, ...g.creates];
    const w = all.map(weight);
    return {
      name,
      changes: all,
      records: w.reduce((n, x) => n + x.records, 0),
      chars: w.reduce((n, x) => n + x.chars, 0),
      count: g.count,
    };
  });
}

/**
 * Packs groups into batches in order (first fit into the open batch, else a new one). One group
 * larger than a whole request is an error naming it: it can never be applied atomically.
 */
export function packBatches(groups: readonly ChangeGroup[], limits: RequestLimits = REQUEST_LIMITS): Batch[] {
  const out: Batch[] = [];
  let open: Batch | undefined;
  for (const g of groups) {
    if (g.records > limits.maxRecords || g.chars > limits.maxChars)
      throw new InvalidChangeError(
        `route53: the changes to ${g.name} need ${g.records} records / ${g.chars} characters, over one request's limit`,
        {
          record: g.name,
          provider: 'route53',
          value: { records: g.records, chars: g.chars },
          limit: limits,
          remedy: 'publish fewer values at this name',
        },
      );
    if (!open || open.records + g.records > limits.maxRecords || open.chars + g.chars > limits.maxChars) {
      open = { changes: [], records: 0, chars: 0, count: 0, names: [] };
      out.push(open);
    }
    open.changes.push(...g.changes);
    open.records += g.records;
    open.chars += g.chars;
    open.count += g.count;
    open.names.push(g.name);
  }
  return out;
}

export function planBatches(changes: readonly Change[], limits: RequestLimits = REQUEST_LIMITS): Batch[] {
  return packBatches(groupChanges(changes), limits);
}
