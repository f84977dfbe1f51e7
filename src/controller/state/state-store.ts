// State that survives restarts: drains (<stateDir>/drains.json) and the health engine's memory of
// each region (<stateDir>/health.json), each replaced atomically on every change.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWriteFile, atomicWriteFileSync } from '../../fsutil/index.ts';
import type { RegionMemory } from '../../health/index.ts';
import { type DrainRecord, GeofailoverError } from '../../model/index.ts';

export type { DrainRecord };

export class DrainStore {
  readonly file: string;

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true });
    this.file = join(stateDir, 'drains.json');
  }

  load(): DrainRecord[] {
    if (!existsSync(this.file)) return [];
    try {
      const doc = JSON.parse(readFileSync(this.file, 'utf8')) as { version: number; drains: DrainRecord[] };
      if (!Array.isArray(doc.drains)) throw new Error('no "drains" list');
      return doc.drains;
    } catch (err) {
      throw new GeofailoverError(`cannot read drains from ${this.file}: ${(err as Error).message}`, {
        remedy: 'fix or remove the file (its drains are then lost: re-apply them with `geofailover drain`)',
        cause: err,
      });
    }
  }

  save(drains: readonly DrainRecord[]): void {
    atomicWriteFileSync(this.file, `${JSON.stringify({ version: 1, drains }, null, 2)}\n`);
  }
}

/**
 * The health engine's memory of each region (health, since, flaps, failback hold-down) in
 * <stateDir>/health.json, so a restart neither cuts a hold-down short nor forgets recent flaps.
 * A missing or unreadable file only means starting without memory: it is never a startup error.
 */
export class HealthMemoryStore {
  readonly file: string;

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true });
    this.file = join(stateDir, 'health.json');
  }

  load(): { memory: RegionMemory[]; problem?: string } {
    if (!existsSync(this.file)) return { memory: [] };
    try {
      const doc = JSON.parse(readFileSync(this.file, 'utf8')) as { version: number; regions: RegionMemory[] };
      if (!Array.isArray(doc.regions)) throw new Error('no "regions" list');
      return { memory: doc.regions };
    } catch (err) {
      return { memory: [], problem: `ignoring ${this.file}: ${(err as Error).message}` };
    }
  }

  private writing?: Promise<void>;
  private next?: readonly RegionMemory[];

  /** Save without blocking the event loop; saves coalesce, and the newest memory is written last. */
  saveSoon(memory: readonly RegionMemory[], onError: (err: unknown) => void): void {
    this.next = memory;
    if (this.writing) return;
    const loop = async () => {
      while (this.next) {
        const doc = `${JSON.stringify({ version: 1, regions: this.next })}\n`;
        this.next = undefined;
        await atomicWriteFile(this.file, doc).catch(onError);
      }
      this.writing = undefined;
    };
    this.writing = loop();
  }

  /** Wait for the save in flight (shutdown). */
  async flush(): Promise<void> {
    await this.writing;
  }
}
