// The RFC 2136 adapter's public face: the factory the provider registry calls, and the pieces tests
// may use directly. TSIG itself is providers/tsig, shared with the builtin server.
import type { ProviderFactory } from '../provider.ts';
import type { Rfc2136Config } from './definition.ts';
import { Rfc2136Provider } from './provider.ts';

export const createProvider: ProviderFactory<Rfc2136Config> = (id, cfg, ctx) =>
  new Rfc2136Provider(id, cfg, ctx.owner, { env: ctx.env, ...(ctx.logger ? { logger: ctx.logger } : {}) });

export { selectRecords } from '../select-records.ts';
export type { Rfc2136Config } from './definition.ts';
export { TsigError } from './errors.ts';
export { loadKey, type Rfc2136Options, Rfc2136Provider, type Rfc2136Stats } from './provider.ts';
export { ResponseVerifier } from './response-verifier.ts';
export { parseHostPort } from './transport.ts';
export { type NameGroup, packGroups, planUpdate } from './update-plan.ts';
export { decodeSet, encodeSet, publishedValues } from './weighted-state.ts';
export { buildAxfr, buildUpdate } from './wire.ts';
export { logicalRecords, snapshotOf } from './zone-view.ts';
