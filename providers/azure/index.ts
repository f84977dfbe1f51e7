// The Azure DNS adapter's public face: the factory the provider registry calls (it alone loads
// @azure/arm-dns and @azure/identity), and the pieces tests use directly.
import type { ProviderFactory } from '../provider.ts';
import type { AzureConfig } from './definition.ts';
import { type AzureOptions, AzureProvider } from './provider.ts';

export const createProvider: ProviderFactory<AzureConfig> = (id, cfg, ctx) =>
  createAzureProvider(id, cfg, ctx);

export function createAzureProvider(
  id: string,
  cfg: AzureConfig,
  ctx: Parameters<ProviderFactory<AzureConfig>>[2],
  opts: AzureOptions = {},
): AzureProvider {
  return new AzureProvider(id, cfg, ctx.owner, {
    env: ctx.env,
    ...(ctx.logger ? { logger: ctx.logger } : {}),
    ...opts,
  });
}

export type { AzureConfig } from './definition.ts';
export { fromWire, relativeName, toWire } from './mapping.ts';
export { type AzureOptions, AzureProvider, selectRecords } from './provider.ts';
