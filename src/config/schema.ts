// The zod schema of the whole config (DESIGN.md "Config"). config/schema.json is generated from it.
// Shapes only; relations between parts (unknown regions, providers, zones) are checked in crossref.ts.
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from './duration.ts';

/** A duration string, parsed to milliseconds. */
export const duration = z
  .string({ error: 'must be a duration with a unit, such as 500ms, 5s, 2m or 1h' })
  .regex(DURATION_PATTERN, 'must be a duration such as 500ms, 5s, 2m or 1h')
  .transform((s) => parseDuration(s)!)
  .describe('A duration: a number followed by ms, s, m, h or d.');

const id = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lower case letters, digits and dashes (1-63)')
  .describe('An identifier: lower case letters, digits and dashes.');

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable, not the secret itself');

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/, 'must be HOST:PORT (IPv6 as [::1]:PORT)');

const url = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

// ---- checks ------------------------------------------------------------------------------------

const httpCheck = z
  .strictObject({
    kind: z.enum(['http', 'https']),
    url,
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS']).default('GET'),
    /** Host header to send (and TLS SNI unless `sni` is set). */
    host: z.string().min(1).optional(),
    sni: z.string().min(1).optional(),
    headers: z.record(z.string(), z.string()).default({}),
    expectStatus: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
    bodyRegex: z
      .string()
      .refine((s) => {
        try {
          new RegExp(s);
          return true;
        } catch {
          return false;
        }
      }, 'must be a valid regular expression')
      .optional(),
    maxLatency: duration.optional(),
    timeout: duration.optional(),
    /** TLS certificate verification; on unless explicitly turned off. */
    tlsVerify: z.boolean().default(true),
    keepAlive: z.boolean().default(false),
  })
  .describe('An HTTP or HTTPS check.');

const tcpCheck = z.strictObject({
  kind: z.literal('tcp'),
  /** Defaults to the endpoint address. */
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535),
  timeout: duration.optional(),
});

const dnsCheck = z.strictObject({
  kind: z.literal('dns'),
  /** The server to ask, HOST:PORT (defaults to the endpoint address, port 53). */
  server: hostPort.optional(),
  name: z.string().min(1),
  type: z.enum(['A', 'AAAA', 'CNAME', 'TXT', 'NS', 'SOA']).default('A'),
  /** A value the answer must contain; without it any answer passes. */
  expect: z.string().optional(),
  timeout: duration.optional(),
});

export const checkSchema = z.discriminatedUnion('kind', [httpCheck, tcpCheck, dnsCheck]);

// ---- regions, probers --------------------------------------------------------------------------

const endpointSchema = z.strictObject({
  id,
  /** The address published in DNS: an IPv4 address (A), IPv6 address (AAAA) or host name (CNAME). */
  address: z.string().min(1),
  check: checkSchema,
});

const regionSchema = z.strictObject({
  id,
  endpoints: z.array(endpointSchema).min(1, 'a region needs at least one endpoint'),
});

const proberSchema = z
  .strictObject({
    id,
    /** Environment variable holding this prober's HMAC key (shared with the controller). */
    keyEnv: envName.optional(),
    /** File holding the key, as an alternative to keyEnv. */
    keyFile: z.string().min(1).optional(),
    /** URLs the prober checks each round to prove its own network works. */
    canaries: z.array(url).default([]),
  })
  .refine((p) => p.keyEnv !== undefined || p.keyFile !== undefined, {
    message: 'a prober needs keyEnv or keyFile (its report signing key)',
  });

const healthSchema = z.strictObject({
  interval: duration.default(5000),
  timeout: duration.default(2000),
  fall: z.number().int().min(1).max(20).default(3),
  rise: z.number().int().min(1).max(20).default(2),
  /** Votes needed to move an endpoint: `majority` of configured probers, or a number. */
  quorum: z.union([z.literal('majority'), z.number().int().min(1)]).default('majority'),
  minProbers: z.number().int().min(1).default(2),
  staleAfter: duration.default(15_000),
  minHealthy: z.number().int().min(1).default(1),
  failbackAfter: duration.default(60_000),
  /** Upper bound for the failback hold-down as flapping lengthens it. */
  maxFailbackAfter: duration.default(600_000),
  /** Probe concurrency per agent. */
  concurrency: z.number().int().min(1).max(4096).default(64),
  /** Max results an agent keeps per controller while it is unreachable. */
  bufferSize: z.number().int().min(10).default(10_000),
});

// ---- providers ---------------------------------------------------------------------------------

const builtinProvider = z.strictObject({
  kind: z.literal('builtin'),
  /** Addresses the DNS server listens on (UDP and TCP), HOST:PORT. */
  listen: z.union([hostPort, z.array(hostPort).min(1)]).optional(),
  /** Zone store file; defaults to <controller.stateDir>/zones.json. */
  storeFile: z.string().min(1).optional(),
  /** Nameserver names published as the zones' NS set and in the SOA. */
  nameservers: z.array(z.string().min(1)).default([]),
  /** EDNS UDP payload size we advertise and honour. */
  udpPayloadSize: z.number().int().min(512).max(4096).default(1232),
  /** Processes serving DNS on the listen sockets (default: one per CPU, os.availableParallelism()). */
  workers: z.number().int().min(1).max(256).optional(),
});

