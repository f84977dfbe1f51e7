// The controller's audit trail as the chaos suite reads it: events.jsonl in the state directory (the
// same file the API serves from), and the DNS changes in it — `apply` events that touched a record.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ChaosEvent {
  seq: number;
  at: string;
  type: string;
  origin?: string;
  region?: string;
  endpoint?: string;
  prober?: string;
  from?: string;
  to?: string;
  changes?: { kind: string; name: string; before?: string[]; after?: string[] }[];
  [k: string]: unknown;
}

/** Every event in the log (a torn last line after a SIGKILL is skipped, as the controller does). */
export function readEvents(stateDir: string): ChaosEvent[] {
  const file = join(stateDir, 'events.jsonl');
  if (!existsSync(file)) return [];
  const out: ChaosEvent[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as ChaosEvent);
    } catch {
      // torn write
    }
  }
  return out;
}

export const atMs = (e: ChaosEvent) => Date.parse(e.at);

/**
 * DNS changes made by this controller itself (mirrored events of other replicas are skipped) at or
 * after `from`: one per `apply` event that changed any of `names`.
 */
export function dnsChanges(events: readonly ChaosEvent[], names: readonly string[], from = 0): ChaosEvent[] {
  const want = new Set(names.map((n) => n.replace(/\.?$/, '.').toLowerCase()));
  return events.filter(
    (e) =>
      e.type === 'apply' &&
      e.origin === undefined &&
      atMs(e) >= from &&
      (e.changes ?? []).some((c) => want.has(c.name.replace(/\.?$/, '.').toLowerCase())),
  );
}

export function ofType(events: readonly ChaosEvent[], type: string, from = 0): ChaosEvent[] {
  return events.filter((e) => e.type === type && atMs(e) >= from);
}
