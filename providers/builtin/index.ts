// Placeholder until the builtin adapter lands; replaced by its issue's work.
import type { ProviderFactory } from '../factory.ts';

export const createProvider: ProviderFactory<'builtin'> = () => {
  throw new Error('the builtin provider is not built yet');
};
