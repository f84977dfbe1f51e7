// Several checks on one endpoint: the config shape (`checks`, each maybe `critical` and `name`d, and
// `combine: all | any | {atLeast: N}`), the rules a composite must keep, and how the sub-checks'
// outcomes become the one result a prober reports. Pure and light (the config schema is built from
// it): the runner that starts the sub-checks is composite.ts.
import { z } from 'zod';
import type { CheckOutcome, FailedCheck } from './outcome.ts';
import { checkSchemas } from './registry.ts';

/** Sub-checks an endpoint may have; also bounds the `failed` list a result carries on the wire. */
export const MAX_CHECKS = 16;
/** A sub-check's name is cut to this in results (its detail is cut to DETAIL_PER_CHECK). */
export const NAME_LIMIT = 64;
export const DETAIL_PER_CHECK = 200;
/** A combined result's whole detail is cut to this. */
export const COMBINED_DETAIL_LIMIT = 1000;

export const combineSchema = z
  .union([
    z.enum(['all', 'any']),
    z.strictObject({ atLeast: z.number().int('must be a whole number').min(1, 'must be at least 1') }),
  ])
  .describe('How the checks combine: all must pass, any one, or at least N.');

export type Combine = z.output<typeof combineSchema>;

const partFields = {
  /** How the sub-check is named in results (default: its kind and target, e.g. "grpc payments"). */
  name: z
    .string()
    .min(1)
    .max(NAME_LIMIT)
    .regex(/^[^;\n]+$/, 'must be one line without ";"')
    .optional(),
  /** Its failure alone fails the endpoint, whatever `combine` says. */
  critical: z.boolean().default(false),
};

type KindSchema = (typeof checkSchemas)[number];
/** One entry of `checks`: any check kind, plus `name` and `critical`. */
export const checkPartSchema = z.discriminatedUnion(
  'kind',
  checkSchemas.map((s) => (s as z.ZodObject).safeExtend(partFields)) as unknown as [
    KindSchema,
    ...KindSchema[],
  ],
) as unknown as z.ZodType<z.output<KindSchema> & { name?: string; critical: boolean }, unknown>;

export type CheckPartConfig = z.output<typeof checkPartSchema>;

/** How many sub-checks must pass. */
export function needed(rule: Combine, count: number): number {
  return rule === 'all' ? count : rule === 'any' ? 1 : rule.atLeast;
}

/** "all must pass", "any one must pass", "at least 2 must pass". */
export function ruleText(rule: Combine): string {
  return rule === 'all'
    ? 'all must pass'
    : rule === 'any'
      ? 'any one must pass'
      : `at least ${rule.atLeast} must pass`;
}

export interface EndpointChecksShape {
  check?: unknown;
  checks?: readonly { name?: string; critical?: boolean }[];
  combine?: Combine;
}

/** The rules of an endpoint's checks the shape alone cannot say, each at its path in the endpoint. */
export function endpointChecksProblems(
  ep: EndpointChecksShape,
): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  if (ep.check !== undefined && ep.checks !== undefined) {
    out.push({
      path: ['checks'],
      message:
        'an endpoint has either `check` (one check) or `checks` (several), not both; move the single check into `checks`',
    });
    return out;
  }
  if (ep.check === undefined && ep.checks === undefined) {
    out.push({
      path: ['check'],
      message: 'required key "check" is missing: give the endpoint `check` (one check) or `checks` (several)',
    });
    return out;
  }
  if (ep.checks === undefined) {
    if (ep.combine !== undefined)
      out.push({ path: ['combine'], message: 'combine applies only to `checks` (several); remove it' });
    return out;
  }
  const n = ep.checks.length;
  const rule = ep.combine;
  if (rule !== undefined && typeof rule === 'object' && rule.atLeast > n)
    out.push({
      path: ['combine', 'atLeast'],
      message: `atLeast is ${rule.atLeast} but the endpoint has only ${n} check${n === 1 ? '' : 's'}; lower atLeast or add checks`,
    });
  const critical = ep.checks.flatMap((c, i) => (c.critical ? [i] : []));
  if (critical.length > 1)
    out.push({
      path: ['checks', critical[1]!, 'critical'],
      message: `only one check may be critical, but checks ${critical.map((i) => i + 1).join(' and ')} are; keep critical: true on the one whose failure alone must fail the endpoint`,
    });
  const seen = new Map<string, number>();
  ep.checks.forEach((c, i) => {
    if (c.name === undefined) return;
    const first = seen.get(c.name);
    if (first !== undefined)
      out.push({
        path: ['checks', i, 'name'],
        message: `name "${c.name}" is already used by check ${first + 1} of this endpoint; give each a different name`,
      });
    else seen.set(c.name, i);
  });
  return out;
}

/** A sub-check's outcome with what the composite knows of it. */
export interface PartOutcome {
  name: string;
  critical: boolean;
  outcome: CheckOutcome;
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * The one result the prober reports for an endpoint with several checks: ok when the rule is met and
 * no critical sub-check failed. The detail names the failing sub-checks first (so a cut keeps them),
 * then the passing ones; `failed` lists the failing ones, by name, whatever the overall verdict.
 */
export function combineOutcomes(parts: readonly PartOutcome[], rule: Combine): CheckOutcome {
  const n = parts.length;
  const failing = parts.filter((p) => !p.outcome.ok);
  const passed = n - failing.length;
  const criticalDown = failing.find((p) => p.critical);
  const ok = passed >= needed(rule, n) && criticalDown === undefined;
  const head = criticalDown
    ? `critical check ${criticalDown.name} failed`
    : ok
      ? `${passed} of ${n} checks passed (${ruleText(rule)})`
      : `${failing.length} of ${n} checks failed (${ruleText(rule)})`;
  const items = [
    ...failing.map((p) => `${p.name}: ${cut(p.outcome.detail, DETAIL_PER_CHECK)}`),
    ...parts.filter((p) => p.outcome.ok).map((p) => `${p.name} ok`),
  ];
  const out: CheckOutcome = {
    ok,
    latencyMs: Math.max(0, ...parts.map((p) => p.outcome.latencyMs)),
    detail: cut(`${head}: ${items.join('; ')}`, COMBINED_DETAIL_LIMIT),
  };
  const days = parts.flatMap((p) => (p.outcome.certDaysLeft === undefined ? [] : [p.outcome.certDaysLeft]));
  if (days.length > 0) out.certDaysLeft = Math.min(...days);
  if (failing.length > 0) out.failed = failing.slice(0, MAX_CHECKS).map(failedEntry);
  return out;
}

function failedEntry(p: PartOutcome): FailedCheck {
  return { check: cut(p.name, NAME_LIMIT), detail: cut(p.outcome.detail, DETAIL_PER_CHECK) };
}
