// Placeholder until the route53 adapter lands; replaced by its issue's work.
import type { ProviderFactory } from '../factory.ts';

export const createProvider: ProviderFactory<'route53'> = () => {
  throw new Error('the route53 provider is not built yet');
};
