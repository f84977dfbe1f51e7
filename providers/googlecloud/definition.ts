// The Google Cloud DNS provider kind: its config schema and what validate checks for records on it.
// Cloud DNS routes geo by the GCP region nearest the resolver, not by country or continent, so a
// geofailover geo rule is published only where the operator names the GCP location that stands for
// it (`geoLocations`, keyed by the rule's set id); an unmapped rule is a validate error.
import { z } from 'zod';
import { duration, url } from '../../src/config/fields/index.ts';
import { geoSetId } from '../../src/model/index.ts';
import type { ProviderCapabilities } from '../capabilities.ts';
import { type DefinitionProblem, defineProvider, policyIs } from '../definition.ts';

/** GCP region names Cloud DNS accepts as geo locations (e.g. us-east1, europe-west1). */
export const GCP_LOCATION = /^[a-z]+-[a-z]+[0-9]{1,2}$/;

export const googlecloudSchema = z.strictObject({
  kind: z.literal('googlecloud'),
  project: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a GCP project id such as my-project-123'),
  managedZone: z
    .string()
    .regex(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a Cloud DNS managed zone name such as example-com'),
  /** Service-account key file (JSON); without it, the environment's default credentials are used. */
  keyFile: z.string().min(1).optional(),
  /** API endpoint override (tests, private access): scheme, host and port, e.g. http://127.0.0.1:8080. */
  apiEndpoint: url.optional(),
  /** GCP location for each geo rule, keyed by the rule's set id (`default`, `continent-eu`, ...). */
  geoLocations: z
    .record(z.string(), z.string().regex(GCP_LOCATION, 'must be a GCP region such as us-east1'))
    .default({}),
  /** Attempts for throttled (429, rateLimitExceeded) and 5xx requests, the first included. */
  maxAttempts: z.number().int().min(1).max(20).default(6),
  /** Upper bound for waiting on a change to be `done`. */
  syncTimeout: duration.default(120_000),
});

export type GoogleCloudConfig = z.output<typeof googlecloudSchema>;

/** wrr sets weight whole regions; Cloud DNS has no apex CNAME and no aliases to other records here. */
export const capabilities: ProviderCapabilities = {
  weighted: true,
  geo: true,
  // Cloud DNS geo items are keyed by GCP locations that each rule is mapped to in geoLocations;
  // latency and proximity publish a set per continent or country, which has no such mapping.
  steeredGeo: {
    refused: (policy) =>
      `a ${policy} policy publishes a geo set per continent or country, but Cloud DNS geo routing is keyed by GCP locations (geoLocations maps only a geo policy's rules); use a geo policy with geoLocations here, or put this record on route53 or builtin`,
  },
  endpointWeights: false,
  failbackRamp: false,
  apexCname: false,
  alias: false,
  fallback: true,
  familyHealth: true,
  multiValue: true,
  atomicBatch: true,
};

export const definition = defineProvider({
  kind: 'googlecloud',
  schema: googlecloudSchema,
  capabilities,
  checkRecord(cfg, record) {
    const problems: DefinitionProblem[] = [];
    if (!policyIs(record.policy, 'geo')) return problems;
    const seen = new Map<string, string>();
    record.policy.rules.forEach((rule, i) => {
      const setId = geoSetId(rule.match as Parameters<typeof geoSetId>[0]);
      const location = cfg.geoLocations[setId];
      if (!location) {
        problems.push({
          at: ['policy', 'rules', i, 'match'],
          message: `Cloud DNS geo routing is keyed by GCP regions, not countries or continents: map rule "${setId}" to the GCP region that stands for it in the provider's \`geoLocations\` (e.g. geoLocations: { ${setId}: europe-west1 }), or put this record on a provider with country geo (route53, builtin)`,
        });
        return;
      }
      const other = seen.get(location);
      if (other)
        problems.push({
          at: ['policy', 'rules', i, 'match'],
          message: `rules "${other}" and "${setId}" both map to GCP location ${location}; Cloud DNS allows one item per location: give each rule its own location in \`geoLocations\``,
        });
      seen.set(location, setId);
    });
    return problems;
  },
});
