// The Google Cloud DNS adapter's public face: the factory the provider registry calls (it alone loads
// the @google-cloud/dns client), and the pieces tests use directly.
import { normaliseName } from '../../src/model/index.ts';
import type { ProviderFactory } from '../provider.ts';
import type { GoogleCloudConfig } from './definition.ts';
import { type GoogleCloudOptions, GoogleCloudProvider } from './provider.ts';

/** The zone this provider serves in config (labels for routed sets come from its records). */
function zoneOf(id: string, config: Parameters<ProviderFactory<GoogleCloudConfig>>[2]['config']): string {
  const z = config.zones.find((zc) => {
    const on = zc as { provider?: string; providers?: string[] };
    return on.provider === id || on.providers?.includes(id);
  });
  return normaliseName(z?.name ?? '.');
}

export const createProvider: ProviderFactory<GoogleCloudConfig> = (id, cfg, ctx) =>
  createGoogleCloudProvider(id, cfg, ctx);

export function createGoogleCloudProvider(
  id: string,
  cfg: GoogleCloudConfig,
  ctx: Parameters<ProviderFactory<GoogleCloudConfig>>[2],
  opts: GoogleCloudOptions = {},
): GoogleCloudProvider {
  return new GoogleCloudProvider(id, cfg, ctx.owner, ctx.config, zoneOf(id, ctx.config), {
    env: ctx.env,
    ...(ctx.logger ? { logger: ctx.logger } : {}),
    ...opts,
  });
}

export type { GoogleCloudConfig } from './definition.ts';
export { fromWire, quoteTxt, toWire, unquoteTxt, type WireRrset } from './mapping.ts';
export { type GoogleCloudOptions, GoogleCloudProvider, selectRecords } from './provider.ts';
