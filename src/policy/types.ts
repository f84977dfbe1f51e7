// What policy produces: the records a zone should publish, each with the reason it looks that way.
import type { ChangeReason, RecordSet, SteeringInput } from '../model/index.ts';
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
  /**
   * The steering kinds (latency, proximity): the regions in the order this set tries them, with what
   * ranked them (a round-trip time in ms, an effective distance in km); explain shows it.
   */
  ranking?: RankedRegion[];
}

export interface RankedRegion {
  region: string;
  /** Smoothed round-trip time from the geography's probers (absent: not measured, or stale). */
  rttMs?: number;
  /** Great-circle distance from the geography, scaled by the region's bias. */
  distanceKm?: number;
}

/** What a decision sees beside region states: measured steering (latency). */
export interface PolicyInputs {
  steering?: SteeringInput;
}
