// The memory provider kind (tests, plans, demos): no options, every policy.
import { z } from 'zod';
import type { ProviderCapabilities } from '../capabilities.ts';
import { defineProvider } from '../definition.ts';

export const capabilities: ProviderCapabilities = {
  weighted: true,
  geo: true,
  steeredGeo: true,
  endpointWeights: true,
  failbackRamp: true,
  rampedEndpointWeights: true,
  apexCname: true,
  alias: true,
  fallback: true,
  familyHealth: true,
  multiValue: true,
  atomicBatch: true,
  zonesLive: 'process',
};

export const definition = defineProvider({
  kind: 'memory',
  schema: z.strictObject({ kind: z.literal('memory') }),
  capabilities,
});
