// What a check kind brings: the schema of an endpoint's `check` of that kind and how a check of that
// shape becomes one ready to run. Definitions stay light (zod, the shared config fields and
// src/model; the socket code a check runs is imported on its first run, see lazy.ts) because the
// config schema is built from them.
import type { z } from 'zod';
import type { AddressFamily } from '../../model/index.ts';
import type { RunnableCheck } from './outcome.ts';

/** What a check is aimed at besides its own config. */
export interface CheckTarget {
  /** The endpoint's address, which a check without its own host or server uses. */
  address: string;
  /** The timeout of a check that sets none (health.timeout). */
  timeoutMs: number;
  /**
   * Set for a dual-stack endpoint, whose check runs once per address family: the check must then
   * connect to `address` (that family's), whatever host its own config names, which stays the name
   * it asks for (HTTP Host, TLS SNI); its port is kept. Otherwise one family's result would say
   * nothing about that family's path.
   */
  family?: AddressFamily;
  /**
   * Reads and checks the PEM CA bundle a check names in `field` (e.g. `ca`), throwing an Error that
   * names the file, where the config sets it, and the remedy. Given by the agent, which may load
   * files; absent where only the shape of a check is compiled (then a check that needs one refuses).
   */
  readCa?: (path: string, field: string) => string;
}

export interface CheckDefinition<K extends string = string, S extends z.ZodType = z.ZodType> {
  /** The `kind` values the schema accepts; several only where they share one schema (http, https). */
  readonly kinds: readonly [K, ...K[]];
  readonly schema: S;
  /** The check ready to run; throws an Error naming the problem when it cannot be run. */
  compile(check: z.output<S>, target: CheckTarget): RunnableCheck;
}

/** Identity, for inference: `export const tcp = defineCheck({ kinds: ['tcp'], schema, compile })`. */
export function defineCheck<const K extends string, S extends z.ZodType>(
  d: CheckDefinition<K, S>,
): CheckDefinition<K, S> {
  return d;
}
