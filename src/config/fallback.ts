// Which fallback a record follows: the nearest one written (record, then zone, then the whole config),
// else the default, `any-up` where every provider of the zone can publish an answer from a region
// outside a rule's own list, and `none` where one cannot (so upgrading never makes a config invalid).
import { capabilitiesOf } from '../../providers/registry/index.ts';
import {
  type Config,
  type FallbackConfig,
  type RecordConfig,
  type ZoneConfig,
  zoneProviders,
} from './schema.ts';

export interface RecordFallback {
  fallback: FallbackConfig;
  /** Where it was written; `default` when nowhere. */
  from: 'record' | 'zone' | 'config' | 'default';
}

/** The providers of the zone that cannot publish an answer from outside a rule's own regions. */
export function providersWithoutFallback(
  config: Pick<Config, 'providers'>,
  zone: Pick<ZoneConfig, 'provider' | 'providers'>,
): string[] {
  return zoneProviders(zone).filter((id) => {
    const cfg = config.providers[id];
    if (!cfg) return false;
    return capabilitiesOf(cfg).fallback !== true;
  });
}

export function recordFallback(
  config: Pick<Config, 'providers' | 'fallback'>,
  zone: Pick<ZoneConfig, 'provider' | 'providers' | 'fallback'>,
  record: Pick<RecordConfig, 'fallback'>,
): RecordFallback {
  if (record.fallback !== undefined) return { fallback: record.fallback, from: 'record' };
  if (zone.fallback !== undefined) return { fallback: zone.fallback, from: 'zone' };
  if (config.fallback !== undefined) return { fallback: config.fallback, from: 'config' };
  return {
    fallback: providersWithoutFallback(config, zone).length > 0 ? 'none' : 'any-up',
    from: 'default',
  };
}

/** The fallback as the plan and explain say it: `any-up`, `none` or `[ap-south, eu-west]`. */
export function fallbackText(fallback: FallbackConfig): string {
  return typeof fallback === 'string' ? fallback : `[${fallback.join(', ')}]`;
}
