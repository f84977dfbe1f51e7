// Records mode: a managed name is a set of A/AAAA (or one CNAME) Cloudflare records, one per value,
// changed through POST /zones/{id}/dns_records/batch so that a failover replaces a name's records in
// one all-or-nothing call. Reads list the zone once per page and keep what they saw for apply().
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import {
  type ApplyResult,
  type Change,
  isLeaseChange,
  normaliseName,
  ProviderError,
  type RecordSet,
  sortRecords,
} from '../../src/model/index.ts';
import { adapterCapabilities } from '../capabilities.ts';
import type { DnsProvider, ProviderContext, RecordsQuery } from '../provider.ts';
import { registerBudgetGauge } from './budget.ts';
import type { CfClient } from './client.ts';
import { capabilitiesFor, type cloudflareSchema } from './definition.ts';
import { translateError } from './errors.ts';
import { leaseOps, leaseSets } from './lease-ops.ts';
import { type CfRecord, listDnsRecords } from './list.ts';
import { type NameOps, packBatches, recordOps } from './records-ops.ts';
import { buildRecordsView } from './records-view.ts';
import { checkZone } from './zone-check.ts';
import { type ZoneLookup, zoneLookup } from './zone-config.ts';

export type CloudflareConfig = z.output<typeof cloudflareSchema>;

export interface AdapterOptions {
  /** Page size for DNS record lists (tests use small pages to exercise pagination). */
  perPage?: number;
}

function batchBody(batch: readonly NameOps[]) {
  return {
    deletes: batch.flatMap((n) => n.deletes),
    patches: batch.flatMap((n) => n.patches),
    posts: batch.flatMap((n) => n.posts),
  };
}

export class CloudflareRecordsProvider implements DnsProvider {
  readonly kind = 'cloudflare';
  readonly capabilities = adapterCapabilities(capabilitiesFor('records'));
  /** Requests made by this adapter (reads and writes), for benchmarks and logs. */
  readonly stats = { lists: 0, writes: 0, zoneChecks: 0 };
  private zoneChecked = false;
  /** What the last read saw, by zone: apply() works from it (the planner's `before` came from it). */
  private readonly lastRead = new Map<string, Map<string, CfRecord[]>>();

  constructor(
    readonly id: string,
    private readonly cfg: CloudflareConfig,
    private readonly ctx: ProviderContext,
    private readonly client: CfClient,
    private readonly options: AdapterOptions = {},
  ) {}

  /** The request budget left per token, on the controller's metrics. */
  registerMetrics(registry: Registry): void {
    registerBudgetGauge(registry);
  }

  /** Requests left in this token's budget window. */
  get budgetRemaining(): number {
    return this.client.budget.remaining;
  }

  private lookup(zone: string): ZoneLookup {
    return zoneLookup(this.ctx.config, zone);
  }

  private async ensureZone(zone: string, signal?: AbortSignal): Promise<void> {
    if (this.zoneChecked) return;
    this.stats.zoneChecks++;
    await checkZone(this.client.sdk, this.id, this.cfg.zoneId, zone, signal, this.cfg.apiTokenEnv);
    this.zoneChecked = true;
  }

  private async read(zone: string, signal?: AbortSignal): Promise<CfRecord[]> {
    await this.ensureZone(zone, signal);
    try {
      const { records, calls } = await listDnsRecords(
        this.client.sdk,
        this.cfg.zoneId,
        signal,
        this.options.perPage,
      );
      this.stats.lists += calls;
      return records;
    } catch (err) {
      throw translateError(err, {
        provider: this.id,
        zone,
        zoneId: this.cfg.zoneId,
        tokenEnv: this.cfg.apiTokenEnv,
        action: 'list DNS records',
      });
    }
  }

  async records(zone: string, query: RecordsQuery = {}, signal?: AbortSignal): Promise<RecordSet[]> {
    const all = await this.read(zone, signal);
    const view = buildRecordsView(all, this.ctx.owner, query.names ?? [], this.lookup(zone));
    this.lastRead.set(normaliseName(zone), view.byName);
    const leases = leaseSets(all, query.names ?? []);
    return leases.length === 0 ? view.sets : sortRecords([...view.sets, ...leases]);
  }

  async apply(zone: string, changes: readonly Change[], signal?: AbortSignal): Promise<ApplyResult> {
    if (changes.length === 0) return { applied: 0, calls: 0 };
    const key = normaliseName(zone);
    const ctx = { provider: this.id, zone };
    let ops: NameOps[];
    if (changes.some(isLeaseChange)) {
      // The writer's lease: a TXT record the managed-name view does not hold, checked on a fresh read.
      ops = leaseOps(changes, await this.read(zone, signal), { ...ctx, owner: this.ctx.owner });
    } else {
      let current = this.lastRead.get(key);
      if (!current) {
        await this.records(zone, {}, signal);
        current = this.lastRead.get(key)!;
      }
      // Everything is computed and validated before the first write: a bad change sends nothing.
      ops = recordOps({
        ...ctx,
        owner: this.ctx.owner,
        minTtl: this.cfg.minTtl,
        changes,
        current,
        lookup: this.lookup(zone),
      });
    }
    const batches = packBatches(ops, this.cfg.batchSize, ctx);
    // What we read is stale after a write, whatever happens next.
    this.lastRead.delete(key);
    let calls = 0;
    for (const [i, batch] of batches.entries()) {
      try {
        calls++;
        this.stats.writes++;
        await this.client.sdk.dns.records.batch(
          { zone_id: this.cfg.zoneId, ...batchBody(batch) },
          signal ? { signal } : undefined,
        );
      } catch (err) {
        const e = translateError(err, {
          provider: this.id,
          zone,
          zoneId: this.cfg.zoneId,
          tokenEnv: this.cfg.apiTokenEnv,
          action: `apply batch ${i + 1}/${batches.length} (${batch
            .map((n) => n.name)
            .join(', ')
            .slice(0, 200)})`,
          batch: true,
        });
        if (i === 0) throw e;
        throw new ProviderError(
          `${e.message}; batches 1-${i} of ${batches.length} were applied (each name is whole: its records changed together or not at all)`,
          { ...e.context, retryable: true, remedy: 're-plan: the next reconcile finishes the rest' },
        );
      }
    }
    return { applied: changes.length, calls, ids: batches.map((_, i) => `batch-${i + 1}`) };
  }
}
