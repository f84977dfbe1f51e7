// The Azure DNS DnsProvider: reads the zone's record sets with their ETags, and writes each change
// as one PUT or DELETE carrying If-Match (the ETag read) or If-None-Match: * (create), so a set that
// changed after the read is refused (412) and re-planned, never overwritten. Azure has no batch:
// markers are written before the records they mark and removed after them, so a batch cut short
// leaves nothing unowned, and the next reconcile finishes it.
import type {
  RecordSet as AzureRecordSet,
  RecordType as AzureRecordType,
  DnsManagementClient,
} from '@azure/arm-dns';
import type { TokenCredential } from '@azure/identity';
import type { Logger } from '../../src/log/index.ts';
import {
  type ApplyResult,
  type Change,
  ConflictError,
  InvalidChangeError,
  isMarkerName,
  keyId,
  normaliseName,
  normaliseRecord,
  type RecordSet,
  sameRecord,
} from '../../src/model/index.ts';
import { adapterCapabilities } from '../capabilities.ts';
import type { DnsProvider, RecordsQuery } from '../provider.ts';
import { selectReadable } from '../select-records.ts';
import { createClient } from './client.ts';
import { type AzureConfig, capabilities } from './definition.ts';
import { type ErrorScope, mapError } from './errors.ts';
import { fromWire, type ReadResult, relativeName, toWire } from './mapping.ts';

export interface AzureOptions {
  /** A credential to use instead of the one config names (tests, embedding). */
  credential?: TokenCredential;
  /** First retry delay of the SDK's policy (tests shorten it). */
  retryDelayInMs?: number;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

const CAPABILITIES = adapterCapabilities(capabilities);

interface Snap {
  record: RecordSet;
  etag: string;
}

/** Write order: marker creates/updates, record writes, record deletes, marker deletes. */
function rank(c: Change): number {
  const r = (c.after ?? c.before)!;
  const marker = r.type === 'TXT' && isMarkerName(r.name);
  if (c.kind === 'delete') return marker ? 3 : 2;
  return marker ? 0 : 1;
}

export class AzureProvider implements DnsProvider {
  readonly kind = 'azure';
  readonly capabilities = CAPABILITIES;
  readonly stats = { list: 0, write: 0, getZone: 0, calls: 0 };
  private client: DnsManagementClient | undefined;
  /** Zone lookups, once per zone (one provider serves every zone of its resource group). */
  private ready = new Map<string, Promise<DnsManagementClient>>();
  /** Per zone, the sets as last read, by key: the ETag each write is conditioned on. */
  private snapshots = new Map<string, Map<string, Snap>>();

  private snap(zone: string): Map<string, Snap> {
    let s = this.snapshots.get(zone);
    if (!s) {
      s = new Map();
      this.snapshots.set(zone, s);
    }
    return s;
  }

  constructor(
    readonly id: string,
    readonly cfg: AzureConfig,
    readonly owner: string,
    private readonly opts: AzureOptions = {},
  ) {}

  private scope(zone: string, operation: string, extra: { record?: string; note?: string } = {}): ErrorScope {
    return {
      provider: this.id,
      zone,
      subscriptionId: this.cfg.subscriptionId,
      resourceGroup: this.cfg.resourceGroup,
      operation,
      ...(extra.record ? { record: extra.record } : {}),
      ...(extra.note ? { note: extra.note } : {}),
    };
  }

  /** Credentials and zone, checked once before the first read or write. */
  private prepare(zone: string, signal?: AbortSignal): Promise<DnsManagementClient> {
    let ready = this.ready.get(zone);
    if (!ready) {
      ready = (async () => {
        try {
          this.client ??= createClient(
            this.cfg,
            this.id,
            this.opts.env ?? process.env,
            this.opts.credential,
            this.opts.retryDelayInMs,
          );
          this.stats.getZone++;
          this.stats.calls++;
          await this.client.zones.get(this.cfg.resourceGroup, zone.replace(/\.$/, ''), {
            abortSignal: signal,
          });
        } catch (err) {
          throw mapError(err, this.scope(zone, 'zone lookup'));
        }
        return this.client;
      })();
      this.ready.set(zone, ready);
      ready.catch(() => this.ready.delete(zone));
    }
    return ready;
  }

  async records(zone: string, query: RecordsQuery = {}, signal?: AbortSignal): Promise<RecordSet[]> {
    const z = normaliseName(zone);
    const client = await this.prepare(z, signal);
    const all: ReadResult[] = [];
    try {
      const pages = client.recordSets
        .listByDnsZone(this.cfg.resourceGroup, z.replace(/\.$/, ''), { top: 100, abortSignal: signal })
        .byPage();
      for await (const page of pages) {
        this.stats.list++;
        this.stats.calls++;
        for (const rs of page as AzureRecordSet[]) all.push(fromWire(rs, z));
      }
    } catch (err) {
      throw mapError(err, this.scope(z, 'list'));
    }
    this.snapshots.set(
      z,
      new Map(all.flatMap((r) => (r.ok ? [[keyId(r.record), { record: r.record, etag: r.etag }]] : []))),
    );
    return selectRecords(all, this.owner, query.names ?? [], { provider: this.id, zone: z });
  }

