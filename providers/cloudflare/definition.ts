// The Cloudflare provider kind: its config schema, its secret, and what validate checks for records on
// it (records mode has no weights or geography; DNS-only TTL minimum).
import { z } from 'zod';
import { envName, url } from '../../src/config/fields/index.ts';
import type { ProviderCapabilities } from '../capabilities.ts';
import { type DefinitionProblem, defineProvider } from '../definition.ts';

export const cloudflareSchema = z.strictObject({
  kind: z.literal('cloudflare'),
  zoneId: z.string().regex(/^[0-9a-f]{32}$|^[0-9a-zA-Z]{4,64}$/, 'must be a Cloudflare zone id'),
  accountId: z.string().min(1).optional(),
  apiTokenEnv: envName,
  mode: z.enum(['records', 'load-balancer']).default('records'),
  baseURL: url.optional(),
  /** Pinned API version header (the SDK otherwise sends today's date). */
  apiVersion: z.string().default('2024-09-01'),
  /** Operations per dns_records/batch call (Free plan: 200). */
  batchSize: z.number().int().min(1).max(3500).default(200),
  /** Requests per 5 minutes per token. */
  requestBudget: z.number().int().min(1).default(1200),
  /** Smallest DNS-only TTL the plan allows (60; 30 on Enterprise). */
  minTtl: z.number().int().min(30).default(60),
});

const noRouting = {
  refused: (policy: string) =>
    `a ${policy} policy cannot be expressed by Cloudflare DNS records (no weights or geography); set the provider's \`mode: load-balancer\` or put this zone on another provider`,
};

/**
 * Records mode: CNAME flattening at the apex, no weights or geography. Load-balancer mode: pool
 * weights per region and origin weights per endpoint, geo steering; a ramp moves pool weights (random
 * steering while a failover name ramps), but not per-endpoint weights of a ramping region. Load
 * balancers answer from the pools config gives each rule (then their own fallback pool), never from a
 * region chosen per answer, and publish an endpoint as one origin: no per-family health of dual-stack
 * endpoints there.
 */
export function capabilitiesFor(mode: z.output<typeof cloudflareSchema>['mode']): ProviderCapabilities {
  return mode === 'load-balancer'
    ? {
        weighted: true,
        geo: true,
        // A load balancer answers each geography from the pools its rules name, in a fixed order.
        steeredGeo: {
          refused: (policy) =>
            `a ${policy} policy chooses each geography's region at run time, but a Cloudflare load balancer answers from the pools its config names (its own dynamic and proximity steering are not driven by geofailover); put this record on route53 or builtin`,
        },
        endpointWeights: true,
        failbackRamp: true,
        apexCname: false,
        fallback: false,
        familyHealth: false,
        multiValue: true,
        atomicBatch: false,
      }
    : {
        weighted: noRouting,
        geo: noRouting,
        endpointWeights: false,
        failbackRamp: false,
        apexCname: true,
        fallback: true,
        familyHealth: true,
        multiValue: true,
        atomicBatch: true,
      };
}

export const definition = defineProvider({
  kind: 'cloudflare',
  schema: cloudflareSchema,
  recordOptions: ['proxied'],
  capabilities: (cfg) => capabilitiesFor(cfg.mode),
  secrets: (cfg) => [{ at: ['apiTokenEnv'], envVar: cfg.apiTokenEnv }],
  checkRecord(cfg, record) {
    const problems: DefinitionProblem[] = [];
    if (!record.proxied && record.ttl !== 1 && record.ttl < cfg.minTtl) {
      problems.push({
        at: ['ttl'],
        message: `ttl ${record.ttl} is below Cloudflare's minimum ${cfg.minTtl} for DNS-only records (1 means Auto)`,
      });
    }
    return problems;
  },
});
