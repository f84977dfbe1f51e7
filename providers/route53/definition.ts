// The Route 53 provider kind: its config schema, and what validate checks for records on it.
import { z } from 'zod';
import { duration, url } from '../../src/config/fields/index.ts';
import type { ProviderCapabilities } from '../capabilities.ts';
import { type DefinitionProblem, defineProvider, policyIs } from '../definition.ts';

export const route53Schema = z.strictObject({
  kind: z.literal('route53'),
  hostedZoneId: z
    .string()
    .regex(/^(\/hostedzone\/)?[A-Z0-9]{1,32}$/, 'must be a hosted zone id such as Z0123456789'),
  region: z.string().default('us-east-1'),
  /** API endpoint override (tests, other partitions). */
  endpoint: url.optional(),
  /** Client-side request budget shared by every zone of the account. */
  requestsPerSecond: z.number().positive().default(5),
  /** Hard cap on ListResourceRecordSets pages per read. */
  maxPages: z.number().int().min(1).default(100),
  /** Upper bound for waiting on GetChange INSYNC. */
  syncTimeout: duration.default(120_000),
});

/** Weighted sets with integer weights 0-255, geolocation sets; the apex takes an alias, never a CNAME. */
export const capabilities: ProviderCapabilities = {
  weighted: true,
  geo: true,
  steeredGeo: true,
  endpointWeights: true,
  failbackRamp: true,
  rampedEndpointWeights: true,
  apexCname: false,
  alias: true,
  fallback: true,
  familyHealth: true,
  multiValue: true,
  atomicBatch: true,
};

export const definition = defineProvider({
  kind: 'route53',
  schema: route53Schema,
  capabilities,
  checkRecord(_cfg, record) {
    const problems: DefinitionProblem[] = [];
    if (!policyIs(record.policy, 'geo')) return problems;
    record.policy.rules.forEach((rule, i) => {
      if (rule.match !== 'default' && rule.match.subdivision !== undefined && rule.match.country !== 'US') {
        problems.push({
          at: ['policy', 'rules', i, 'match'],
          message: 'Route 53 supports subdivisions only for country US',
        });
      }
    });
    return problems;
  },
});
