// Conformance harness for the memory provider: its strict in-process store, one per zone. It has
// no credentials and nothing that throttles; its apply() checks every `before`, so it loses a
// compare-and-swap like a real server.
import { MemoryProvider } from '../../../../providers/memory/index.ts';
import type { RecordSet } from '../../../../src/model/index.ts';
import type { Harness } from '../harness.ts';

export function memoryHarness(): Harness {
  let n = 0;
  return {
    name: 'memory (in-process store)',
    kind: 'memory',
    id: 'mem',
    gates: {
      auth: 'the memory provider has no credentials to refuse',
      throttle: 'the memory provider never throttles',
    },
    missing: () => undefined,
    async start() {},
    async stop() {},
    async zone() {
      const store = new Map<string, RecordSet>();
      const backdoor = new MemoryProvider('hand', 'nobody', [], store);
      return {
        name: `c${++n}.example.com`,
        provider: { kind: 'memory' },
        open: async (config) => new MemoryProvider('mem', config.owner, [], store),
        handEdit: async (r) => backdoor.put(r),
      };
    },
  };
}
