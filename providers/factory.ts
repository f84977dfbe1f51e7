// Builds the provider adapter named in config. The adapter module is providers/<kind>/index.ts,
// imported only now (so a command that uses only the builtin server never loads the AWS or
// Cloudflare SDKs, and the config schema, built from the light definitions, never reaches an SDK).
import { UsageError } from '../src/model/index.ts';
import type { DnsProvider, ProviderContext, ProviderFactory } from './provider.ts';
import { definitionOf } from './registry/index.ts';

export async function createProvider(id: string, ctx: ProviderContext): Promise<DnsProvider> {
  const cfg = ctx.config.providers[id];
  if (!cfg)
    throw new UsageError(`unknown provider "${id}"`, {
      provider: id,
      remedy: 'name a provider from `providers:`',
    });
  const kind = definitionOf(cfg.kind).kind;
  const adapter = (await import(`./${kind}/index.ts`)) as { createProvider: ProviderFactory<never> };
  return adapter.createProvider(id, cfg as never, ctx);
}
