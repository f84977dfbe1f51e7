// The zone store's journal: what each write changed, per zone, so the DNS server can answer IXFR
// (RFC 1995) with a diff from a secondary's serial. It lives in the store file itself, written in the
// same atomic replace as the records, so every process (and every worker) that reads the file sees a
// journal that matches its records. Pure functions; the store calls them inside its write.
import type { RecordSet } from '../../src/model/index.ts';

export interface ZoneDiff {
  removed: RecordSet[];
  added: RecordSet[];
}

/** One store write: serial `from` → `to`, and the zones whose records it changed. */
export interface JournalEntry {
  from: number;
  to: number;
  zones: Record<string, ZoneDiff>;
}

/** Bounds on the journal kept in the store file (older entries are dropped first). */
export const JOURNAL_MAX_ENTRIES = 200;
export const JOURNAL_MAX_RECORDS = 20_000;

const keyOf = (r: RecordSet) => `${r.name}|${r.type}|${r.setId ?? ''}`;

/** What changed in one zone: record sets (by name, type, set id) removed or added (an update is both). */
export function diffZone(before: readonly RecordSet[], after: readonly RecordSet[]): ZoneDiff | undefined {
  const old = new Map(before.map((r) => [keyOf(r), r]));
  const now = new Map(after.map((r) => [keyOf(r), r]));
  const removed: RecordSet[] = [];
  const added: RecordSet[] = [];
  for (const [k, r] of old) {
    const n = now.get(k);
    if (!n || JSON.stringify(n) !== JSON.stringify(r)) removed.push(r);
  }
  for (const [k, r] of now) {
    const o = old.get(k);
    if (!o || JSON.stringify(o) !== JSON.stringify(r)) added.push(r);
  }
  return removed.length + added.length === 0 ? undefined : { removed, added };
}

/** The journal after a write from `from` to `to`, trimmed to its bounds. */
export function appendJournal(
  journal: readonly JournalEntry[] | undefined,
  before: Readonly<Record<string, readonly RecordSet[]>>,
  after: Readonly<Record<string, readonly RecordSet[]>>,
  from: number,
  to: number,
): JournalEntry[] {
  const zones: Record<string, ZoneDiff> = {};
  for (const apex of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = diffZone(before[apex] ?? [], after[apex] ?? []);
    if (d) zones[apex] = d;
  }
  // A journal that does not end at `from` (the file was written by something without one) is useless.
  const prior = journal && journal.length > 0 && journal[journal.length - 1]!.to === from ? journal : [];
  const out = [...prior, { from, to, zones }];
  let records = out.reduce((n, e) => n + sizeOf(e), 0);
  while (out.length > JOURNAL_MAX_ENTRIES || (records > JOURNAL_MAX_RECORDS && out.length > 1)) {
    records -= sizeOf(out.shift()!);
  }
  return out;
}

function sizeOf(e: JournalEntry): number {
  let n = 0;
  for (const d of Object.values(e.zones)) n += d.removed.length + d.added.length;
  return n;
}

/**
 * A zone's records as they were at serial `serial`, rebuilt from the current records by undoing the
 * journal's later entries; undefined when the journal does not reach back that far (answer with AXFR).
 */
export function zoneAt(
  apex: string,
  current: readonly RecordSet[],
  currentSerial: number,
  journal: readonly JournalEntry[] | undefined,
  serial: number,
): RecordSet[] | undefined {
  if (serial === currentSerial) return [...current];
  if (!journal || journal.length === 0 || journal[journal.length - 1]!.to !== currentSerial) return undefined;
  const start = journal.findIndex((e) => e.from === serial);
  if (start < 0) return undefined;
  for (let i = start + 1; i < journal.length; i++)
    if (journal[i]!.from !== journal[i - 1]!.to) return undefined;
  const records = new Map(current.map((r) => [keyOf(r), r]));
  for (let i = journal.length - 1; i >= start; i--) {
    const d = journal[i]!.zones[apex];
    if (!d) continue;
    for (const r of d.added) records.delete(keyOf(r));
    for (const r of d.removed) records.set(keyOf(r), r);
  }
  return [...records.values()];
}
