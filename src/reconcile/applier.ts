// The applier: the ONLY caller of provider.apply(). Dry-run is decided here, once, never inside an
// adapter (external-dns shipped adapters whose own dry-run flag still wrote). A refused plan is never
// applied, an empty change set is never sent, and after a write the zone is read and planned again:
// anything left over means the provider did not end up where the plan said, and is an error.

import type { DnsProvider } from '../../providers/index.ts';
import type { ApplyResult } from '../model/index.ts';
import { type Change, InvalidChangeError, isLeaseChange, ProviderError } from '../model/index.ts';
import type { ZonePlan } from '../plan/index.ts';

export type ApplyMode = 'apply' | 'dry-run';

/**
 * What happened to one zone's plan:
 *  - `applied`: the changes were written and a re-plan found nothing left;
 *  - `dry-run`: the mode said not to write; nothing was sent;
 *  - `refused`: the safety gate refused the plan (allowed=false); nothing was sent;
 *  - `no-changes`: the plan was empty; nothing was sent.
 */
export type ApplyStatus = 'applied' | 'dry-run' | 'refused' | 'no-changes';

export interface ApplyOutcome {
  zone: string;
  provider: string;
  status: ApplyStatus;
  /** Changes sent to the provider (applied) or that would have been (dry-run, refused). */
  changes: number;
  /** The provider's own report, when changes were sent. */
  result?: ApplyResult;
  /** Set after an apply: the re-plan found zero changes. */
  verified?: boolean;
}

export interface ApplyZoneOptions {
  mode: ApplyMode;
  signal?: AbortSignal;
  /**
   * Reads the provider again and plans the zone again (same config, states and options). Called only
   * after a write; without it the write is not verified (`verified` stays undefined).
   */
  replan?: (signal?: AbortSignal) => Promise<ZonePlan>;
}

/** A write succeeded but planning again still finds changes: the provider is not where the plan said. */
export class NotConvergedError extends ProviderError {
  readonly remaining: readonly Change[];
  constructor(plan: ZonePlan, remaining: readonly Change[]) {
    const sample = remaining
      .slice(0, 3)
      .map((c) =>
        `${c.kind} ${(c.after ?? c.before)?.name ?? '?'} ${(c.after ?? c.before)?.type ?? ''}`.trim(),
      )
      .join(', ');
    super(
      `zone ${plan.zone} (provider ${plan.provider}): after applying ${plan.changes.length} change(s), ` +
        `planning again still finds ${remaining.length}: ${sample}${remaining.length > 3 ? ', …' : ''}`,
      {
        zone: plan.zone,
        provider: plan.provider,
        value: remaining.length,
        remedy:
          'the provider changed the records on write or another writer manages them; run `geofailover plan` to see the difference',
      },
    );
    this.remaining = remaining;
  }
}

export async function applyZonePlan(
  plan: ZonePlan,
  provider: DnsProvider,
  opts: ApplyZoneOptions,
): Promise<ApplyOutcome> {
  const base = { zone: plan.zone, provider: plan.provider, changes: plan.changes.length };
  if (provider.id !== plan.provider) {
    // A plan applied through the wrong adapter would write one provider's view into another.
    throw new ProviderError(`zone ${plan.zone}: plan is for provider ${plan.provider}, not ${provider.id}`, {
      zone: plan.zone,
      provider: provider.id,
      remedy: 'apply each zone plan through the provider it was planned against',
    });
  }
  if (plan.changes.length === 0) return { ...base, status: 'no-changes' };
  if (!plan.allowed) return { ...base, status: 'refused' };
  if (opts.mode === 'dry-run') return { ...base, status: 'dry-run' };

  opts.signal?.throwIfAborted();
  const result = await provider.apply(plan.zone, plan.changes, opts.signal);
  if (!opts.replan) return { ...base, status: 'applied', result };

  const again = await opts.replan(opts.signal);
  if (again.changes.length > 0) throw new NotConvergedError(plan, again.changes);
  return { ...base, status: 'applied', result, verified: true };
}

/**
 * The writer's lease (lease-keeper.ts): one change at a lease name, sent as it is. It is not a plan:
 * it publishes no answer anyone resolves for service, so there is no safety gate and no re-plan (the
 * keeper reads it back on its next renewal), and the keeper never runs in dry-run. Anything else is
 * refused here, so this path cannot write a record past the gate.
 */
export async function applyLeaseChange(
  provider: DnsProvider,
  zone: string,
  change: Change,
  signal?: AbortSignal,
): Promise<ApplyResult> {
  const r = (change.after ?? change.before)!;
  if (change.reason.code !== 'lease' || !isLeaseChange(change)) {
    throw new InvalidChangeError(`zone ${zone}: ${r.name} ${r.type} is not a writer's lease record`, {
      zone,
      provider: provider.id,
      record: `${r.name} ${r.type}`,
      remedy: 'write published records through a plan (applyZonePlan)',
    });
  }
  signal?.throwIfAborted();
  return provider.apply(zone, [change], signal);
}
