// A whole plan: every zone's plan, the owner, and one checksum over all zones' changes.
import { zonesChecksum } from './checksum.ts';
import type { Plan, ZonePlan } from './types.ts';

export function assemblePlan(owner: string, zones: ZonePlan[], now: Date = new Date()): Plan {
  return { version: 1, owner, zones, checksum: zonesChecksum(zones), createdAt: now.toISOString() };
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
}

export function summarise(zones: readonly ZonePlan[]): PlanSummary {
  const s: PlanSummary = { create: 0, update: 0, delete: 0 };
  for (const z of zones) for (const c of z.changes) s[c.kind]++;
  return s;
}

/** True when the plan may be applied: every zone allowed. */
export function planAllowed(plan: Plan): boolean {
  return plan.zones.every((z) => z.allowed);
}

export function changeCount(plan: Plan): number {
  return plan.zones.reduce((n, z) => n + z.changes.length, 0);
}
