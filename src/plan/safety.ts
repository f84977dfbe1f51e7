// The safety gate (octoDNS-style): update/delete fractions over the owned records, empty answers,
// NS/SOA. Health-driven changes are what the controller is for, so they never count against the fractions.
import { type Change, keyId, type ReasonCode } from '../model/index.ts';
import type { PlanOptions, SafetyVerdict } from './types.ts';

/**
 * Reason codes of health transitions, drains and measured steering: exempt from the fractions (a
 * failover is never blocked, and neither is a latency ranking that moved after its hold time).
 */
export const HEALTH_CODES: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'region-down',
  'region-up',
  'region-drained',
  'all-down',
  'steering',
]);

const REMEDY = 're-run with --force after reviewing the plan';

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** Does this change count against the update/delete fractions? Markers and health changes do not. */
export function countsAgainstFractions(c: Change): boolean {
  return c.reason.code !== 'ownership' && !HEALTH_CODES.has(c.reason.code);
}

export function fractionVerdicts(
  changes: readonly Change[],
  existing: number,
  safety: PlanOptions['safety'],
  scope: string,
): SafetyVerdict[] {
  const counted = changes.filter(countsAgainstFractions);
  const exempt = changes.filter((c) => HEALTH_CODES.has(c.reason.code)).length;
  const exemptNote = exempt > 0 ? `; ${exempt} health-driven change(s) not counted` : '';
  const checks = [
    {
      check: 'update-fraction' as const,
      word: 'updates',
      n: counted.filter((c) => c.kind === 'update').length,
      max: safety.maxUpdateFraction,
      knob: 'maxUpdateFraction',
    },
    {
      check: 'delete-fraction' as const,
      word: 'deletes',
      n: counted.filter((c) => c.kind === 'delete').length,
      max: safety.maxDeleteFraction,
      knob: 'maxDeleteFraction',
    },
  ];
  return checks.map(({ check, word, n, max, knob }): SafetyVerdict => {
    if (existing === 0 || existing < safety.minExisting) {
      return {
        check,
        ok: true,
        message: `${scope}: ${word} ${n}; not checked, only ${existing} owned record(s) (minExisting ${safety.minExisting})`,
        measured: existing === 0 ? 0 : n / existing,
        threshold: max,
      };
    }
    const fraction = n / existing;
    if (fraction > max) {
      return {
        check,
        ok: false,
        message: `${scope}: too many ${word}: ${n} of ${existing} owned records (${pct(fraction)}) is over ${knob} ${pct(max)}${exemptNote}; ${REMEDY}`,
        measured: fraction,
        threshold: max,
      };
    }
    return {
      check,
      ok: true,
      message: `${scope}: ${word} ${n} of ${existing} owned records (${pct(fraction)}) within ${knob} ${pct(max)}${exemptNote}`,
      measured: fraction,
      threshold: max,
    };
  });
}

export function emptyAnswerVerdict(changes: readonly Change[], scope: string): SafetyVerdict {
  const empty = changes
    .filter((c) => c.after !== undefined && c.after.values.length === 0)
    .map((c) => keyId(c.after!));
  if (empty.length === 0) return { check: 'empty-answer', ok: true, message: `${scope}: no empty answers` };
  return {
    check: 'empty-answer',
    ok: false,
    message: `${scope}: ${empty.length} record set(s) would be published with no values: ${empty.join('; ')}; check that their regions have endpoint addresses usable for the record type, or ${REMEDY}`,
    measured: empty.length,
    threshold: 0,
  };
}

export function nsSoaVerdict(changes: readonly Change[], scope: string): SafetyVerdict {
  const touched = changes
    .map((c) => c.after ?? c.before!)
    .filter((r) => r.type === 'NS' || r.type === 'SOA')
    .map((r) => keyId(r));
  if (touched.length === 0) return { check: 'ns-soa', ok: true, message: `${scope}: NS and SOA untouched` };
  return {
    check: 'ns-soa',
    ok: false,
    message: `${scope}: the plan would change NS/SOA records (${touched.join('; ')}); geofailover manages only A, AAAA and CNAME records: remove them from the desired set, or ${REMEDY}`,
    measured: touched.length,
    threshold: 0,
  };
}
