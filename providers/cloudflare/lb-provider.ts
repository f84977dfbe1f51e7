// Load-balancer mode: each managed name is a Cloudflare load balancer over one pool per region;
// health moves pool and origin `enabled` flags, config shapes the load balancers (see lb-spec.ts,
// lb-view.ts, lb-target.ts and README.md for the mapping). Writes are several calls, not one
// transaction: everything is read fresh and computed before the first write, pools are switched on
// before others are switched off, and load balancers are written after the pools they use.
import type { Registry } from 'prom-client';
import {
  type ApplyResult,
  bareName,
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
import { capabilitiesFor } from './definition.ts';
import { translateError } from './errors.ts';
import { type CfLoadBalancer, type CfPool, poolName } from './lb-model.ts';
import { checkLbConfig, lbSpec, specMatches } from './lb-spec.ts';
import { lbWrites } from './lb-target.ts';
import { buildLbView, type LbState } from './lb-view.ts';
import { leaseOps, leaseSets } from './lease-ops.ts';
import { listDnsRecords } from './list.ts';
import type { AdapterOptions, CloudflareConfig } from './records-provider.ts';
import { checkZone } from './zone-check.ts';
import { zoneLookup } from './zone-config.ts';

export class CloudflareLoadBalancerProvider implements DnsProvider {
  readonly kind = 'cloudflare';
  readonly capabilities = adapterCapabilities(capabilitiesFor('load-balancer'));
  readonly stats = { lists: 0, writes: 0, zoneChecks: 0 };
  private zoneChecked = false;
  private readonly accountId: string;

  constructor(
    readonly id: string,
    private readonly cfg: CloudflareConfig,
    private readonly ctx: ProviderContext,
    private readonly client: CfClient,
    private readonly options: AdapterOptions = {},
  ) {
    checkLbConfig(ctx.config, id, cfg.accountId);
    this.accountId = cfg.accountId!;
  }

  /** The request budget left per token, on the controller's metrics. */
  registerMetrics(registry: Registry): void {
    registerBudgetGauge(registry);
  }

  get budgetRemaining(): number {
    return this.client.budget.remaining;
  }

  /** Writes that succeeded in the current apply(), to say how far a failed one got. */
  private writesDone = 0;

  private async call<T>(action: string, zone: string, f: () => Promise<T>, write = false): Promise<T> {
    try {
      if (write) this.stats.writes++;
      else this.stats.lists++;
      const out = await f();
      if (write) this.writesDone++;
      return out;
    } catch (err) {
      const e = translateError(err, {
        provider: this.id,
        zone,
        zoneId: this.cfg.zoneId,
        tokenEnv: this.cfg.apiTokenEnv,
        action,
        loadBalancing: true,
      });
      if (!write || this.writesDone === 0) throw e;
      // Pools are written before the load balancers that use them, so what is there is consistent.
      throw new ProviderError(`${e.message}; ${this.writesDone} earlier write(s) of this apply were made`, {
        ...e.context,
        retryable: true,
        remedy: 're-plan: the next reconcile reads the load balancers again and finishes the rest',
      });
    }
  }

  private async read(zone: string, signal?: AbortSignal): Promise<LbState> {
    const opts = signal ? { signal } : undefined;
    if (!this.zoneChecked) {
      this.stats.zoneChecks++;
      await checkZone(this.client.sdk, this.id, this.cfg.zoneId, zone, signal, this.cfg.apiTokenEnv);
      this.zoneChecked = true;
    }
    // Pools first: an account without Load Balancing fails here, before anything else.
    const pools = await this.call('list load balancer pools', zone, async () => {
      const page = await this.client.sdk.loadBalancers.pools.list({ account_id: this.accountId }, opts);
      return page.result as unknown as CfPool[];
    });
    const lbs = await this.call('list load balancers', zone, async () => {
      const page = await this.client.sdk.loadBalancers.list({ zone_id: this.cfg.zoneId }, opts);
      return page.result as unknown as CfLoadBalancer[];
    });
    const dns = await this.call('list DNS records', zone, async () => {
      const { records, calls } = await listDnsRecords(
        this.client.sdk,
        this.cfg.zoneId,
        signal,
        this.options.perPage,
      );
      this.stats.lists += calls - 1;
      return records;
    });
    return { pools, lbs, dns };
  }

  async records(zone: string, query: RecordsQuery = {}, signal?: AbortSignal): Promise<RecordSet[]> {
    const state = await this.read(zone, signal);
    const sets = buildLbView(
      state,
      this.ctx.owner,
      query.names ?? [],
      zoneLookup(this.ctx.config, zone),
    ).sets;
    const leases = leaseSets(state.dns, query.names ?? []);
    return leases.length === 0 ? sets : sortRecords([...sets, ...leases]);
  }

  /** The writer's lease: a plain TXT DNS record beside the load balancers (lease-ops.ts). */
  private async applyLease(
    zone: string,
    changes: readonly Change[],
    signal?: AbortSignal,
  ): Promise<ApplyResult> {
    const opts = signal ? { signal } : undefined;
    const zone_id = this.cfg.zoneId;
    this.writesDone = 0;
    const dns = await this.call('list DNS records', zone, async () => {
      const { records, calls } = await listDnsRecords(this.client.sdk, zone_id, signal, this.options.perPage);
      this.stats.lists += calls - 1;
      return records;
    });
    const ops = leaseOps(changes, dns, { provider: this.id, zone, owner: this.ctx.owner });
    for (const o of ops) {
      await this.call(
        `write the writer's lease ${bareName(o.name)}`,
        zone,
        () =>
          this.client.sdk.dns.records.batch(
            { zone_id, deletes: o.deletes, patches: o.patches, posts: o.posts } as never,
            opts,
          ),
        true,
      );
    }
    return { applied: changes.length, calls: 1 + ops.length };
  }

  async apply(zone: string, changes: readonly Change[], signal?: AbortSignal): Promise<ApplyResult> {
    if (changes.length === 0) return { applied: 0, calls: 0 };
    if (changes.some(isLeaseChange)) return this.applyLease(zone, changes, signal);
    const opts = signal ? { signal } : undefined;
    const lookup = zoneLookup(this.ctx.config, zone);
    // Read-modify-write: always from a fresh read (a pool PATCH replaces its whole origins list).
    const state = await this.read(zone, signal);
    const w = lbWrites({
      provider: this.id,
      zone,
      owner: this.ctx.owner,
      config: this.ctx.config,
      lookup,
      state,
      changes,
    });
    let calls = 0;
    this.writesDone = 0;
    const account_id = this.accountId;
    const zone_id = this.cfg.zoneId;
    const poolIds = new Map<string, string>();
    for (const p of state.pools) poolIds.set(p.name, p.id);

    for (const c of w.poolCreates) {
      calls++;
      const created = await this.call(
        `create pool ${c.body.name}`,
        zone,
        () => this.client.sdk.loadBalancers.pools.create({ account_id, ...c.body } as never, opts),
        true,
      );
      poolIds.set(c.body.name, created.id!);
    }
    for (const u of w.poolUpdates) {
      calls++;
      await this.call(
        `update pool ${u.body.name}`,
        zone,
        () => this.client.sdk.loadBalancers.pools.edit(u.id, { account_id, ...u.body } as never, opts),
        true,
      );
    }
    for (const l of w.lbs) {
      const rec = lookup.atName(l.name)[0]!;
      const spec = lbSpec(
        l.name,
        rec,
        this.ctx.owner,
        (region) => {
          const id = poolIds.get(poolName(this.ctx.owner, region));
          if (!id) throw new Error(`internal: no pool for region ${region}`);
          return id;
        },
        l.weights,
      );
      if (l.existing && specMatches(l.existing, spec)) continue;
      calls++;
      if (l.existing) {
        // PATCH, not PUT: fields we do not manage (session affinity, rules) are the owner's to keep.
        const id = l.existing.id;
        await this.call(
          `update load balancer ${spec.name}`,
          zone,
          () => this.client.sdk.loadBalancers.edit(id, { zone_id, ...spec } as never, opts),
          true,
        );
      } else {
        await this.call(
          `create load balancer ${spec.name}`,
          zone,
          () => this.client.sdk.loadBalancers.create({ zone_id, ...spec } as never, opts),
          true,
        );
      }
    }
    for (let i = 0; i < w.dnsDeletes.length; i += this.cfg.batchSize) {
      const chunk = w.dnsDeletes.slice(i, i + this.cfg.batchSize);
      calls++;
      await this.call(
        `delete DNS records replaced by load balancers (${[...new Set(chunk.map((r) => bareName(normaliseName(r.name))))].join(', ').slice(0, 200)})`,
        zone,
        () => this.client.sdk.dns.records.batch({ zone_id, deletes: chunk.map((r) => ({ id: r.id })) }, opts),
        true,
      );
    }
    for (const d of w.lbDeletes) {
      calls++;
      await this.call(
        `delete load balancer ${d.name}`,
        zone,
        () => this.client.sdk.loadBalancers.delete(d.id, { zone_id }, opts),
        true,
      );
    }
    return { applied: changes.length, calls };
  }
}
