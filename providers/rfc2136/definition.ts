// The RFC 2136 provider kind (dynamic UPDATE + AXFR, TSIG-signed, to BIND, Knot, PowerDNS, ...): its
// config schema, its secret, and what validate says about policies standard DNS cannot express.
import { z } from 'zod';
import { duration, envName, hostPort } from '../../src/config/fields/index.ts';
import type { ProviderCapabilities } from '../capabilities.ts';
import { defineProvider } from '../definition.ts';
import { TSIG_ALGORITHMS } from '../tsig/index.ts';

const tsigSchema = z
  .strictObject({
    /** Key name as configured on the server (`key:` in Knot, `key "NAME"` in BIND). */
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/,
        'must be a key name such as geofailover-key or key.example.',
      ),
    algorithm: z.enum(TSIG_ALGORITHMS).default('hmac-sha256'),
    /** Environment variable holding the base64 secret. */
    secretEnv: envName.optional(),
    /** File holding the base64 secret (alternative to secretEnv). */
    secretFile: z.string().min(1).optional(),
  })
  .refine((t) => (t.secretEnv === undefined) !== (t.secretFile === undefined), {
    message: 'give exactly one of secretEnv or secretFile (the base64 TSIG secret)',
  });

export const rfc2136Schema = z.strictObject({
  kind: z.literal('rfc2136'),
  /** The primary server that accepts UPDATE for the zone, HOST:PORT (TCP). */
  server: hostPort,
  /** Where to AXFR the zone from, HOST:PORT (TCP); the `server` by default. */
  transfer: hostPort.optional(),
  tsig: tsigSchema,
  timeouts: z
    .strictObject({
      connect: duration.default(5_000),
      /** Wait for each response message, complete (bytes arriving one by one do not extend it). */
      response: duration.default(10_000),
      /** Whole zone transfer, from connecting to the closing SOA. */
      transfer: duration.default(60_000),
    })
    .prefault({}),
  /** Largest UPDATE message in bytes (TCP allows 65535); larger change sets are split by name. */
  maxMessageSize: z.number().int().min(1024).max(65_535).default(65_535),
});

export type Rfc2136Config = z.output<typeof rfc2136Schema>;

/**
 * Standard DNS has no weights or geography: weighted is published as one round-robin set (the adapter
 * keeps the per-region sets in its marker and merges them; a warning); no geo, ramp or apex CNAME.
 */
export const capabilities: ProviderCapabilities = {
  weighted: {
    plain: 'adapter',
    at: ['policy', 'weights'],
    warning:
      'standard DNS has no weights: over RFC 2136 this record is one round-robin RRset holding the endpoints of every serving region with weight > 0 (equal shares; weights only decide membership, weight 0 drains). For proportional weights use the builtin server, Route 53, or Cloudflare (mode: load-balancer)',
  },
  geo: {
    refused: (policy) =>
      `a ${policy} policy cannot be expressed by a standard DNS server over RFC 2136 (one RRset answers every client); serve this zone from the builtin server (kind: builtin, as a hidden primary if you want BIND/Knot in front), or use Route 53${policy === 'geo' ? ' or Cloudflare (mode: load-balancer)' : ''}`,
  },
  fallback: true,
  familyHealth: true,
  multiValue: true,
  atomicBatch: false,
};

export const definition = defineProvider({
  kind: 'rfc2136',
  schema: rfc2136Schema,
  capabilities,
  secrets: (cfg) => (cfg.tsig.secretEnv ? [{ at: ['tsig', 'secretEnv'], envVar: cfg.tsig.secretEnv }] : []),
  // A CNAME holds one target, so the regions of a weighted CNAME cannot share the one RRset.
  checkRecord(_cfg, record) {
    if (record.policy.kind === 'weighted' && record.type === 'CNAME')
      return [
        {
          at: ['type'],
          message:
            'a weighted CNAME cannot be published over RFC 2136: the regions would share one RRset and a CNAME holds exactly one target; use a failover policy or A/AAAA records',
        },
      ];
    return [];
  },
});