  async apply(zone: string, changes: readonly Change[], signal?: AbortSignal): Promise<ApplyResult> {
    const z = normaliseName(zone);
    if (changes.length === 0) return { applied: 0, calls: 0 };
    const client = await this.prepare(z, signal);
    const callsBefore = this.stats.calls;
    // Everything that can be refused is refused before the first write.
    for (const c of changes) this.check(z, c);
    const ordered = [...changes].sort((a, b) => rank(a) - rank(b));
    let applied = 0;
    for (const c of ordered) {
      const r = normaliseRecord((c.after ?? c.before)!);
      const key = keyId(r);
      const rel = relativeName(r.name, z);
      const op = `${c.kind} ${rel} ${r.type}`;
      const note =
        applied > 0
          ? `${applied} of ${changes.length} changes were applied before it; re-plan to see what is left`
          : undefined;
      const scope = this.scope(z, op, { record: key, ...(note ? { note } : {}) });
      this.stats.write++;
      this.stats.calls++;
      try {
        if (c.kind === 'delete') {
          await client.recordSets.delete(
            this.cfg.resourceGroup,
            z.replace(/\.$/, ''),
            rel,
            r.type as AzureRecordType,
            {
              ifMatch: this.snap(z).get(key)!.etag,
              abortSignal: signal,
            },
          );
          this.snap(z).delete(key);
        } else {
          const res = await client.recordSets.createOrUpdate(
            this.cfg.resourceGroup,
            z.replace(/\.$/, ''),
            rel,
            r.type as AzureRecordType,
            toWire(c.after!),
            c.kind === 'create'
              ? { ifNoneMatch: '*', abortSignal: signal }
              : { ifMatch: this.snap(z).get(key)!.etag, abortSignal: signal },
          );
          this.snap(z).set(key, { record: normaliseRecord(c.after!), etag: res.etag ?? '' });
        }
      } catch (err) {
        // A 412 after the SDK retried a write whose connection dropped may be our own write: read
        // the set and accept the outcome when it is what we meant to write.
        if (
          (err as { statusCode?: number }).statusCode === 412 &&
          (await this.landed(client, z, rel, c, signal))
        ) {
          applied++;
          continue;
        }
        throw mapError(err, scope);
      }
      applied++;
    }
    this.opts.logger?.info(
      { provider: this.id, zone: z, applied, calls: this.stats.calls - callsBefore },
      'azure changes applied',
    );
    return { applied, calls: this.stats.calls - callsBefore };
  }

  /** Whether the set now holds exactly what change `c` meant (then a 412 was our own earlier attempt). */
  private async landed(
    client: DnsManagementClient,
    zone: string,
    rel: string,
    c: Change,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const r = (c.after ?? c.before)!;
    try {
      this.stats.calls++;
      const now = await client.recordSets.get(
        this.cfg.resourceGroup,
        zone.replace(/\.$/, ''),
        rel,
        r.type as AzureRecordType,
        {
          abortSignal: signal,
        },
      );
      const read = fromWire(now, zone);
      if (!c.after || !read.ok || !sameRecord(read.record, normaliseRecord(c.after))) return false;
      this.snap(zone).set(keyId(read.record), { record: read.record, etag: read.etag });
      return true;
    } catch (err) {
      const gone = (err as { statusCode?: number }).statusCode === 404;
      if (gone && c.kind === 'delete') this.snap(zone).delete(keyId(normaliseRecord(c.before!)));
      return gone && c.kind === 'delete';
    }
  }

  /** A change Azure DNS cannot express, or whose `before` is not what was read, is refused unsent. */
  private check(zone: string, c: Change): void {
    const r = c.after ?? c.before;
    const where = { provider: this.id, zone };
    if (!r) throw new InvalidChangeError(`a ${c.kind} change carries no record`, where);
    const key = keyId(normaliseRecord(r));
    if (r.setId !== undefined || r.weight !== undefined || r.geo !== undefined)
      throw new InvalidChangeError(
        `azure provider ${this.id}, zone ${zone}: ${key} is a weighted or geo member; Azure DNS record sets have no routing (Azure Traffic Manager does that); nothing was written`,
        { ...where, record: key, remedy: 'use a failover policy for records on Azure DNS' },
      );
    if (!['A', 'AAAA', 'CNAME', 'TXT'].includes(r.type))
      throw new InvalidChangeError(
        `azure provider ${this.id}, zone ${zone}: ${key}: type ${r.type} is never written`,
        {
          ...where,
          record: key,
        },
      );
    if (c.kind === 'create') return;
    const snap = this.snap(zone).get(key);
    if (!snap || !c.before || !sameRecord(snap.record, normaliseRecord(c.before)))
      throw new ConflictError(
        `azure provider ${this.id}, zone ${zone}: cannot ${c.kind} ${key}: it is not what was read; nothing was written`,
        {
          ...where,
          record: key,
          retryable: true,
          remedy: 're-read the zone and plan again',
        },
      );
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
    all.flatMap((r) => (r.ok ? [r.record] : [])),
    all.flatMap((r) => (r.ok ? [] : [r])),
    owner,
    queryNames,
    {
      kind: 'azure',
      ...where,
      noun: 'set',
      remedy: 'delete or restore the hand-edited set, or take the name out of config',
    },
  );
}
