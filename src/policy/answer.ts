// The shared decision of failover and geo: the first serving region of an ordered list answers;
// when none serves, the last resort (last-resort.ts: the default rule, then the fallback) does; when
// nothing there serves either, `whenAllDown` decides (fail-open: every candidate's values; keep-last:
// the answer currently published). Never an empty answer while any candidate has a usable address.
import type { FallbackConfig } from '../config/index.ts';
import type { ChangeReason, ManagedRecordType, RecordSet } from '../model/index.ts';
import { normaliseValue } from '../model/index.ts';
import {
  type AnswerStep,
  pickResort,
  type ResortPick,
  type ResortStage,
  resortDetail,
  stagesChain,
} from './last-resort.ts';
import {
  describeRegion,
  partialReason,
  pickValues,
  type RegionView,
  regionLabel,
  serving,
  skipReason,
} from './regions.ts';

export type WhenAllDown = 'fail-open' | 'keep-last';

export interface Answer {
  values: string[];
  weight?: number;
  reason: ChangeReason;
  explanation: string;
  /** Which step of the chain chose the answer. */
  step: AnswerStep;
  /** The region whose endpoints answer; absent when whenAllDown decided. */
  region?: string;
}

/** The last resort of one rule or order: its stages, and the fallback they come from (for the text). */
export interface Resort {
  stages: readonly ResortStage[];
  fallback: FallbackConfig;
}

export const NO_RESORT: Resort = { stages: [], fallback: 'none' };

/** The step and region of an answer, as DesiredRecord carries them. */
export function answeredBy(a: Pick<Answer, 'step' | 'region'>): { step: AnswerStep; region?: string } {
  return a.region === undefined ? { step: a.step } : { step: a.step, region: a.region };
}

/** Fail-open values: every usable address of the non-drained candidates (all candidates if every one is drained). */
export function failOpenValues(views: readonly RegionView[], type: ManagedRecordType): string[] {
  const open = views.filter((v) => v.status !== 'drained');
  const fromOpen = pickValues(
    type,
    open.flatMap((v) => v.all),
  );
  return fromOpen.length > 0
    ? fromOpen
    : pickValues(
        type,
        views.flatMap((v) => v.all),
      );
}

/**
 * The answer when no candidate serves. keep-last reuses `current` (the record published now at the
 * same name/type/setId) when it holds values; otherwise, and for fail-open, every candidate's values.
 */
export function allDownAnswer(
  views: readonly RegionView[],
  type: ManagedRecordType,
  whenAllDown: WhenAllDown,
  current: RecordSet | undefined,
  scope: string,
  stages: readonly ResortStage[] = [],
): Answer {
  // With a last resort, say that it had nothing either: whenAllDown applies only when no region can serve.
  const chain =
    views.map((v) => describeRegion(v, type)).join('; ') +
    (stages.length > 0 ? `: no region ${scope} is UP; ${stagesChain(stages, type)}: none UP either` : '');
  const tail = stages.length > 0 ? '' : `: no region ${scope} is UP`;
  const also =
    stages.length > 0 ? `, and no region of the ${stages.map((s) => s.label).join(' or ')} is UP` : '';
  if (whenAllDown === 'keep-last' && current && current.values.length > 0) {
    const answer: Answer = {
      values: [...current.values],
      reason: {
        code: 'all-down',
        detail: `every region ${scope} is down${also} (keep-last: keeping the published answer)`,
      },
      explanation: `${chain}${tail}; whenAllDown keep-last keeps the published answer`,
      step: 'when-all-down',
    };
    if (current.weight !== undefined) answer.weight = current.weight;
    return answer;
  }
  const why =
    whenAllDown === 'keep-last'
      ? 'whenAllDown keep-last has no published answer to keep, so fails open'
      : 'whenAllDown fail-open publishes every candidate';
  return {
    values: failOpenValues(views, type),
    reason: { code: 'all-down', detail: `every region ${scope} is down${also} (fail-open)` },
    explanation: `${chain}${tail}; ${why}`,
    step: 'when-all-down',
  };
}

/** The answer of a region from the last resort, named in the reason as the plan's `because` shows it. */
export function resortAnswer(
  views: readonly RegionView[],
  type: ManagedRecordType,
  pick: ResortPick,
  resort: Resort,
  scope: string,
): Answer {
  const first = views[0]!;
  const chain = views.map((v) => describeRegion(v, type)).join('; ');
  return {
    values: pickValues(type, pick.chosen.up),
    reason: {
      code: skipReason(first, type).code,
      region: first.id,
      detail: resortDetail(pick, type, resort.fallback),
    },
    explanation: `${chain}: no region ${scope} is UP; then ${stagesChain(resort.stages, type, pick.chosen)}: ${pick.chosen.id} answers`,
    step: pick.stage.step,
    region: pick.chosen.id,
  };
}

/**
 * A recovery: the published answer differs from the one we now want, yet holds only addresses of
 * this record's own candidate regions or its last resort's, so an earlier health decision produced
 * it (a failover to a later region, a fallback, a fail-open, endpoints left out). Going back is a
 * health transition, exempt from the safety fractions like the failover itself: a failback must never
 * be blocked by the gate. (A pure reorder of regions in config looks the same and is exempt too;
 * there is no history to tell them apart.)
 */
export function isRecovery(
  views: readonly RegionView[],
  type: ManagedRecordType,
  values: readonly string[],
  current: RecordSet | undefined,
  stages: readonly ResortStage[] = [],
): boolean {
  if (!current || current.values.length === 0) return false;
  const norm = (a: string) => normaliseValue(type, a);
  const want = new Set(values.map(norm));
  if (current.values.length === want.size && current.values.every((v) => want.has(norm(v)))) return false;
  const candidates = new Set([...views, ...stages.flatMap((s) => s.views)].flatMap((v) => v.all).map(norm));
  return current.values.every((v) => candidates.has(norm(v)));
}

/** The first serving region of `views` answers; see the file comment for the rest. */
export function orderedAnswer(
  views: readonly RegionView[],
  type: ManagedRecordType,
  whenAllDown: WhenAllDown,
  current: RecordSet | undefined,
  scope: string,
  resort: Resort = NO_RESORT,
): Answer {
  const idx = views.findIndex(serving);
  if (idx < 0) {
    const pick = pickResort(views, resort.stages);
    if (pick) return resortAnswer(views, type, pick, resort, scope);
    return allDownAnswer(views, type, whenAllDown, current, scope, resort.stages);
  }
  const chosen = views[idx]!;
  const values = pickValues(type, chosen.up);
  const skipped = views.slice(0, idx);
  const chain = [...skipped, chosen].map((v) => describeRegion(v, type));
  const explanation = `${chain.join('; ')}: first UP region ${scope}`;
  let reason: ChangeReason;
  if (skipped.length > 0) reason = skipReason(skipped[0]!, type);
  else {
    reason =
      partialReason(chosen) ??
      (isRecovery(views, type, values, current, resort.stages)
        ? { code: 'region-up', region: chosen.id, detail: `${regionLabel(chosen)} is UP again` }
        : { code: 'config', region: chosen.id, detail: `${regionLabel(chosen)} is UP, first ${scope}` });
  }
  return { values, reason, explanation, step: 'own', region: chosen.id };
}
