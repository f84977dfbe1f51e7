// Builds the provider adapter named in config. Adapters are imported lazily, so a command that uses
// only the builtin server never loads the AWS or Cloudflare SDKs.
import type { Config, ProviderConfig } from '../src/config/index.ts';
import type { Logger } from '../src/log/index.ts';
import { UsageError } from '../src/model/index.ts';
import type { DnsProvider } from './provider.ts';

export interface ProviderContext {
  /** Ownership id (config.owner): adapters use it to recognise their markers. */
  owner: string;
  config: Config;
  env: NodeJS.ProcessEnv;
  logger?: Logger;
}

/** Every adapter module (providers/<kind>/index.ts) exports a function of this shape named `createProvider`. */
export type ProviderFactory<K extends ProviderConfig['kind']> = (
  id: string,
  cfg: Extract<ProviderConfig, { kind: K }>,
  ctx: ProviderContext,
) => DnsProvider | Promise<DnsProvider>;

export async function createProvider(id: string, ctx: ProviderContext): Promise<DnsProvider> {
  const cfg = ctx.config.providers[id];
  if (!cfg)
    throw new UsageError(`unknown provider "${id}"`, {
      provider: id,
      remedy: 'name a provider from `providers:`',
    });
  switch (cfg.kind) {
    case 'memory':
      return (await import('./memory/index.ts')).createProvider(id, cfg, ctx);
    case 'builtin':
      return (await import('./builtin/index.ts')).createProvider(id, cfg, ctx);
    case 'route53':
      return (await import('./route53/index.ts')).createProvider(id, cfg, ctx);
    case 'cloudflare':
      return (await import('./cloudflare/index.ts')).createProvider(id, cfg, ctx);
  }
}
