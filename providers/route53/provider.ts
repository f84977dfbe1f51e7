// The Route 53 DnsProvider: reads a hosted zone with our own bounded pagination, writes change sets
// as compare-and-swap batches, waits for INSYNC with our own bounded poll, and sends every request
// through the account's shared budget and our retry policy.
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandOutput,
  type Route53Client,
  type RRType,
  type Change as WireChange,
} from '@aws-sdk/client-route-53';
import type { Logger } from '../../src/log/index.ts';
import {
  type ApplyResult,
  type Change,
  isLeaseChange,
  normaliseName,
  ProviderError,
  type RecordSet,
  UsageError,
} from '../../src/model/index.ts';
import { adapterCapabilities } from '../capabilities.ts';
import type { DnsProvider, RecordsQuery } from '../provider.ts';
import { selectReadable } from '../select-records.ts';
import { checkAliasTargets, inZoneAliases } from './alias-targets.ts';
import { planBatches, REQUEST_LIMITS, type RequestLimits } from './batch.ts';
import { type Clock, type RequestBudget, realClock, sharedBudget } from './budget.ts';
import { bareChangeId, bareZoneId, budgetKey, createClient, type Route53Config } from './client.ts';
import { capabilities } from './definition.ts';
import { type ErrorScope, mapError } from './errors.ts';
import { decodeName, fromWire, type ReadResult } from './mapping.ts';
import { validateChanges } from './record-checks.ts';
import { DEFAULT_RETRY, type RetryOptions, withRetry } from './retry.ts';

export interface PollOptions {
  firstMs: number;
  factor: number;
  maxMs: number;
}

export interface Route53Options {
  /** Overrides of the retry policy (tests use short delays). */
  retry?: Partial<RetryOptions>;
  /** GetChange polling: short first interval, then backoff up to maxMs, bounded by cfg.syncTimeout. */
  poll?: Partial<PollOptions>;
  /** Request limits (the real API's by default). */
  limits?: RequestLimits;
  /** ListResourceRecordSets MaxItems (Route 53 returns at most 300). */
  pageSize?: number;
  clock?: Clock;
  /** A prepared client (tests add middleware); by default one is built from config. */
  client?: Route53Client;
  /** The environment the provider was opened with (see createClient). */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

export interface Route53Stats {
  list: number;
  change: number;
  getChange: number;
  getZone: number;
  /** Attempts that failed and were retried. */
  retries: number;
  /** Every request sent, retries included. */
  calls: number;
}

const DEFAULT_POLL: PollOptions = { firstMs: 250, factor: 2, maxMs: 5_000 };
const CAPABILITIES = adapterCapabilities(capabilities);

type Op = 'list' | 'change' | 'getChange' | 'getZone';

export class Route53Provider implements DnsProvider {
  readonly kind = 'route53';
  readonly capabilities = CAPABILITIES;
  readonly client: Route53Client;
  readonly stats: Route53Stats = { list: 0, change: 0, getChange: 0, getZone: 0, retries: 0, calls: 0 };
  private readonly hostedZoneId: string;
  private readonly retry: RetryOptions;
  private readonly poll: PollOptions;
  private readonly limits: RequestLimits;
  private readonly pageSize: number;
  private readonly clock: Clock;
  private readonly logger: Logger | undefined;
  private ready: Promise<{ budget: RequestBudget; zoneName: string }> | undefined;

  constructor(
    readonly id: string,
    readonly cfg: Route53Config,
    readonly owner: string,
    opts: Route53Options = {},
  ) {
    this.hostedZoneId = bareZoneId(cfg.hostedZoneId);
    this.client = opts.client ?? createClient(cfg, opts.env);
    this.clock = opts.clock ?? realClock;
    this.retry = { ...DEFAULT_RETRY, clock: this.clock, ...opts.retry };
    this.poll = { ...DEFAULT_POLL, ...opts.poll };
    this.limits = opts.limits ?? REQUEST_LIMITS;
    this.pageSize = opts.pageSize ?? 300;
    this.logger = opts.logger;
  }

  private scope(zone: string, operation: string, note?: string): ErrorScope {
    return { provider: this.id, zone, hostedZoneId: this.hostedZoneId, operation, ...(note ? { note } : {}) };
  }

