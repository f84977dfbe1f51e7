// A plan: per zone, the changes that take the provider from current to desired, the safety verdicts
// and a checksum over the changes only.
import type { Change, RecordSet } from '../model/index.ts';

export interface SafetyVerdict {
  check: 'update-fraction' | 'delete-fraction' | 'empty-answer' | 'ns-soa' | 'ownership';
  ok: boolean;
  /** e.g. "updates 4 of 10 owned records (40%) > maxUpdateFraction 30%" */
  message: string;
  measured?: number;
  threshold?: number;
}

export interface ZonePlan {
  zone: string;
  provider: string;
  providerKind: string;
  /** Deletes first, then updates, then creates; stable order within each. */
  changes: Change[];
  /** Owned records read from the provider (markers excluded), the base of the fractions. */
  existing: number;
  safety: SafetyVerdict[];
  /** True when every verdict is ok, or --force was given. */
  allowed: boolean;
  forced: boolean;
  checksum: string;
}

export interface Plan {
  version: 1;
  owner: string;
  zones: ZonePlan[];
  /** sha256 over every zone's changes (not timestamps, not evidence). */
  checksum: string;
  createdAt: string;
}

export interface PlanOptions {
  owner: string;
  adopt?: boolean;
  force?: boolean;
  safety: { maxUpdateFraction: number; maxDeleteFraction: number; minExisting: number };
}

export type { Change, RecordSet };
