// What a provider kind declares it can do for a given config, read in this one place so the table
// follows the declaration wherever it lives. Weighted sets come from the definition's supports();
// geography has no flag there, so it is whatever validate's checkRecord accepts; atomic batches are
// declared by the opened adapter.
import { type DnsProvider, definitionOf } from '../../../providers/index.ts';
import type { Config } from '../../../src/config/index.ts';
import { GEO_RULES } from './config.ts';

export interface Declared {
  weighted: boolean;
  geo: boolean;
}

export function declared(config: Config, id: string): Declared {
  const cfg = config.providers[id];
  if (!cfg) throw new Error(`config has no provider "${id}"`);
  const def = definitionOf(cfg.kind);
  const features = def.supports?.(cfg) ?? {};
  const zone = config.zones[0]!.name;
  const geoProblems =
    def.checkRecord?.(
      cfg,
      { name: `www.${zone}`, type: 'A', ttl: 60, policy: { kind: 'geo', rules: GEO_RULES } },
      { name: zone, provider: id },
    ) ?? [];
  return {
    weighted: features.weighted === true,
    geo: !geoProblems.some((p) => (p.severity ?? 'error') === 'error'),
  };
}

/** True when one apply() is all-or-nothing. */
export function declaresAtomicBatches(p: DnsProvider): boolean {
  return p.capabilities.atomicBatch;
}