  /** One request: a budget token per attempt, our retry policy, typed errors. */
  private async send<T>(
    op: Op,
    budget: RequestBudget,
    // biome-ignore lint/suspicious/noExplicitAny: the SDK's command types are generic over the client's unions
    command: any,
    scope: ErrorScope,
    signal?: AbortSignal,
    batch?: readonly WireChange[],
  ): Promise<T> {
    try {
      return await withRetry(
        async () => {
          await budget.take(signal);
          this.stats[op]++;
          this.stats.calls++;
          return (await this.client.send(command, signal ? { abortSignal: signal } : {})) as T;
        },
        this.retry,
        signal,
        (err, attempt, delayMs) => {
          this.stats.retries++;
          this.logger?.warn(
            {
              provider: this.id,
              zone: scope.zone,
              op,
              attempt: attempt + 1,
              delayMs,
              error: (err as Error).name,
            },
            'route53 request retried',
          );
        },
      );
    } catch (err) {
      throw mapError(err, scope, batch);
    }
  }

  /**
   * Credentials and hosted zone, checked once before the first read or write: missing credentials,
   * an unknown hosted zone id or a hosted zone of another name each give one clear error.
   */
  private prepare(zone: string, signal?: AbortSignal): Promise<{ budget: RequestBudget; zoneName: string }> {
    if (!this.ready) {
      this.ready = (async () => {
        let accessKeyId: string;
        try {
          accessKeyId = (await this.client.config.credentials()).accessKeyId;
        } catch (err) {
          throw mapError(err, this.scope(zone, 'credential lookup'));
        }
        const budget = sharedBudget(budgetKey(this.cfg, accessKeyId), this.cfg.requestsPerSecond, this.clock);
        const out = await this.send<{ HostedZone?: { Name?: string } }>(
          'getZone',
          budget,
          new GetHostedZoneCommand({ Id: this.hostedZoneId }),
          this.scope(zone, 'hosted zone lookup'),
          signal,
        );
        return { budget, zoneName: decodeName(out.HostedZone?.Name ?? '') };
      })();
      this.ready.catch(() => {
        this.ready = undefined;
      });
    }
    return this.ready.then((r) => {
      if (r.zoneName !== normaliseName(zone))
        throw new UsageError(
          `route53 provider ${this.id}: hosted zone ${this.hostedZoneId} is ${r.zoneName}, not ${normaliseName(zone)}; nothing was read or written`,
          {
            provider: this.id,
            zone: normaliseName(zone),
            value: r.zoneName,
            remedy: `give zone ${normaliseName(zone)} a provider whose hostedZoneId is that zone's`,
          },
        );
      return r;
    });
  }

  /** Every record set of the hosted zone, read page by page with a hard cap. */
  private async listAll(zone: string, budget: RequestBudget, signal?: AbortSignal): Promise<ReadResult[]> {
    const out: ReadResult[] = [];
    let start: { name?: string; type?: string; id?: string } = {};
    for (let page = 0; ; page++) {
      if (page >= this.cfg.maxPages)
        throw new ProviderError(
          `route53 provider ${this.id}, zone ${zone}: more than ${this.cfg.maxPages} pages of record sets; stopped reading, nothing was written`,
          {
            provider: this.id,
            zone,
            limit: this.cfg.maxPages,
            remedy: `raise providers.${this.id}.maxPages if the zone really holds that many records`,
          },
        );
      const res = await this.send<ListResourceRecordSetsCommandOutput>(
        'list',
        budget,
        new ListResourceRecordSetsCommand({
          HostedZoneId: this.hostedZoneId,
          MaxItems: this.pageSize,
          ...(start.name ? { StartRecordName: start.name } : {}),
          ...(start.type ? { StartRecordType: start.type as RRType } : {}),
          ...(start.id ? { StartRecordIdentifier: start.id } : {}),
        }),
        this.scope(zone, `list page ${page + 1}`),
        signal,
      );
      for (const rr of res.ResourceRecordSets ?? []) out.push(fromWire(rr));
      if (!res.IsTruncated) return out;
      const next = { name: res.NextRecordName, type: res.NextRecordType, id: res.NextRecordIdentifier };
      if (!next.name || (next.name === start.name && next.type === start.type && next.id === start.id))
        throw new ProviderError(
          `route53 provider ${this.id}, zone ${zone}: the record listing does not advance (page ${page + 1} points at itself); nothing was written`,
          { provider: this.id, zone, value: next, remedy: 'this is an API or emulator fault; report it' },
        );
      start = next;
    }
  }

