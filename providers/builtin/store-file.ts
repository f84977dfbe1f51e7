// The zone store file format ({version: 1, serial, zones}) and its atomic read/write. A reader never
// sees half a file: writes go to a temp file in the same directory, are fsynced, then renamed.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { atomicWriteFile, atomicWriteFileSync } from '../../src/fsutil/index.ts';
import { normaliseName, normaliseRecord, RECORD_TYPES, type RecordSet } from '../../src/model/index.ts';
import { ZoneStoreError } from './errors.ts';
import type { JournalEntry } from './journal.ts';

export const STORE_VERSION = 1;

/** What the store holds: zone apex (normalised) → its records, and a serial bumped on every write. */
export interface StoreData {
  version: typeof STORE_VERSION;
  serial: number;
  zones: Record<string, RecordSet[]>;
  /** What recent writes changed (journal.ts), for IXFR; absent in files written before it existed. */
  journal?: JournalEntry[];
}

const geoMatch = z.object({
  continent: z.string().optional(),
  country: z.string().optional(),
  subdivision: z.string().optional(),
});

const recordSchema = z.object({
  name: z.string().min(1),
  type: z.enum(RECORD_TYPES),
  setId: z.string().optional(),
  ttl: z.number().int().min(0).max(2_147_483_647),
  values: z.array(z.string()).min(1),
  weight: z.number().int().min(0).max(255).optional(),
  geo: z.union([z.literal('default'), geoMatch]).optional(),
});

const serialSchema = z.number().int().min(0).max(0xffffffff);
const journalSchema = z.array(
  z.object({
    from: serialSchema,
    to: serialSchema,
    zones: z.record(z.string(), z.object({ removed: z.array(recordSchema), added: z.array(recordSchema) })),
  }),
);

const storeSchema = z.object({
  version: z.literal(STORE_VERSION),
  serial: serialSchema,
  zones: z.record(z.string(), z.array(recordSchema)),
  // Checked on its own below: a bad journal only costs IXFR (AXFR still works), never the records.
  journal: z.unknown().optional(),
});

export function emptyStore(): StoreData {
  return { version: STORE_VERSION, serial: 0, zones: {} };
}

/** Parse and validate store text; records come back normalised. Throws ZoneStoreError('invalid'). */
export function parseStore(text: string, file: string): StoreData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const truncated = text.trim().length === 0 ? 'empty' : 'not valid JSON (truncated?)';
    throw new ZoneStoreError(
      `zone store ${file} is ${truncated}: ${(err as Error).message}`,
      file,
      'invalid',
      {
        cause: err,
        remedy:
          'restore the file from a backup, or delete it to start with empty zones (the controller rewrites it)',
      },
    );
  }
  const parsed = storeSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? first.path.map(String).join('.') || '(top level)' : '(top level)';
    throw new ZoneStoreError(
      `zone store ${file} is not a geofailover store document: ${where}: ${first?.message ?? 'invalid'}`,
      file,
      'invalid',
      { remedy: 'the file must be {"version":1,"serial":N,"zones":{...}} as written by geofailover' },
    );
  }
  const zones: Record<string, RecordSet[]> = {};
  for (const [zone, records] of Object.entries(parsed.data.zones)) {
    zones[normaliseName(zone)] = records.map((r) => normaliseRecord(r as RecordSet));
  }
  const j = journalSchema.safeParse(parsed.data.journal);
  const journal = j.success ? (j.data as JournalEntry[] | undefined) : undefined;
  return { version: STORE_VERSION, serial: parsed.data.serial, zones, ...(journal ? { journal } : {}) };
}

/** Read and parse the store file (sync: used at startup and by the watcher on a small file). */
export function readStoreFile(file: string): StoreData {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ZoneStoreError(`zone store ${file} does not exist`, file, 'missing', {
        cause: err,
        remedy:
          'run the controller (or `geofailover apply`) once to create it, or point providers.<id>.storeFile at the right file',
      });
    }
    throw new ZoneStoreError(
      `zone store ${file} cannot be read: ${(err as Error).message}`,
      file,
      'unreadable',
      {
        cause: err,
        remedy: 'check the file permissions and that the path is a file',
      },
    );
  }
  return parseStore(text, file);
}

export function serialiseStore(data: StoreData): string {
  return `${JSON.stringify(data, null, 1)}\n`;
}

/** Atomic replace: temp file in the same directory, fsync, rename over, fsync the directory. */
export async function writeStoreFile(file: string, data: StoreData): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await atomicWriteFile(file, serialiseStore(data));
  } catch (err) {
    throw new ZoneStoreError(`cannot write zone store ${file}: ${(err as Error).message}`, file, 'write', {
      cause: err,
      retryable: true,
      remedy: 'check that the directory exists, is writable and the disk is not full',
    });
  }
}

/** Synchronous variant for tests and tools that must not yield mid-write. */
export function writeStoreFileSync(file: string, data: StoreData): void {
  try {
    atomicWriteFileSync(file, serialiseStore(data));
  } catch (err) {
    throw new ZoneStoreError(`cannot write zone store ${file}: ${(err as Error).message}`, file, 'write', {
      cause: err,
    });
  }
}
