// The PowerDNS provider kind: its config schema, its secret, and what validate checks for records on
// it. Plain PowerDNS records carry no weights or geography: a weighted record is published as one set
// of every serving region's addresses (a warning says so), and a geo record is refused.
import { z } from 'zod';
import { duration, envName, url } from '../../src/config/fields/index.ts';
import type { ProviderCapabilities } from '../capabilities.ts';
import { defineProvider } from '../definition.ts';

export const powerdnsSchema = z
  .strictObject({
    kind: z.literal('powerdns'),
    /** Base URL of the PowerDNS webserver that serves the API (pdns.conf webserver-address/-port). */
    url,
    /** The server id in /api/v1/servers/<id>; the Authoritative Server's own is `localhost`. */
    serverId: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'must be a PowerDNS server id such as localhost')
      .default('localhost'),
    /** Environment variable holding the API key (pdns.conf api-key). */
    apiKeyEnv: envName.optional(),
    /** File holding the API key, as an alternative to apiKeyEnv. */
    apiKeyFile: z.string().min(1).optional(),
    /** Longest wait for one API request before it counts as failed. */
    timeout: duration.default(10_000),
  })
  .refine((p) => (p.apiKeyEnv === undefined) !== (p.apiKeyFile === undefined), {
    message: 'a powerdns provider needs exactly one of apiKeyEnv or apiKeyFile (the X-API-Key secret)',
  });

/** Plain records: weighted is published as one set (the planner merges it; a warning); no geo, ramp, apex CNAME or aliases. */
export const capabilities: ProviderCapabilities = {
  weighted: {
    plain: 'planner',
    warning:
      'PowerDNS records carry no weights: this record is published as one set holding the addresses of every serving region with weight > 0 (resolvers share traffic about evenly); use the builtin server, Route 53 or Cloudflare (mode: load-balancer) for real weights',
  },
  geo: {
    refused: (policy) =>
      `a ${policy} policy cannot be expressed by plain PowerDNS records (no geography; LUA records are not used); put this zone on the builtin server, Route 53${policy === 'geo' ? ' or Cloudflare (mode: load-balancer)' : ''}`,
  },
  fallback: true,
  familyHealth: true,
  multiValue: true,
  atomicBatch: true,
};

export const definition = defineProvider({
  kind: 'powerdns',
  schema: powerdnsSchema,
  capabilities,
  secrets: (cfg) => (cfg.apiKeyEnv === undefined ? [] : [{ at: ['apiKeyEnv'], envVar: cfg.apiKeyEnv }]),
});
