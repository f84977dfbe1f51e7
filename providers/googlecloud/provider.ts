// The Google Cloud DNS DnsProvider: reads a managed zone page by page, and writes each batch as ONE
// Change whose deletions are the sets exactly as read and whose additions are the sets wanted, so
// Cloud DNS itself enforces the compare-and-swap (a stale deletion is 412 conditionNotMet); then polls
// the change until `done`. Throttling and 5xx back off and retry; a write is never retried blind.
import type { Zone } from '@google-cloud/dns';
import type { Config } from '../../src/config/index.ts';
import type { Logger } from '../../src/log/index.ts';
import {
  type ApplyResult,
  type Change,
  ConflictError,
  InvalidChangeError,
  keyId,
  normaliseName,
  normaliseRecord,
  ProviderError,
  type RecordSet,
  sameRecord,
  UsageError,
} from '../../src/model/index.ts';
import { adapterCapabilities } from '../capabilities.ts';
import type { DnsProvider, RecordsQuery } from '../provider.ts';
import { selectReadable } from '../select-records.ts';
import { type Client, createClient } from './client.ts';
import { capabilities, type GoogleCloudConfig } from './definition.ts';
import { type ErrorScope, isNetwork, isThrottleOr5xx, mapError } from './errors.ts';
import { type Labels, labelsFor } from './labels.ts';
import { fromWire, groupProblem, type ReadResult, toWire, type WireRrset } from './mapping.ts';

export interface GoogleCloudOptions {
  /** Backoff for throttled and 5xx requests: full jitter in [0, min(capMs, baseMs * 2^attempt)). */
  retry?: { baseMs?: number; capMs?: number };
  /** Change polling: first interval, doubling up to maxMs, bounded by cfg.syncTimeout. */
  poll?: { firstMs?: number; maxMs?: number };
  /** Sets per Change (Cloud DNS allows 1000 additions and 1000 deletions; smaller keeps each change quick). */
  maxSetsPerChange?: number;
  pageSize?: number;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

const CAPABILITIES = adapterCapabilities(capabilities);

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });

const setKey = (name: string, type: string) => `${normaliseName(name)} ${type}`;

/** Sets grouped by type in order of first appearance (stable), as the client library sends them. */
function byType(sets: readonly WireRrset[]): WireRrset[] {
  const types = [...new Set(sets.map((s) => s.type))];
  return types.flatMap((t) => sets.filter((s) => s.type === t));
}

export class GoogleCloudProvider implements DnsProvider {
  readonly kind = 'googlecloud';
  readonly capabilities = CAPABILITIES;
  readonly stats = { list: 0, change: 0, getChange: 0, getZone: 0, retries: 0, calls: 0 };
  private client: Client | undefined;
  private readonly labels: Labels;
  private ready: Promise<{ zone: Zone; dnsName: string }> | undefined;
  /** The zone's sets as last read, by "name type": deletions are built from these, exactly. */
  private snapshot = new Map<string, WireRrset>();

  constructor(
    readonly id: string,
    readonly cfg: GoogleCloudConfig,
    readonly owner: string,
    config: Config,
    zoneName: string,
    private readonly opts: GoogleCloudOptions = {},
  ) {
    this.labels = labelsFor(config, id, zoneName, cfg.geoLocations);
  }

  private scope(zone: string, operation: string, note?: string): ErrorScope {
    return {
      provider: this.id,
      zone,
      project: this.cfg.project,
      managedZone: this.cfg.managedZone,
      operation,
      ...(note ? { note } : {}),
    };
  }

