// The store's journal (per-write diffs kept in the store file), rebuilding an old zone version from
// it, and RFC 1982 serial comparison.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZoneStore } from '../../../providers/builtin/index.ts';
import {
  appendJournal,
  diffZone,
  JOURNAL_MAX_ENTRIES,
  type JournalEntry,
  zoneAt,
} from '../../../providers/builtin/journal.ts';
import { serialCompare } from '../../../providers/builtin/serial.ts';
import type { RecordSet } from '../../../src/model/index.ts';

const A = (name: string, values: string[], extra: Partial<RecordSet> = {}): RecordSet => ({
  name,
  type: 'A',
  ttl: 30,
  values,
  ...extra,
});
const Z = 'example.com.';

describe('journal', () => {
  it('diffs by name, type and set id; an update is a removal and an addition', () => {
    const before = [
      A('a.example.com.', ['192.0.2.1']),
      A('w.example.com.', ['192.0.2.2'], { setId: 'us', weight: 1 }),
    ];
    const after = [
      A('a.example.com.', ['192.0.2.9']),
      A('w.example.com.', ['192.0.2.2'], { setId: 'us', weight: 1 }),
    ];
    expect(diffZone(before, after)).toEqual({ removed: [before[0]], added: [after[0]] });
    expect(diffZone(before, before)).toBeUndefined();
  });

  it('rebuilds any version the journal reaches, and nothing before or across a gap', () => {
    const v1 = [A('a.example.com.', ['192.0.2.1'])];
    const v2 = [A('a.example.com.', ['192.0.2.2'])];
    const v3 = [...v2, A('b.example.com.', ['192.0.2.3'])];
    let j = appendJournal(undefined, { [Z]: v1 }, { [Z]: v2 }, 1, 2);
    j = appendJournal(j, { [Z]: v2 }, { [Z]: v3 }, 2, 3);
    expect(zoneAt(Z, v3, 3, j, 1)).toEqual(v1);
    expect(zoneAt(Z, v3, 3, j, 2)).toEqual(v2);
    expect(zoneAt(Z, v3, 3, j, 3)).toEqual(v3);
    expect(zoneAt(Z, v3, 3, j, 0)).toBeUndefined();
    // A journal that does not end at the current serial (a foreign write) cannot answer.
    expect(zoneAt(Z, v3, 4, j, 1)).toBeUndefined();
    // A write whose base does not continue the journal starts a new one.
    expect(appendJournal(j, { [Z]: v3 }, { [Z]: v1 }, 7, 8)).toHaveLength(1);
    const gap: JournalEntry[] = [j[0]!, { ...j[1]!, from: 9 }];
    expect(zoneAt(Z, v3, 3, gap, 1)).toBeUndefined();
  });

  it('keeps the journal bounded, dropping the oldest entries', () => {
    let j: JournalEntry[] | undefined;
    let zone = [A('a.example.com.', ['192.0.2.0'])];
    for (let i = 1; i <= JOURNAL_MAX_ENTRIES + 20; i++) {
      const next = [A('a.example.com.', [`192.0.2.${i % 250}`])];
      j = appendJournal(j, { [Z]: zone }, { [Z]: next }, i, i + 1);
      zone = next;
    }
    expect(j).toHaveLength(JOURNAL_MAX_ENTRIES);
    expect(j![0]!.from).toBe(21);
  });

  it('is written with the records by the zone store, in the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-journal-'));
    try {
      const store = new ZoneStore(join(dir, 'zones.json'));
      store.loadOrEmpty();
      await store.update(() => ({ [Z]: [A('a.example.com.', ['192.0.2.1'])] }));
      await store.update(() => ({ [Z]: [A('a.example.com.', ['192.0.2.2'])] }));
      const file = JSON.parse(readFileSync(join(dir, 'zones.json'), 'utf8'));
      expect(file.serial).toBe(2);
      expect(file.journal.map((e: JournalEntry) => [e.from, e.to])).toEqual([
        [0, 1],
        [1, 2],
      ]);
      // Another process reading the file gets the same journal.
      const other = new ZoneStore(join(dir, 'zones.json'));
      const snap = other.load();
      expect(zoneAt(Z, snap.zones[Z]!, snap.serial, snap.journal, 1)).toEqual([
        A('a.example.com.', ['192.0.2.1']),
      ]);
      expect(zoneAt(Z, snap.zones[Z]!, snap.serial, snap.journal, 0)).toEqual([]);
      store.close();
      other.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('serial arithmetic (RFC 1982)', () => {
  it('orders serials across the wrap', () => {
    expect(serialCompare(1, 2)).toBe(-1);
    expect(serialCompare(2, 2)).toBe(0);
    expect(serialCompare(0xffffffff, 1)).toBe(-1); // the store wraps 0xffffffff -> 1: still an increase
    expect(serialCompare(1, 0xffffffff)).toBe(1);
    expect(serialCompare(4_000_000_000, 3)).toBe(-1);
    expect(serialCompare(0, 2 ** 31)).toBeUndefined();
  });
});

describe('a damaged journal', () => {
  it('is dropped (IXFR falls back to AXFR) while the records still load', async () => {
    const { parseStore } = await import('../../../providers/builtin/index.ts');
    const data = parseStore(
      JSON.stringify({
        version: 1,
        serial: 2,
        zones: { [Z]: [A('a.example.com.', ['192.0.2.1'])] },
        journal: [{ from: 1, to: 'two', zones: {} }],
      }),
      'zones.json',
    );
    expect(data.zones[Z]).toHaveLength(1);
    expect(data.journal).toBeUndefined();
  });
});