  async records(zone: string, query: RecordsQuery = {}, signal?: AbortSignal): Promise<RecordSet[]> {
    const z = normaliseName(zone);
    const { budget } = await this.prepare(z, signal);
    const all = await this.listAll(z, budget, signal);
    return selectRecords(all, this.owner, query.names ?? [], { provider: this.id, zone: z });
  }

  async apply(zone: string, changes: readonly Change[], signal?: AbortSignal): Promise<ApplyResult> {
    const z = normaliseName(zone);
    if (changes.length === 0) return { applied: 0, ids: [], calls: 0 };
    // Everything that can be refused is refused before the first request.
    validateChanges(z, changes);
    const batches = planBatches(changes, this.limits);
    const callsBefore = this.stats.calls;
    const { budget } = await this.prepare(z, signal);
    const aliases = inZoneAliases(changes, this.hostedZoneId);
    if (aliases.length > 0) checkAliasTargets(z, aliases, await this.listAll(z, budget, signal), changes);
    // The writer's lease is read back through this API (which shows a change once accepted), never
    // resolved: waiting for INSYNC would only hold its renewal up for tens of seconds.
    const lease = changes.every(isLeaseChange);
    const ids: string[] = [];
    let applied = 0;
    for (const [i, b] of batches.entries()) {
      const note =
        i === 0
          ? undefined
          : `${i} earlier batch${i > 1 ? 'es' : ''} with ${applied} changes were applied; re-plan to see what is left`;
      const res = await this.send<{ ChangeInfo?: { Id?: string } }>(
        'change',
        budget,
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: this.hostedZoneId,
          ChangeBatch: {
            Comment: lease
              ? `geofailover owner=${this.owner} writer lease`
              : `geofailover owner=${this.owner} batch ${i + 1}/${batches.length}`,
            Changes: b.changes,
          },
        }),
        this.scope(z, `change batch ${i + 1}/${batches.length}`, note),
        signal,
        b.changes,
      );
      if (res.ChangeInfo?.Id) ids.push(bareChangeId(res.ChangeInfo.Id));
      applied += b.count;
    }
    const syncMs = lease ? undefined : await this.waitInSync(z, budget, ids, signal);
    this.logger?.info(
      {
        provider: this.id,
        zone: z,
        applied,
        batches: batches.length,
        syncMs,
        calls: this.stats.calls - callsBefore,
      },
      'route53 changes applied',
    );
    const result: ApplyResult = { applied, ids, calls: this.stats.calls - callsBefore };
    if (syncMs !== undefined) result.syncMs = syncMs;
    return result;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /**
   * Polls GetChange until every change is INSYNC: short first interval, then backoff, bounded by
   * cfg.syncTimeout. A timeout is logged, not thrown: the change was accepted and will sync.
   */
  private async waitInSync(
    zone: string,
    budget: RequestBudget,
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<number | undefined> {
    const start = this.clock.now();
    // The last change syncs last (Route 53 applies a zone's changes in order): check it first.
    const pending = [...ids].reverse();
    let delay = this.poll.firstMs;
    while (pending.length > 0) {
      const id = pending[0]!;
      const res = await this.send<{ ChangeInfo?: { Status?: string } }>(
        'getChange',
        budget,
        new GetChangeCommand({ Id: id }),
        this.scope(zone, `get-change ${id}`),
        signal,
      );
      if (res.ChangeInfo?.Status === 'INSYNC') {
        pending.shift();
        continue;
      }
      const elapsed = this.clock.now() - start;
      if (elapsed + delay > this.cfg.syncTimeout) {
        this.logger?.warn(
          { provider: this.id, zone, pending, elapsedMs: Math.round(elapsed) },
          'route53 change not INSYNC within syncTimeout; it was accepted and will sync later',
        );
        return undefined;
      }
      await this.clock.sleep(delay, signal);
      delay = Math.min(this.poll.maxMs, delay * this.poll.factor);
    }
    return Math.round(this.clock.now() - start);
  }
}

/**
 * What the contract says records() returns: every marker (any owner), everything at a name marked
 * with our owner id, everything at the query names. A record there that we cannot express is an
 * error naming it, so nothing is planned, and so nothing written, on top of a hand edit.
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
      kind: 'route53',
      ...where,
      noun: 'record',
      remedy:
        'geofailover manages simple, weighted and geolocation records only: delete or restore the hand-edited record, or take the name out of config',
    },
  );
}