  /** One call with our retry policy: throttling and 5xx back off; network errors retry only reads. */
  private async call<T>(
    op: 'list' | 'change' | 'getChange' | 'getZone',
    fn: () => Promise<T>,
    scope: ErrorScope,
    signal?: AbortSignal,
  ): Promise<T> {
    const base = this.opts.retry?.baseMs ?? 500;
    const cap = this.opts.retry?.capMs ?? 30_000;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      try {
        this.stats[op]++;
        this.stats.calls++;
        return await fn();
      } catch (err) {
        const again =
          attempt + 1 < this.cfg.maxAttempts &&
          (isThrottleOr5xx(err) || (op !== 'change' && isNetwork(err) && !(err instanceof ProviderError)));
        if (!again) throw mapError(err, scope);
        const delay = Math.floor(Math.random() * Math.min(cap, base * 2 ** attempt));
        this.stats.retries++;
        this.opts.logger?.warn(
          {
            provider: this.id,
            zone: scope.zone,
            op,
            attempt: attempt + 1,
            delayMs: delay,
            code: (err as { code?: unknown }).code,
          },
          'googlecloud request retried',
        );
        await sleep(delay, signal);
      }
    }
  }

  /** Credentials and managed zone, checked once: each problem gives one clear error. */
  private prepare(zone: string, signal?: AbortSignal): Promise<{ zone: Zone; dnsName: string }> {
    if (!this.ready) {
      this.ready = (async () => {
        try {
          this.client ??= createClient(this.cfg, this.id, this.opts.env);
          await this.client.check();
        } catch (err) {
          throw mapError(err, this.scope(zone, 'credential lookup'));
        }
        const z = this.client.dns.zone(this.cfg.managedZone);
        const [meta] = await this.call(
          'getZone',
          () => z.getMetadata(),
          this.scope(zone, 'managed zone lookup'),
          signal,
        );
        return { zone: z, dnsName: normaliseName(String((meta as { dnsName?: string }).dnsName ?? '')) };
      })();
      this.ready.catch(() => {
        this.ready = undefined;
      });
    }
    return this.ready.then((r) => {
      if (r.dnsName !== normaliseName(zone))
        throw new UsageError(
          `googlecloud provider ${this.id}: managed zone ${this.cfg.managedZone} is ${r.dnsName}, not ${normaliseName(zone)}; nothing was read or written`,
          {
            provider: this.id,
            zone: normaliseName(zone),
            value: r.dnsName,
            remedy: `give zone ${normaliseName(zone)} a provider whose managedZone serves that DNS name`,
          },
        );
      return r;
    });
  }

  /** Every set of the managed zone, page by page; kept as the snapshot deletions are built from. */
  private async listAll(zoneName: string, zone: Zone, signal?: AbortSignal): Promise<WireRrset[]> {
    const out: WireRrset[] = [];
    let pageToken: string | undefined;
    for (let page = 1; ; page++) {
      const query = {
        autoPaginate: false,
        maxResults: this.opts.pageSize ?? 1000,
        ...(pageToken ? { pageToken } : {}),
      };
      const res = (await this.call(
        'list',
        () => zone.getRecords(query),
        this.scope(zoneName, `list page ${page}`),
        signal,
      )) as unknown as [unknown, unknown, { rrsets?: WireRrset[]; nextPageToken?: string }];
      out.push(...(res[2]?.rrsets ?? []));
      const next = res[2]?.nextPageToken;
      if (!next) break;
      if (next === pageToken || page >= 1000)
        throw new ProviderError(
          `googlecloud provider ${this.id}, zone ${zoneName}: the record listing does not advance; nothing was written`,
          {
            provider: this.id,
            zone: zoneName,
            remedy: 'this is an API fault; report it',
          },
        );
      pageToken = next;
    }
    this.snapshot = new Map(out.map((rr) => [setKey(rr.name, rr.type), rr]));
    return out;
  }

  async records(zone: string, query: RecordsQuery = {}, signal?: AbortSignal): Promise<RecordSet[]> {
    const z = normaliseName(zone);
    const { zone: handle } = await this.prepare(z, signal);
    const all = (await this.listAll(z, handle, signal)).map((rr) => fromWire(rr, this.labels));
    return selectRecords(all, this.owner, query.names ?? [], { provider: this.id, zone: z });
  }

  async apply(zone: string, changes: readonly Change[], signal?: AbortSignal): Promise<ApplyResult> {
    const z = normaliseName(zone);
    if (changes.length === 0) return { applied: 0, ids: [], calls: 0 };
    const { zone: handle } = await this.prepare(z, signal);
    const callsBefore = this.stats.calls;
    if (this.snapshot.size === 0) await this.listAll(z, handle, signal);
    // Group by set (name + type): Cloud DNS replaces a whole set, so a member's change rewrites its set.
    const groups = new Map<string, Change[]>();
    for (const c of changes) {
      const r = c.after ?? c.before;
      if (!r)
        throw new InvalidChangeError(`a ${c.kind} change carries no record`, { provider: this.id, zone: z });
      const k = setKey(r.name, r.type);
      groups.set(k, [...(groups.get(k) ?? []), c]);
    }
    const writes: { deletion?: WireRrset; addition?: WireRrset; count: number }[] = [];
    for (const [k, group] of groups) writes.push({ ...this.rewrite(z, k, group), count: group.length });
    const size = this.opts.maxSetsPerChange ?? 100;
    const batches: (typeof writes)[] = [];
    for (let i = 0; i < writes.length; i += size) batches.push(writes.slice(i, i + size));
    const ids: string[] = [];
    let applied = 0;
    let synced = true;
    const started = Date.now();
    for (const [i, batch] of batches.entries()) {
      const note =
        i === 0
          ? undefined
          : `${i} earlier change${i > 1 ? 's' : ''} with ${applied} record changes were applied; re-plan to see what is left`;
      // In the order the client library sends them (it groups a Change's sets by type), so an error
      // naming `entity.change.deletions[3]` can be traced to its set.
      const additions = byType(batch.flatMap((w) => (w.addition ? [w.addition] : [])));
      const deletions = byType(batch.flatMap((w) => (w.deletion ? [w.deletion] : [])));
      const add = additions.map((rr) => handle.record(rr.type.toLowerCase(), rr as never));
      const del = deletions.map((rr) => handle.record(rr.type.toLowerCase(), rr as never));
      const [, resp] = (await this.call(
        'change',
        () => handle.createChange({ add, delete: del }),
        {
          ...this.scope(z, `change ${i + 1}/${batches.length}`, note),
          change: { additions, deletions },
        },
        signal,
      )) as unknown as [unknown, { id?: string; status?: string }];
      if (resp?.id) ids.push(resp.id);
      applied += batch.reduce((n, w) => n + w.count, 0);
      for (const w of batch) {
        if (w.deletion) this.snapshot.delete(setKey(w.deletion.name, w.deletion.type));
        if (w.addition) this.snapshot.set(setKey(w.addition.name, w.addition.type), w.addition);
      }
      if (resp?.status !== 'done' && resp?.id)
        synced = (await this.waitDone(z, handle, resp.id, signal)) && synced;
    }
    this.opts.logger?.info(
      { provider: this.id, zone: z, applied, changes: batches.length, calls: this.stats.calls - callsBefore },
      'googlecloud changes applied',
    );
    const result: ApplyResult = { applied, ids, calls: this.stats.calls - callsBefore };
    if (synced) result.syncMs = Date.now() - started;
    return result;
  }

  /**
   * One set's deletion (exactly as read) and addition (its members after the changes). Each change's
   * `before` must match what was read, and a create must find no member: otherwise the zone moved
   * under us and nothing is sent.
   */
  private rewrite(
    zone: string,
    key: string,
    group: readonly Change[],
  ): { deletion?: WireRrset; addition?: WireRrset } {
    const current = this.snapshot.get(key);
    const read = current ? fromWire(current, this.labels) : { ok: true as const, records: [] };
    const where = { provider: this.id, zone, record: key };
    if (!read.ok)
      throw new ConflictError(
        `googlecloud provider ${this.id}, zone ${zone}: set ${key} cannot be read as geofailover records (${read.why})`,
        {
          ...where,
          remedy: 'restore or delete the hand-edited set, then re-plan',
        },
      );
    const members = new Map(read.records.map((r) => [keyId(r), r]));
    for (const c of group) {
      const before = c.before && normaliseRecord(c.before);
      const after = c.after && normaliseRecord(c.after);
      const k = keyId((after ?? before)!);
      const stored = members.get(k);
      if (c.kind === 'create' && stored)
        throw new ConflictError(
          `googlecloud provider ${this.id}, zone ${zone}: cannot create ${k}: it exists already; nothing was written`,
          {
            ...where,
            record: k,
            retryable: true,
            remedy: 're-read the zone and plan again',
          },
        );
      if (c.kind !== 'create' && (!stored || !before || !sameRecord(stored, before)))
        throw new ConflictError(
          `googlecloud provider ${this.id}, zone ${zone}: cannot ${c.kind} ${k}: it changed since it was read; nothing was written`,
          {
            ...where,
            record: k,
            retryable: true,
            remedy: 're-read the zone and plan again',
          },
        );
      if (after) members.set(k, after);
      else members.delete(k);
    }
    const next = [...members.values()];
    const problem = next.length > 0 ? groupProblem(next, this.cfg.geoLocations) : undefined;
    if (problem)
      throw new InvalidChangeError(
        `googlecloud provider ${this.id}, zone ${zone}: set ${key} cannot be written: ${problem}; nothing was written`,
        {
          ...where,
          remedy: 'fix the record config (validate names the field), then apply again',
        },
      );
    return {
      ...(current ? { deletion: current } : {}),
      ...(next.length > 0 ? { addition: toWire(next, this.cfg.geoLocations) } : {}),
    };
  }

  /**
   * Polls the change until `done` (true), bounded by syncTimeout (false, logged: the change was
   * accepted and will be done later).
   */
  private async waitDone(zoneName: string, zone: Zone, id: string, signal?: AbortSignal): Promise<boolean> {
    const start = Date.now();
    let delay = this.opts.poll?.firstMs ?? 250;
    for (;;) {
      const [meta] = (await this.call(
        'getChange',
        () => zone.change(id).getMetadata(),
        this.scope(zoneName, `get-change ${id}`),
        signal,
      )) as unknown as [{ status?: string }];
      if (meta?.status === 'done') return true;
      if (Date.now() - start + delay > this.cfg.syncTimeout) {
        this.opts.logger?.warn(
          { provider: this.id, zone: zoneName, change: id },
          'googlecloud change not done within syncTimeout; it was accepted',
        );
        return false;
      }
      await sleep(delay, signal);
      delay = Math.min(this.opts.poll?.maxMs ?? 5_000, delay * 2);
    }
  }
}

/**
 * What the contract says records() returns: every marker, everything at names marked with our owner,
 * everything at the query names. A set there we cannot express is an error naming it.
 */
export function selectRecords(
  all: readonly ReadResult[],
  owner: string,
  queryNames: readonly string[],
  where: { provider: string; zone: string },
): RecordSet[] {
  return selectReadable(
    all.flatMap((r) => (r.ok ? r.records : [])),
    all.flatMap((r) => (r.ok ? [] : [r])),
    owner,
    queryNames,
    {
      kind: 'googlecloud',
      ...where,
      noun: 'set',
      remedy:
        'geofailover manages plain, wrr and geo sets only: delete or restore the hand-edited set, or take the name out of config',
    },
  );
}
