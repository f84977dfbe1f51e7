// The last resort of a rule or order whose own regions are all down, tried before whenAllDown so that
// a healthy region answers before a dead one does: a geo rule falls through to the default rule (as
// Route 53 geolocation does), then the record's fallback, a list of regions in its order or any-up
// (the first UP region in the order of the config's `regions`). `none` keeps the record to its own
// regions (data residency): whenAllDown decides as soon as they are down.
import { type FallbackConfig, fallbackText } from '../config/index.ts';
import type { ManagedRecordType } from '../model/index.ts';
import { describeRegion, type RegionView, regionLabel, serving } from './regions.ts';

/** Which step of the chain chose an answer. */
export type AnswerStep = 'own' | 'default-rule' | 'fallback' | 'when-all-down';

/** A group of regions tried after a rule's own, in order; none of them tried before. */
export interface ResortStage {
  step: 'default-rule' | 'fallback';
  /** How the plan names it: `default rule`, `fallback any-up`, `fallback [ap-south]`. */
  label: string;
  views: RegionView[];
}

/** What policy needs to build the stages of one record. */
export interface LastResort {
  fallback: FallbackConfig;
  /** The config's region ids in order (any-up takes the first serving one). */
  regions: readonly string[];
  view(region: string): RegionView;
}

/** The stages after `own` (with the default rule's regions for a geo rule other than the default). */
export function resortStages(
  lr: LastResort,
  own: readonly string[],
  defaultRule?: readonly string[],
): ResortStage[] {
  if (lr.fallback === 'none') return [];
  const tried = new Set(own);
  const fresh = (ids: readonly string[]) =>
    ids.filter((id) => {
      if (tried.has(id)) return false;
      tried.add(id);
      return true;
    });
  const stages: ResortStage[] = [];
  const fromDefault = defaultRule ? fresh(defaultRule) : [];
  if (fromDefault.length > 0)
    stages.push({ step: 'default-rule', label: 'default rule', views: fromDefault.map(lr.view) });
  const fromFallback = fresh(lr.fallback === 'any-up' ? lr.regions : lr.fallback);
  if (fromFallback.length > 0)
    stages.push({
      step: 'fallback',
      label: `fallback ${fallbackText(lr.fallback)}`,
      views: fromFallback.map(lr.view),
    });
  return stages;
}

export interface ResortPick {
  stage: ResortStage;
  chosen: RegionView;
  /** Every region tried before the chosen one, own regions first. */
  passed: RegionView[];
}

/** The first serving region of the stages, after `own` (none of which serves). */
export function pickResort(
  own: readonly RegionView[],
  stages: readonly ResortStage[],
): ResortPick | undefined {
  const passed = [...own];
  for (const stage of stages) {
    for (const v of stage.views) {
      if (serving(v)) return { stage, chosen: v, passed };
      passed.push(v);
    }
  }
  return undefined;
}

function listText(ids: readonly string[]): string {
  return ids.length <= 1 ? (ids[0] ?? '') : `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;
}

function stateText(v: RegionView, type: ManagedRecordType, plural: boolean): string {
  if (v.status === 'drained') return `${plural ? 'are' : 'is'} DRAINED`;
  if (v.status === 'down') return `${plural ? 'are' : 'is'} DOWN`;
  return `${plural ? 'have' : 'has'} no UP endpoint usable in a ${type} record`;
}

/** "eu-west and us-east are DOWN", "eu-west is DRAINED and us-east is DOWN": why none of them answers. */
export function downSummary(views: readonly RegionView[], type: ManagedRecordType): string {
  const kinds = new Set(views.map((v) => stateText(v, type, false)));
  if (kinds.size === 1)
    return `${listText(views.map((v) => (v.status === 'drained' ? v.id : regionLabel(v))))} ${stateText(views[0]!, type, views.length > 1)}`;
  return listText(
    views.map((v) => `${v.status === 'drained' ? v.id : regionLabel(v)} ${stateText(v, type, false)}`),
  );
}

/** The plan's `because` for an answer from a last resort: "eu-west and us-east are DOWN; fallback ap-south (any-up)". */
export function resortDetail(pick: ResortPick, type: ManagedRecordType, fallback: FallbackConfig): string {
  const how =
    pick.stage.step === 'default-rule'
      ? `default rule ${pick.chosen.id}`
      : `fallback ${pick.chosen.id}${fallback === 'any-up' ? ' (any-up)' : ''}`;
  return `${downSummary(pick.passed, type)}; ${how}`;
}

/** The stages as explain tells them, up to the chosen region (or all of them when none serves). */
export function stagesChain(
  stages: readonly ResortStage[],
  type: ManagedRecordType,
  chosen?: RegionView,
): string {
  const parts: string[] = [];
  for (const stage of stages) {
    const until = chosen ? stage.views.indexOf(chosen) : -1;
    const shown = until >= 0 ? stage.views.slice(0, until + 1) : stage.views;
    parts.push(`${stage.label}: ${shown.map((v) => describeRegion(v, type)).join('; ')}`);
    if (until >= 0) break;
  }
  return parts.join('; then ');
}
