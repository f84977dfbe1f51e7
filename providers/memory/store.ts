// The strict in-memory provider (external-dns's inmemory provider is the model): create of an
// existing key, update or delete of a missing key or of a record that differs from `before`, and
// duplicate keys in one batch are errors, and a failed batch applies nothing.
import {
  type ApplyResult,
  type Change,
  ConflictError,
  InvalidChangeError,
  inZone,
  isMarkerName,
  keyId,
  markedName,
  markerOwner,
  normaliseName,
  normaliseRecord,
  type RecordKey,
  type RecordSet,
  sameRecord,
} from '../../src/model/index.ts';
import { adapterCapabilities } from '../capabilities.ts';
import type { DnsProvider, RecordsQuery } from '../provider.ts';
import { capabilities } from './definition.ts';

function describe(r: RecordSet): string {
  return `${keyId(r)} ttl ${r.ttl} [${r.values.join(', ')}]${r.weight === undefined ? '' : ` weight ${r.weight}`}`;
}

export class MemoryProvider implements DnsProvider {
  readonly kind = 'memory';
  readonly capabilities = adapterCapabilities(capabilities);
  /** apply() calls, failed ones included. */
  applyCalls = 0;
  /** records() calls. */
  readCalls = 0;
  private failures: Error[] = [];

  /** `store` lets several instances (say, two controllers with different owner ids) share one zone store. */
  constructor(
    readonly id: string,
    readonly owner: string,
    initial: readonly RecordSet[] = [],
    private readonly store: Map<string, RecordSet> = new Map(),
  ) {
    for (const r of initial) this.put(r);
  }

  /** Out-of-band write (a person editing the zone, drift, seeding a test); replaces the key. */
  put(record: RecordSet): void {
    const r = normaliseRecord(record);
    this.store.set(keyId(r), r);
  }

  /** Out-of-band removal; true when the key existed. */
  remove(key: RecordKey): boolean {
    return this.store.delete(keyId(key));
  }

  /** The next apply() calls throw these errors, in turn, without applying anything (applier tests). */
  failNextApply(...errors: Error[]): void {
    this.failures.push(...errors);
  }

  /** Every record stored in `zone` (markers, NS, SOA, anyone's), sorted by key. */
  all(zone: string): RecordSet[] {
    return [...this.store.values()]
      .filter((r) => inZone(r.name, zone))
      .sort((a, b) => (keyId(a) < keyId(b) ? -1 : keyId(a) > keyId(b) ? 1 : 0))
      .map((r) => structuredClone(r));
  }

  async records(zone: string, query: RecordsQuery = {}, signal?: AbortSignal): Promise<RecordSet[]> {
    signal?.throwIfAborted();
    this.readCalls++;
    const inside = this.all(zone);
    const owned = new Set<string>();
    for (const r of inside) {
      if (isMarkerName(r.name) && r.type === 'TXT' && markerOwner(r) === this.owner)
        owned.add(markedName(r.name));
    }
    const asked = new Set((query.names ?? []).map(normaliseName));
    return inside.filter((r) => isMarkerName(r.name) || owned.has(r.name) || asked.has(r.name));
  }

  async apply(zone: string, changes: readonly Change[], signal?: AbortSignal): Promise<ApplyResult> {
    this.applyCalls++;
    signal?.throwIfAborted();
    const failure = this.failures.shift();
    if (failure) throw failure;
    const ctx = { zone: normaliseName(zone), provider: this.id };
    // Validate the whole batch against the store first; only then write (all or nothing).
    const seen = new Set<string>();
    const writes: { key: string; after?: RecordSet }[] = [];
    for (const c of changes) {
      const before = c.before && normaliseRecord(c.before);
      const after = c.after && normaliseRecord(c.after);
      const subject = after ?? before;
      if (!subject) {
        throw new InvalidChangeError(`a ${c.kind} change carries no record`, {
          ...ctx,
          remedy: 'give create an `after`, update both `before` and `after`, delete a `before`',
        });
      }
      const key = keyId(subject);
      const where = { ...ctx, record: key };
      if (seen.has(key)) {
        throw new InvalidChangeError(`record ${key} appears twice in one batch`, {
          ...where,
          remedy: 'plan each key once per apply',
        });
      }
      seen.add(key);
      if (!inZone(subject.name, zone)) {
        throw new InvalidChangeError(`record ${key} is outside zone ${ctx.zone}`, {
          ...where,
          remedy: 'change only records inside the zone',
        });
      }
      if (after) this.validate(after, where);
      if (c.kind === 'update' && (!before || !after || keyId(before) !== keyId(after))) {
        throw new InvalidChangeError(`update of ${key} needs a before and an after with the same key`, where);
      }
      if (c.kind === 'create' && (!after || before)) {
        throw new InvalidChangeError(`create of ${key} must carry only an after`, where);
      }
      if (c.kind === 'delete' && (!before || after)) {
        throw new InvalidChangeError(`delete of ${key} must carry only a before`, where);
      }
      const stored = this.store.get(key);
      if (c.kind === 'create' && stored) {
        throw new ConflictError(`cannot create ${key}: it already exists (${describe(stored)})`, {
          ...where,
          value: stored,
          remedy: 're-read the zone and plan again',
        });
      }
      if (c.kind !== 'create') {
        if (!stored) {
          throw new ConflictError(`cannot ${c.kind} ${key}: it does not exist`, {
            ...where,
            remedy: 're-read the zone and plan again',
          });
        }
        if (!sameRecord(stored, before!)) {
          throw new ConflictError(
            `cannot ${c.kind} ${key}: it changed since it was read (stored ${describe(stored)}, expected ${describe(before!)})`,
            { ...where, value: stored, remedy: 're-read the zone and plan again' },
          );
        }
      }
      writes.push(c.kind === 'delete' ? { key } : { key, after: after! });
    }
    for (const w of writes) {
      if (w.after) this.store.set(w.key, w.after);
      else this.store.delete(w.key);
    }
    return { applied: changes.length, calls: 1 };
  }

  private validate(r: RecordSet, where: { zone: string; provider: string; record: string }): void {
    if (r.values.length === 0) {
      throw new InvalidChangeError(`record ${where.record} has no values`, {
        ...where,
        remedy: 'never publish an empty record set',
      });
    }
    if (!Number.isInteger(r.ttl) || r.ttl < 0 || r.ttl > 2_147_483_647) {
      throw new InvalidChangeError(`record ${where.record} has an invalid ttl ${r.ttl}`, {
        ...where,
        value: r.ttl,
        limit: '0-2147483647',
      });
    }
    if (r.weight !== undefined && (!Number.isInteger(r.weight) || r.weight < 0 || r.weight > 255)) {
      throw new InvalidChangeError(`record ${where.record} has weight ${r.weight} outside 0-255`, {
        ...where,
        value: r.weight,
        limit: '0-255',
      });
    }
  }
}
