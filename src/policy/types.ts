// What policy produces: the records a zone should publish, each with the reason it looks that way.
import type { ChangeReason, RecordSet } from '../model/index.ts';
import type { PolicyKind } from './kinds/index.ts';
import type { AnswerStep } from './last-resort.ts';

export interface DesiredRecord {
  record: RecordSet;
  /** Why this answer (which region serves, and why the ones before it do not). */
  reason: ChangeReason;
  /** Human-readable chain for `explain`: e.g. "eu-west is DOWN; ap-south is next in order". */
  explanation: string;
  /** The config record (name + type) this set belongs to. */
  source: {
    name: string;
    type: string;
    policy: PolicyKind;
    /** The rule of a kind with rules (geo), by index. */
    rule?: number;
    /** The record's whenAllDown (weighted: plainRecords needs it to keep the last plain set). */
    whenAllDown?: 'fail-open' | 'keep-last';
  };
  /**
   * Which step of the chain chose the values (the record's own regions, the default rule, the
   * fallback or whenAllDown) and the region whose endpoints they are; explain and the operator
   * warnings name it.
   */
  answeredBy?: { step: AnswerStep; region?: string };
}
