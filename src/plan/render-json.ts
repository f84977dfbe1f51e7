// The plan as a stable, versioned JSON document (`--output json`): keys in a fixed order, optional
// fields omitted when absent, so scripts and diffs can rely on it.
import type { Change, ChangeReason, RecordSet } from '../model/index.ts';
import { summarise } from './assemble.ts';
import type { Plan, SafetyVerdict, ZonePlan } from './types.ts';

function recordJson(r: RecordSet | undefined): unknown {
  if (r === undefined) return undefined;
  return {
    name: r.name,
    type: r.type,
    setId: r.setId,
    ttl: r.ttl,
    values: r.values,
    weight: r.weight,
    geo:
      r.geo === undefined || r.geo === 'default'
        ? r.geo
        : { continent: r.geo.continent, country: r.geo.country, subdivision: r.geo.subdivision },
    alias: r.alias
      ? { hostedZoneId: r.alias.hostedZoneId, evaluateTargetHealth: r.alias.evaluateTargetHealth }
      : undefined,
  };
}

function reasonJson(r: ChangeReason): unknown {
  return { code: r.code, region: r.region, detail: r.detail };
}

function changeJson(c: Change): unknown {
  const r = (c.after ?? c.before)!;
  return {
    kind: c.kind,
    name: r.name,
    type: r.type,
    setId: r.setId,
    before: recordJson(c.before),
    after: recordJson(c.after),
    reason: reasonJson(c.reason),
  };
}

function verdictJson(v: SafetyVerdict): unknown {
  return { check: v.check, ok: v.ok, message: v.message, measured: v.measured, threshold: v.threshold };
}

function zoneJson(z: ZonePlan): unknown {
  return {
    zone: z.zone,
    provider: z.provider,
    providerKind: z.providerKind,
    allowed: z.allowed,
    forced: z.forced,
    existing: z.existing,
    summary: summarise([z]),
    checksum: z.checksum,
    safety: z.safety.map(verdictJson),
    changes: z.changes.map(changeJson),
  };
}

/** The plan document. `version` changes only when a field changes meaning or disappears. */
export function planDocument(plan: Plan): unknown {
  return {
    version: plan.version,
    owner: plan.owner,
    createdAt: plan.createdAt,
    checksum: plan.checksum,
    allowed: plan.zones.every((z) => z.allowed),
    summary: summarise(plan.zones),
    zones: plan.zones.map(zoneJson),
  };
}

export function renderJson(plan: Plan): string {
  return `${JSON.stringify(planDocument(plan), null, 2)}\n`;
}
