// The DnsProvider contract every adapter implements. Adapters read and write; they never decide
// (no dry-run flag here: only the applier in src/controller calls apply()).

import type { Registry } from 'prom-client';
import type { Config } from '../src/config/index.ts';
import type { Logger } from '../src/log/index.ts';
import type { ApplyResult, Change, RecordSet } from '../src/model/index.ts';
import type { AdapterCapabilities } from './capabilities.ts';

export interface RecordsQuery {
  /** Names (any form; adapters normalise) the caller intends to manage. */
  names?: readonly string[];
}

export interface DnsProvider {
  readonly id: string;
  readonly kind: string;
  /** Derived from the kind's declaration in its definition.ts (adapterCapabilities). */
  readonly capabilities: AdapterCapabilities;
  /**
   * What the planner needs to see of a zone, normalised:
   *  (a) every ownership marker (TXT at `_geofailover.<name>`, value `owner=<id>`), whatever its owner;
   *  (b) every record at a name whose marker names this provider's owner id;
   *  (c) every record at `query.names` (the names config wants to manage), so the planner can
   *      see foreign records there and refuse them unless adopting.
   * Nothing else: records at other names are never read into a plan and so never touched.
   */
  records(zone: string, query?: RecordsQuery, signal?: AbortSignal): Promise<RecordSet[]>;
  /**
   * Apply a change set. Changes are normalised records; `before` of an update/delete is the exact
   * record the planner read (adapters that can, use it as a compare-and-swap precondition).
   */
  apply(zone: string, changes: readonly Change[], signal?: AbortSignal): Promise<ApplyResult>;
  /** Optional: release sockets, timers. */
  close?(): Promise<void>;
  /** Optional: put the kind's own gauges on the controller's metrics registry (idempotent per registry). */
  registerMetrics?(registry: Registry): void;
}

export interface ProviderContext {
  /** Ownership id (config.owner): adapters use it to recognise their markers. */
  owner: string;
  config: Config;
  env: NodeJS.ProcessEnv;
  logger?: Logger;
}

/** Every adapter module (providers/<kind>/index.ts) exports a function of this shape named `createProvider`. */
export type ProviderFactory<C> = (
  id: string,
  cfg: C,
  ctx: ProviderContext,
) => DnsProvider | Promise<DnsProvider>;