const route53Provider = z.strictObject({
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

const cloudflareProvider = z.strictObject({
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

const memoryProvider = z.strictObject({ kind: z.literal('memory') });

export const providerSchema = z.discriminatedUnion('kind', [
  builtinProvider,
  route53Provider,
  cloudflareProvider,
  memoryProvider,
]);

// ---- zones, records, policies ------------------------------------------------------------------

const whenAllDown = z.enum(['fail-open', 'keep-last']).default('fail-open');

const failoverPolicy = z.strictObject({
  kind: z.literal('failover'),
  order: z.array(id).min(1),
  whenAllDown,
});

const weightedPolicy = z.strictObject({
  kind: z.literal('weighted'),
  weights: z.record(id, z.number().int()),
  whenAllDown,
});

const geoMatch = z
  .strictObject({
    continent: z.enum(['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA']).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE')
      .optional(),
    subdivision: z
      .string()
      .regex(/^[A-Z0-9]{1,3}$/, 'must be a subdivision code such as CA')
      .optional(),
  })
  .refine((m) => m.continent !== undefined || m.country !== undefined, {
    message: 'a geo match needs a continent or a country (or use `match: default`)',
  });

const geoRule = z.strictObject({
  match: z.union([z.literal('default'), geoMatch]),
  regions: z.array(id).min(1),
});

const geoPolicy = z.strictObject({
  kind: z.literal('geo'),
  rules: z.array(geoRule).min(1),
  whenAllDown,
});

export const policySchema = z.discriminatedUnion('kind', [failoverPolicy, weightedPolicy, geoPolicy]);

const recordSchema = z.strictObject({
  name: z.string().min(1),
  type: z.enum(['A', 'AAAA', 'CNAME']),
  ttl: z.number().int('must be a whole number of seconds'),
  /** Cloudflare only: proxy through Cloudflare (TTL is then Auto). */
  proxied: z.boolean().optional(),
  policy: policySchema,
});

const zoneSchema = z.strictObject({
  name: z.string().min(1),
  provider: z.string().min(1),
  records: z.array(recordSchema).default([]),
});

// ---- controller, verify, geoip, notifications, safety ------------------------------------------

const coordinationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('etcd'),
    endpoints: z.array(url).min(1),
    leaseTtl: duration.default(10_000),
    prefix: z.string().optional(),
  }),
]);

const controllerSchema = z.strictObject({
  listen: hostPort.default('127.0.0.1:8080'),
  schedule: z.string().default('*/30 * * * * *'),
  mode: z.enum(['apply', 'dry-run']).default('apply'),
  stateDir: z.string().default('./state'),
  tokenEnv: envName.optional(),
  coordination: coordinationSchema.default({ kind: 'none' }),
  /** Wait after a pass before the follow-up pass for health changes that arrived during it. */
  debounce: duration.default(5),
  /** Event log rotation size in bytes. */
  eventLogMaxBytes: z
    .number()
    .int()
    .min(4096)
    .default(50 * 1024 * 1024),
});

const verifySchema = z.strictObject({
  nameservers: z.array(hostPort).default([]),
  timeout: duration.default(30_000),
  interval: duration.default(100),
});

const geoNetwork = z
  .strictObject({
    cidr: z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'must be a CIDR such as 81.0.0.0/8'),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    continent: z.enum(['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA']).optional(),
    subdivision: z
      .string()
      .regex(/^[A-Z0-9]{1,3}$/)
      .optional(),
  })
  .refine((n) => n.country !== undefined || n.continent !== undefined, {
    message: 'a network needs a country or a continent',
  });

const geoipSchema = z.strictObject({
  networks: z.array(geoNetwork).default([]),
  /** A MaxMind-format database file; `bundled` uses the CC0 country database shipped as a dependency. */
  mmdb: z.string().min(1).optional(),
});

const NOTIFY_EVENTS = ['failover', 'failback', 'drain', 'apply-error', 'fail-static'] as const;
const notificationSchema = z.strictObject({
  kind: z.literal('webhook'),
  url,
  events: z
    .array(z.enum(NOTIFY_EVENTS))
    .min(1)
    .default([...NOTIFY_EVENTS]),
  format: z.enum(['json', 'slack']).default('json'),
  /** Environment variable with a bearer token sent to the webhook. */
  tokenEnv: envName.optional(),
});

const safetySchema = z.strictObject({
  maxUpdateFraction: z.number().min(0).max(1).default(0.3),
  maxDeleteFraction: z.number().min(0).max(1).default(0.3),
  minExisting: z.number().int().min(0).default(10),
});

export const configSchema = z
  .strictObject({
    owner: id.describe('Ownership id written into every marker; two controllers must never share one.'),
    regions: z.array(regionSchema).min(1),
    probers: z.array(proberSchema).default([]),
    controllers: z.array(url).default([]),
    health: healthSchema.default(healthSchema.parse({})),
    providers: z.record(id, providerSchema),
    zones: z.array(zoneSchema).default([]),
    controller: controllerSchema.default(controllerSchema.parse({})),
    verify: verifySchema.default(verifySchema.parse({})),
    geoip: geoipSchema.default(geoipSchema.parse({})),
    notifications: z.array(notificationSchema).default([]),
    safety: safetySchema.default(safetySchema.parse({})),
  })
  .describe('geofailover configuration');

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type RegionConfig = Config['regions'][number];
export type EndpointConfig = RegionConfig['endpoints'][number];
export type CheckConfig = z.output<typeof checkSchema>;
export type ProberConfig = Config['probers'][number];
export type HealthConfig = Config['health'];
export type ProviderConfig = z.output<typeof providerSchema>;
export type ZoneConfig = Config['zones'][number];
export type RecordConfig = ZoneConfig['records'][number];
export type PolicyConfig = z.output<typeof policySchema>;
export type GeoRuleConfig = Extract<PolicyConfig, { kind: 'geo' }>['rules'][number];
export type ControllerConfig = Config['controller'];
export type NotificationConfig = Config['notifications'][number];
export type SafetyConfig = Config['safety'];
