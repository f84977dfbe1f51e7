// Failover policy: one record set carrying the UP endpoints of the first UP region in `order`.
import type { PolicyConfig, RecordConfig } from '../config/index.ts';
import type { ManagedRecordType, RecordSet } from '../model/index.ts';
import { orderedAnswer } from './answer.ts';
import type { RegionView } from './regions.ts';
import type { DesiredRecord } from './types.ts';

type FailoverPolicy = Extract<PolicyConfig, { kind: 'failover' }>;

export function failoverRecords(
  rec: RecordConfig,
  policy: FailoverPolicy,
  view: (region: string) => RegionView,
  current: (setId: string | undefined) => RecordSet | undefined,
): DesiredRecord[] {
  const type = rec.type as ManagedRecordType;
  const views = policy.order.map(view);
  const scope = `in order [${policy.order.join(', ')}]`;
  const answer = orderedAnswer(views, type, policy.whenAllDown, current(undefined), scope);
  return [
    {
      record: { name: rec.name, type, ttl: rec.ttl, values: answer.values },
      reason: answer.reason,
      explanation: answer.explanation,
      source: { name: rec.name, type: rec.type, policy: 'failover' },
    },
  ];
}
