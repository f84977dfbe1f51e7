// planZone: current (as the provider reported it) + desired (from policy) → the ordered changes of one
// zone, with ownership markers, the safety verdicts and the checksum.
import type { ZoneConfig } from '../config/index.ts';
import {
  type Change,
  type ChangeReason,
  markerRecord,
  normaliseName,
  normaliseRecord,
  type RecordSet,
  UsageError,
} from '../model/index.ts';
import type { DesiredRecord } from '../policy/index.ts';
import { planChecksum } from './checksum.ts';
import { makeNormaliser, normKey, samePublished } from './fast.ts';
import { ownershipProblems, ownershipVerdict, readOwnership } from './ownership.ts';
import { emptyAnswerVerdict, fractionVerdicts, nsSoaVerdict } from './safety.ts';
import type { PlanOptions, ZonePlan } from './types.ts';

export interface PlanZoneInput {
  zone: ZoneConfig;
  providerId: string;
  providerKind: string;
  /** What provider.records(zone, {names}) returned (any normalisation). */
  current: readonly RecordSet[];
  desired: readonly DesiredRecord[];
  options: PlanOptions;
}

interface Keyed {
  key: string;
  change: Change;
}

function byKey(a: Keyed, b: Keyed): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export function planZone(input: PlanZoneInput): ZonePlan {
  const { options } = input;
  const zone = normaliseName(input.zone.name);
  const scope = `zone ${zone} (provider ${input.providerId})`;
  const normalise = makeNormaliser();
  const view = readOwnership(input.current.map(normalise), options.owner);

  const desired = new Map<string, { record: RecordSet; reason: ChangeReason }>();
  for (const d of input.desired) {
    const record = normalise(d.record);
    const key = normKey(record);
    if (desired.has(key)) {
      throw new UsageError(`record ${key} is desired twice in ${zone}`, {
        zone,
        record: key,
        remedy: 'manage each name and type once in config',
      });
    }
    desired.set(key, { record, reason: d.reason });
  }
  const desiredNames = new Set([...desired.values()].map((d) => d.record.name));

  // Names whose records we diff: ours by marker, plus every desired name (foreign or other-owned
  // ones too, so the plan shows what adopting would do; the ownership verdict refuses it).
  const names = new Set([...view.ourMarkers.keys(), ...desiredNames]);
  const current = new Map<string, RecordSet>();
  for (const name of names) for (const r of view.byName.get(name) ?? []) current.set(normKey(r), r);

  const deletes: Keyed[] = [];
  const updates: Keyed[] = [];
  const creates: Keyed[] = [];
  for (const [key, d] of desired) {
    const before = current.get(key);
    if (!before) creates.push({ key, change: { kind: 'create', after: d.record, reason: d.reason } });
    else if (!samePublished(before, d.record)) {
      updates.push({ key, change: { kind: 'update', before, after: d.record, reason: d.reason } });
    }
  }
  // A set whose name and type are still desired under other set ids was reshaped (a failback ramp
  // turning a failover answer into weighted sets and back, endpoints split into their own sets): the
  // delete follows the reason of what replaces it, so a health-driven reshape stays health-driven.
  const reshapedBy = new Map<string, ChangeReason>();
  for (const d of desired.values()) reshapedBy.set(`${d.record.name} ${d.record.type}`, d.reason);
  for (const [key, r] of current) {
    if (!desired.has(key)) {
      const reason = reshapedBy.get(`${r.name} ${r.type}`) ?? {
        code: 'orphan',
        detail: 'no longer in config',
      };
      deletes.push({ key, change: { kind: 'delete', before: r, reason } });
    }
  }

  // Markers: created with the first record at a name, deleted with the last.
  for (const name of desiredNames) {
    if (view.ourMarkers.has(name) || view.otherOwners.has(name)) continue;
    const after = normaliseRecord(markerRecord(name, options.owner));
    creates.push({
      key: normKey(after),
      change: {
        kind: 'create',
        after,
        reason: { code: 'ownership', detail: `mark ${name} as owned by ${options.owner}` },
      },
    });
  }
  for (const [name, marker] of view.ourMarkers) {
    if (desiredNames.has(name)) continue;
    deletes.push({
      key: normKey(marker),
      change: {
        kind: 'delete',
        before: marker,
        reason: { code: 'ownership', detail: `${name} is no longer managed` },
      },
    });
  }

  const changes = [...deletes.sort(byKey), ...updates.sort(byKey), ...creates.sort(byKey)].map(
    (k) => k.change,
  );

  // The fractions' base: records at names our marker covers (markers excluded).
  let existing = 0;
  for (const name of view.ourMarkers.keys()) existing += view.byName.get(name)?.length ?? 0;

  const ownership = ownershipVerdict(
    ownershipProblems(view, desiredNames),
    scope,
    options.owner,
    options.adopt === true,
  );
  const safety = [
    ownership,
    ...fractionVerdicts(changes, existing, options.safety, scope),
    emptyAnswerVerdict(changes, scope),
    nsSoaVerdict(changes, scope),
  ];
  const allOk = safety.every((v) => v.ok);
  const forced = options.force === true;
  return {
    zone,
    provider: input.providerId,
    providerKind: input.providerKind,
    changes,
    existing,
    safety,
    // --force passes the fractions, empty answers and NS/SOA; never ownership.
    allowed: allOk || (forced && ownership.ok),
    forced,
    checksum: planChecksum(changes),
  };
}
