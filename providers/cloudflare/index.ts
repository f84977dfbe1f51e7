// Placeholder until the cloudflare adapter lands; replaced by its issue's work.
import type { ProviderFactory } from '../factory.ts';

export const createProvider: ProviderFactory<'cloudflare'> = () => {
  throw new Error('the cloudflare provider is not built yet');
};
