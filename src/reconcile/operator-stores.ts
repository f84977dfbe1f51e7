// State that survives restarts for the operator layers: force-up overrides
// (<stateDir>/overrides.json) and maintenance windows added through the API
// (<stateDir>/maintenance.json), each replaced atomically on every change, like drains.json.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { atomicWriteFileSync } from '../fsutil/index.ts';
import type { MaintenanceWindow } from '../health/index.ts';
import { GeofailoverError, type MaintenanceRecord, type OverrideRecord } from '../model/index.ts';
import { windowOf } from './operator-conversions.ts';

class JsonListStore<T> {
  readonly file: string;

  constructor(
    stateDir: string,
    name: string,
    private readonly key: string,
    private readonly remedy: string,
  ) {
    this.file = join(stateDir, name);
  }

  load(): T[] {
    if (!existsSync(this.file)) return [];
    try {
      const doc = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, unknown>;
      const list = doc[this.key];
      if (!Array.isArray(list)) throw new Error(`no "${this.key}" list`);
      return list as T[];
    } catch (err) {
      throw new GeofailoverError(`cannot read ${this.key} from ${this.file}: ${(err as Error).message}`, {
        remedy: this.remedy,
        cause: err,
      });
    }
  }

  save(list: readonly T[]): void {
    // Created on the first write, so that reading (`plan --at` on the controller's host) writes nothing.
    mkdirSync(dirname(this.file), { recursive: true });
    atomicWriteFileSync(this.file, `${JSON.stringify({ version: 1, [this.key]: list }, null, 2)}\n`);
  }
}

export class OverrideStore extends JsonListStore<OverrideRecord> {
  constructor(stateDir: string) {
    super(
      stateDir,
      'overrides.json',
      'overrides',
      'fix or remove the file (its overrides are then lost: re-apply them with `geofailover override`)',
    );
  }
}

export class MaintenanceStore extends JsonListStore<MaintenanceRecord> {
  constructor(stateDir: string) {
    super(
      stateDir,
      'maintenance.json',
      'windows',
      'fix or remove the file (the windows added through the API are then lost: add them again with `geofailover maintenance add`)',
    );
  }
}

/** The windows added through the API that a controller keeps in `stateDir`, as engine windows (reads only). */
export function storedApiWindows(stateDir: string): { file: string; windows: MaintenanceWindow[] } {
  const store = new MaintenanceStore(stateDir);
  return { file: store.file, windows: store.load().map(windowOf) };
}
