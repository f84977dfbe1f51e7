// ZoneStore: the builtin provider's records, held in memory and persisted to one JSON file.
// In-process subscribers (the DNS server) hear about every write at once; a file watcher lets a
// standalone dns-server pick up writes another process (the controller) made.
import { type FSWatcher, statSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../../src/log/index.ts';
import type { RecordSet } from '../../src/model/index.ts';
import { ZoneStoreError } from './errors.ts';
import { appendJournal, type JournalEntry } from './journal.ts';
import { emptyStore, readStoreFile, type StoreData, writeStoreFile } from './store-file.ts';

/** An immutable view of the store at one serial. `generation` changes on every in-memory replace. */
export interface StoreSnapshot {
  readonly serial: number;
  readonly generation: number;
  readonly zones: Readonly<Record<string, readonly RecordSet[]>>;
  /** Recent writes' diffs (journal.ts), for IXFR; may be absent or not reach back far. */
  readonly journal?: readonly JournalEntry[];
}

export type StoreListener = (snapshot: StoreSnapshot) => void;

export interface ZoneStoreOptions {
  logger?: Logger;
  /** Stat poll interval of the watcher fallback (fs.watch misses events on some filesystems). */
  pollMs?: number;
}

export class ZoneStore {
  readonly file: string;
  private current: StoreSnapshot;
  private generation = 0;
  private readonly listeners = new Set<StoreListener>();
  private readonly logger: Logger | undefined;
  private readonly pollMs: number;
  private loaded = false;
  private writing: Promise<unknown> = Promise.resolve();
  private watcher: FSWatcher | undefined;
  private poller: NodeJS.Timeout | undefined;
  private lastStat = '';
  private lastProblem = '';

  constructor(file: string, options: ZoneStoreOptions = {}) {
    this.file = file;
    this.logger = options.logger;
    this.pollMs = options.pollMs ?? 1000;
    this.current = this.freeze(emptyStore());
  }

  /** Read the file; throws ZoneStoreError when it is missing, truncated or invalid. */
  load(): StoreSnapshot {
    const stat = this.statKey();
    const data = readStoreFile(this.file);
    this.lastStat = stat;
    this.loaded = true;
    return this.replace(data);
  }

  /** Like load(), but a missing file means empty zones (first use; the first write creates it). */
  loadOrEmpty(): StoreSnapshot {
    try {
      return this.load();
    } catch (err) {
      if (err instanceof ZoneStoreError && err.problem === 'missing') {
        this.loaded = true;
        return this.current;
      }
      throw err;
    }
  }

  /** The data as of the last load, write or watcher pickup. */
  snapshot(): StoreSnapshot {
    return this.current;
  }

  /** Hear about every new snapshot (writes here and, with watch(), writes by other processes). */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Read-modify-write, serialised within this process. `fn` gets the freshest data (the file is
   * re-read first, so a write by another process is not lost) and returns the zones to store, or
   * throws to abort with nothing written. The serial is bumped on every write.
   */
  update(fn: (data: StoreData) => Record<string, RecordSet[]>): Promise<StoreSnapshot> {
    const run = this.writing.then(async () => {
      const base = this.fresh();
      const zones = fn(base);
      const serial = nextSerial(base.serial);
      const journal = appendJournal(base.journal, base.zones, zones, base.serial, serial);
      const next: StoreData = { version: 1, serial, zones, journal };
      await writeStoreFile(this.file, next);
      this.lastStat = this.statKey();
      this.lastProblem = '';
      return this.replace(next);
    });
    this.writing = run.catch(() => {});
    return run;
  }

  /**
   * Follow the file for changes made by other processes: fs.watch on the directory plus a stat poll.
   * Returns false when already watching.
   */
  watch(): boolean {
    if (this.poller) return false;
    try {
      // Watch the directory: an atomic rename replaces the file's inode, which a file watch would lose.
      this.watcher = watch(dirname(this.file), { persistent: false }, (_event, name) => {
        if (name === null || name === basename(this.file)) this.check();
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      this.watcher = undefined; // the poll below still works
    }
    this.poller = setInterval(() => this.check(), this.pollMs);
    this.poller.unref();
    return true;
  }

  /** Stop following the file (subscribers stay). */
  unwatch(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  close(): void {
    this.unwatch();
    this.listeners.clear();
  }

  /** Re-read the file when its stat changed; keep the last good data when it turned bad. */
  check(): void {
    const stat = this.statKey();
    if (stat === this.lastStat) return;
    this.lastStat = stat;
    try {
      const data = readStoreFile(this.file);
      const recovered = this.lastProblem !== '';
      this.lastProblem = '';
      if (data.serial === this.current.serial && this.loaded && this.sameZones(data)) return;
      this.loaded = true;
      this.replace(data);
      this.logger?.info({ file: this.file, serial: data.serial, recovered }, 'zone store reloaded');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // One line per bad spell (a non-atomic writer shows several broken states in a row), not per poll.
      if (this.lastProblem === '') {
        this.lastProblem = message;
        this.logger?.error(
          { file: this.file, err: message, serial: this.current.serial },
          'zone store file is unusable; still serving the last good data',
        );
      }
    }
  }

  private fresh(): StoreData {
    try {
      const data = readStoreFile(this.file);
      return data.serial >= this.current.serial ? data : this.thaw();
    } catch (err) {
      if (err instanceof ZoneStoreError && err.problem === 'missing') return this.thaw();
      // A file that turned bad after we held good data: our copy is the last good state, and writing
      // it repairs the file. Without good data of our own, refuse rather than drop other zones.
      if (err instanceof ZoneStoreError && err.problem === 'invalid' && this.loaded) {
        this.logger?.warn(
          { file: this.file, err: err.message },
          'zone store file was invalid; rewriting it from the last good data',
        );
        return this.thaw();
      }
      throw err;
    }
  }

  private thaw(): StoreData {
    return structuredClone({
      version: 1,
      serial: this.current.serial,
      zones: this.current.zones,
      ...(this.current.journal ? { journal: this.current.journal } : {}),
    }) as StoreData;
  }

  private sameZones(data: StoreData): boolean {
    return JSON.stringify(data.zones) === JSON.stringify(this.current.zones);
  }

  private replace(data: StoreData): StoreSnapshot {
    this.current = this.freeze(data);
    for (const listener of this.listeners) {
      try {
        listener(this.current);
      } catch (err) {
        this.logger?.error({ err: (err as Error).message }, 'zone store listener failed');
      }
    }
    return this.current;
  }

  private freeze(data: StoreData): StoreSnapshot {
    this.generation += 1;
    const zones: Record<string, readonly RecordSet[]> = {};
    for (const [zone, records] of Object.entries(data.zones)) {
      zones[zone] = Object.freeze(
        records.map((r) => Object.freeze({ ...r, values: Object.freeze([...r.values]) as string[] })),
      );
    }
    return Object.freeze({
      serial: data.serial,
      generation: this.generation,
      zones: Object.freeze(zones),
      ...(data.journal ? { journal: Object.freeze(data.journal) } : {}),
    }) as StoreSnapshot;
  }

  private statKey(): string {
    try {
      const s = statSync(this.file, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch {
      return 'absent';
    }
  }
}

/** SOA serials are 32-bit and compared with RFC 1982 arithmetic; wrap, skipping 0. */
function nextSerial(serial: number): number {
  return serial >= 0xffffffff ? 1 : serial + 1;
}
