// What a provider kind declares it can do for a given config, read in this one place so the table
// follows the declaration: weighted and geo sets from the kind's capability declaration
// (providers/<kind>/definition.ts), atomic batches from the opened adapter.
import { hasFeature } from '../../../providers/capabilities.ts';
import { type DnsProvider, definitionOf } from '../../../providers/index.ts';
import type { Config } from '../../../src/config/index.ts';

export interface Declared {
  weighted: boolean;
  geo: boolean;
}

export function declared(config: Config, id: string): Declared {
  const cfg = config.providers[id];
  if (!cfg) throw new Error(`config has no provider "${id}"`);
  const def = definitionOf(cfg.kind);
  const caps = typeof def.capabilities === 'function' ? def.capabilities(cfg) : def.capabilities;
  return { weighted: hasFeature(caps, 'weighted'), geo: hasFeature(caps, 'geo') };
}

/** True when one apply() is all-or-nothing. */
export function declaresAtomicBatches(p: DnsProvider): boolean {
  return p.capabilities.atomicBatch;
}
