// Runs an endpoint's several checks as one: every sub-check at once, each with its own timeout, and
// their outcomes combined (combine.ts) into the single result the prober votes with. Sub-checks are
// named for the result (their `name`, else their label), each name once per endpoint.
import { type Combine, combineOutcomes, NAME_LIMIT } from './combine.ts';
import type { RunnableCheck } from './outcome.ts';

export interface CompositePart {
  /** The configured `name`, if any. */
  name?: string;
  critical: boolean;
  check: RunnableCheck;
}

/** Names for the parts: the configured one, else the label; a repeated label gets " #2", " #3". */
export function partNames(parts: readonly CompositePart[]): string[] {
  const taken = new Set(parts.flatMap((p) => (p.name === undefined ? [] : [p.name])));
  return parts.map((p) => {
    if (p.name !== undefined) return p.name;
    const base = (p.check.label ?? p.check.description).slice(0, NAME_LIMIT - 4);
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base} #${i}`;
    taken.add(name);
    return name;
  });
}

export function compositeCheck(parts: readonly CompositePart[], rule: Combine): RunnableCheck {
  const names = partNames(parts);
  const critical = parts.findIndex((p) => p.critical);
  const ruleWords = rule === 'all' || rule === 'any' ? rule : `at least ${rule.atLeast}`;
  return {
    description: `${parts.length} checks (${ruleWords}${critical >= 0 ? `, ${names[critical]} critical` : ''}): ${parts.map((p) => p.check.description).join(', ')}`,
    label: names.join(' + '),
    timeoutMs: Math.max(...parts.map((p) => p.check.timeoutMs)),
    async run(signal) {
      const outcomes = await Promise.all(parts.map((p) => p.check.run(signal)));
      return combineOutcomes(
        outcomes.map((outcome, i) => ({ name: names[i]!, critical: parts[i]!.critical, outcome })),
        rule,
      );
    },
    close() {
      for (const p of parts) p.check.close?.();
    },
  };
}
