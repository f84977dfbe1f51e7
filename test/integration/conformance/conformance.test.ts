// The provider conformance table × every provider kind's harness, as DNSControl's integration table:
// the same cases over each adapter's real server or strict fake, gated by what the provider declares
// and what its server can do. A skipped case prints why.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { HARNESSES } from './harnesses/index.ts';
import { CASES, gateOf, serverGateOf } from './table.ts';

describe.each(HARNESSES.map((h) => [h.name, h] as const))('conformance: %s', (_, h) => {
  const missing = h.missing();
  if (missing) console.warn(`skipping the conformance table on ${h.name}: ${missing}`);
  let started = 0;

  beforeAll(async () => {
    started = performance.now();
    if (!missing) await h.start();
  }, 60_000);
  afterAll(async () => {
    if (!missing) await h.stop();
    if (!missing)
      console.info(`conformance table on ${h.name}: ${Math.round(performance.now() - started)} ms`);
  });

  for (const c of CASES) {
    it.skipIf(missing !== undefined)(c.name, async (ctx) => {
      const early = serverGateOf(c, h);
      const z = early ? undefined : await h.zone();
      const gate = early ?? gateOf(c, h, z!);
      if (gate) {
        console.warn(`skipping "${c.name}" on ${h.name}: ${gate}`);
        ctx.skip(gate);
      }
      await c.run(h, z!);
    });
  }
});
