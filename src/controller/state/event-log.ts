// The audit trail: an append-only JSON-lines file in the state directory, rotated by size. Every
// append is written at once (a crash of the process loses nothing) and fsynced by a group commit on
// the thread pool a moment later, so a failover never waits on the disk; close() syncs what is left.
import { EventEmitter } from 'node:events';
import {
  closeSync,
  existsSync,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { StoredEvent } from '../../model/index.ts';

export type { StoredEvent };

export interface EventLogOptions {
  maxBytes?: number;
  /** Rotated files kept (events.1.jsonl … events.N.jsonl). */
  keep?: number;
  /** Events kept in memory for the API and the dashboard. */
  memory?: number;
  now?: () => number;
}

const FILE = 'events.jsonl';

export class EventLog extends EventEmitter {
  readonly dir: string;
  private fd: number;
  private size: number;
  private seq = 0;
  private readonly recent: StoredEvent[] = [];
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly memory: number;
  private readonly now: () => number;
  /** Bytes of a torn last line cut off at open (a crash mid-write), 0 when the file ended cleanly. */
  readonly tornTailBytes: number;

  constructor(dir: string, options: EventLogOptions = {}) {
    super();
    this.dir = dir;
    this.maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
    this.keep = options.keep ?? 5;
    this.memory = options.memory ?? 10_000;
    this.now = options.now ?? Date.now;
    mkdirSync(dir, { recursive: true });
    this.tornTailBytes = this.cutTornTail();
    this.recover();
    this.fd = openSync(this.path(0), 'a', 0o644);
    this.size = fstatSync(this.fd).size;
  }

  private path(n: number): string {
    return n === 0 ? join(this.dir, FILE) : join(this.dir, `events.${n}.jsonl`);
  }

  /**
   * A crash mid-append leaves a last line without its newline. Appending after it would glue the next
   * event onto it and make both unparsable, so the partial line (never acknowledged) is cut off.
   */
  private cutTornTail(): number {
    const p = this.path(0);
    if (!existsSync(p)) return 0;
    const data = readFileSync(p);
    if (data.length === 0 || data[data.length - 1] === 0x0a) return 0;
    const keep = data.lastIndexOf(0x0a) + 1;
    truncateSync(p, keep);
    return data.length - keep;
  }

  /** Reload recent events and the last seq from the newest files; a torn last line is skipped. */
  private recover(): void {
    const lines: StoredEvent[] = [];
    for (let n = this.keep; n >= 0; n--) {
      const p = this.path(n);
      if (!existsSync(p)) continue;
      for (const line of readFileSync(p, 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          const e = JSON.parse(line) as StoredEvent;
          if (typeof e.seq === 'number') lines.push(e);
        } catch {
          // A crash mid-write can leave one partial line at the end; it was never acknowledged.
        }
      }
    }
    for (const e of lines.slice(-this.memory)) this.recent.push(e);
    this.seq = lines.reduce((m, e) => Math.max(m, e.seq), 0);
  }

  append(type: string, data: Record<string, unknown> = {}): StoredEvent {
    const event: StoredEvent = { ...data, seq: ++this.seq, at: new Date(this.now()).toISOString(), type };
    const line = `${JSON.stringify(event)}\n`;
    const buf = Buffer.from(line);
    if (this.size + buf.length > this.maxBytes && this.size > 0) this.rotate();
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    this.size += buf.length;
    this.syncSoon();
    this.recent.push(event);
    if (this.recent.length > this.memory) this.recent.splice(0, this.recent.length - this.memory);
    this.emit('event', event);
    return event;
  }

  private syncing = false;
  private dirty = false;
  private synced: (() => void)[] = [];

  /** One fdatasync in flight at a time; appends made meanwhile are covered by the next one. */
  private syncSoon(): void {
    this.dirty = true;
    if (this.syncing) return;
    this.syncing = true;
    this.dirty = false;
    const fd = this.fd;
    fdatasync(fd, () => {
      this.syncing = false;
      if (this.dirty) this.syncSoon();
      else for (const w of this.synced.splice(0)) w();
    });
  }

  /** Resolves once everything appended so far is on disk. */
  flush(): Promise<void> {
    if (!this.syncing && !this.dirty) return Promise.resolve();
    return new Promise((resolve) => this.synced.push(resolve));
  }

  private rotate(): void {
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    rmSync(this.path(this.keep), { force: true });
    for (let n = this.keep - 1; n >= 0; n--) {
      if (existsSync(this.path(n))) renameSync(this.path(n), this.path(n + 1));
    }
    this.fd = openSync(this.path(0), 'a', 0o644);
    this.size = 0;
  }

  /** Events after `seq` (exclusive) or at/after an ISO time, oldest first, at most `limit`. */
  since(since?: number | string, limit = 1000, types?: readonly string[]): StoredEvent[] {
    let list = this.recent;
    if (typeof since === 'number') list = list.filter((e) => e.seq > since);
    else if (typeof since === 'string') list = list.filter((e) => e.at >= since);
    if (types && types.length > 0) list = list.filter((e) => types.includes(e.type));
    return list.slice(-limit);
  }

  lastSeq(): number {
    return this.seq;
  }

  close(): void {
    try {
      fdatasyncSync(this.fd);
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
