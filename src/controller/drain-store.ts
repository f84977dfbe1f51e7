// Drains survive restarts: kept in <stateDir>/drains.json, replaced atomically on every change.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWriteFileSync } from '../fsutil/index.ts';
import { GeofailoverError } from '../model/index.ts';

export interface DrainRecord {
  region: string;
  reason: string;
  author: string;
  /** ISO time the drain was made. */
  at: string;
  /** ISO time it ends by itself, if it does. */
  until?: string;
}

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
