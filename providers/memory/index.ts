// The memory provider: a strict in-process zone store for tests, plans and demos.
import type { RecordSet } from '../../src/model/index.ts';
import type { ProviderFactory } from '../provider.ts';
import { MemoryProvider } from './store.ts';

export { MemoryProvider };

/** One store per provider id per process, shared by every instance built for that id (one "account"). */
const stores = new Map<string, Map<string, RecordSet>>();

export const createProvider: ProviderFactory<unknown> = (id, _cfg, ctx) => {
  let store = stores.get(id);
  if (!store) {
    store = new Map();
    stores.set(id, store);
  }
  return new MemoryProvider(id, ctx.owner, [], store);
};
