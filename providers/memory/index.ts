// Placeholder until the memory adapter lands; replaced by its issue's work.
import type { ProviderFactory } from '../factory.ts';

export const createProvider: ProviderFactory<'memory'> = () => {
  throw new Error('the memory provider is not built yet');
};
