// Small builders for plan tests: records, desired records with a reason, and a planZone call with defaults.
import type { ZoneConfig } from '../../../src/config/index.ts';
import { type ChangeReason, markerRecord, type RecordSet } from '../../../src/model/index.ts';
import { type PlanOptions, planZone, type ZonePlan } from '../../../src/plan/index.ts';
import type { DesiredRecord } from '../../../src/policy/index.ts';

export const OWNER = 'shop-prod';
export const ZONE = { name: 'example.com', provider: 'mem', records: [] } as ZoneConfig;
export const SAFETY = { maxUpdateFraction: 0.3, maxDeleteFraction: 0.3, minExisting: 10 };

export function a(name: string, values: string[], extra: Partial<RecordSet> = {}): RecordSet {
  return { name: name.includes('.') ? name : `${name}.example.com.`, type: 'A', ttl: 30, values, ...extra };
}

export function want(record: RecordSet, reason: ChangeReason = { code: 'config' }): DesiredRecord {
  return {
    record,
    reason,
    explanation: reason.detail ?? reason.code,
    source: { name: record.name, type: record.type, policy: 'failover' },
  };
}

/** Our marker plus the records at each of `names`. */
export function owned(...records: RecordSet[]): RecordSet[] {
  const names = [...new Set(records.map((r) => r.name))];
  return [...names.map((n) => markerRecord(n, OWNER)), ...records];
}

export function plan(
  current: RecordSet[],
  desired: DesiredRecord[],
  options: Partial<PlanOptions> = {},
): ZonePlan {
  return planZone({
    zone: ZONE,
    providerId: 'mem',
    providerKind: 'memory',
    current,
    desired,
    options: { owner: OWNER, safety: SAFETY, ...options },
  });
}

export function verdict(p: ZonePlan, check: string) {
  return p.safety.find((v) => v.check === check)!;
}

export function summary(p: ZonePlan): string[] {
  return p.changes.map(
    (c) =>
      `${c.kind} ${(c.after ?? c.before)!.name} ${(c.after ?? c.before)!.type}${(c.after ?? c.before)!.setId ? ` ${(c.after ?? c.before)!.setId}` : ''}`,
  );
}
