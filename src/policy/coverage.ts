// Which rules and records have no UP region of their own under some region states, and what they will
// answer then (a fallback region's addresses, or whenAllDown's): what an operator is warned about
// before a drain, an override or a maintenance window takes effect, and what `plan` warns about when
// its assumptions leave a record to its last resort.
import type { Config } from '../config/index.ts';
import { normaliseName, type RecordSet, type RegionStates } from '../model/index.ts';
import { desiredRecords } from './desired.ts';
import { policyDefinitionOf } from './kinds/index.ts';
import type { AnswerStep } from './last-resort.ts';
import type { DesiredRecord } from './types.ts';

export interface Uncovered {
  zone: string;
  name: string;
  type: string;
  /** The geo rule (its set id); absent for a failover or weighted record as a whole. */
  rule?: string;
  /** The regions of the rule or record, none of which is UP. */
  regions: string[];
  /** What it will answer, and which step of the chain chose it. */
  answer: { step: Exclude<AnswerStep, 'own'>; region?: string; values?: string[] };
  message: string;
}

/** What follows the reason's detail ("…; fallback ap-south (any-up)") in the warning. */
function answerText(u: Uncovered['answer']): string {
  if (u.values === undefined) return '; it keeps the answer published then';
  if (u.step === 'when-all-down')
    return `; it will answer ${u.values.join(', ')}, addresses of regions that are not UP`;
  return ` answers ${u.values.join(', ')}`;
}

/** The values clients get from a group of sets: those with a weight (all when none has one). */
function answered(sets: readonly DesiredRecord[]): string[] {
  const live = sets.filter((d) => d.record.weight === undefined || d.record.weight > 0);
  return [...new Set((live.length > 0 ? live : sets).flatMap((d) => d.record.values))];
}

/**
 * Every rule (geo) or record (failover, weighted) whose own regions are all down under `states`.
 * `published(zone)` is what the zone serves now (for keep-last); undefined when unknown.
 */
export function uncovered(
  config: Config,
  states: RegionStates,
  published: (zone: string) => readonly RecordSet[] | undefined = () => undefined,
): Uncovered[] {
  const out: Uncovered[] = [];
  for (const zone of config.zones) {
    const current = published(normaliseName(zone.name));
    // The sets of one rule (a kind with rules) or one record (any other) answer together.
    const groups = new Map<string, DesiredRecord[]>();
    for (const d of desiredRecords(config, zone, states, current ?? [])) {
      const key = `${d.source.name} ${d.source.type} ${d.source.rule ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), d]);
    }
    for (const sets of groups.values()) {
      const d = sets[0]!;
      const step = d.answeredBy?.step ?? 'own';
      if (step === 'own') continue;
      const rec = zone.records.find(
        (r) => normaliseName(r.name) === normaliseName(d.source.name) && r.type === d.source.type,
      );
      if (!rec) continue;
      // A kind with rules (geo) names each rule's sets by the rule.
      const rule = d.source.rule !== undefined ? d.record.setId : undefined;
      // keep-last keeps what is published: without knowing it, say so rather than guess the values.
      const unknown =
        step === 'when-all-down' && current === undefined && rec.policy.whenAllDown === 'keep-last';
      const answer: Uncovered['answer'] = {
        step,
        ...(d.answeredBy?.region === undefined ? {} : { region: d.answeredBy.region }),
        ...(unknown ? {} : { values: answered(sets) }),
      };
      const regions = [
        ...(policyDefinitionOf(rec.policy.kind).chains(rec.policy)[d.source.rule ?? 0]?.own ?? []),
      ];
      const name = normaliseName(d.source.name);
      const what = `${name} ${d.source.type}${rule ? ` rule ${rule}` : ''} [${regions.join(', ')}]`;
      out.push({
        zone: normaliseName(zone.name),
        name,
        type: d.source.type,
        ...(rule ? { rule } : {}),
        regions,
        answer,
        message: `${what} has no UP region of its own: ${d.reason.detail ?? d.reason.code}${answerText(answer)}`,
      });
    }
  }
  return out;
}
