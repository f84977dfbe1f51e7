// The zod schema of the whole config. config/schema.json is generated from it.
// Shapes only; relations between parts (unknown regions, providers, zones) are checked in crossref.ts.
import { isIP } from 'node:net';
import cron from 'node-cron';
import { z } from 'zod';
import { providerSchemas } from '../../providers/registry/index.ts';
import { timeRangeProblem } from '../model/index.ts';
import { policySchemas } from '../policy/kinds/index.ts';
import {
  checkPartSchema,
  checkSchemas,
  combineSchema,
  endpointChecksProblems,
  MAX_CHECKS,
} from '../probe/checks/index.ts';
import { coordinationSchema } from './coordination.ts';
import {
  bias,
  capacity,
  cidrProblem,
  duration,
  envName,
  hostPort,
  id,
  location,
  pemFile,
  url,
} from './fields/index.ts';
import { NOTIFICATION_FORMATS } from './notification-formats.ts';
import { signalsSchema } from './signals.ts';

export { duration };

// ---- checks ------------------------------------------------------------------------------------

// Each kind's schema comes from its definition in src/probe/checks (one file per kind, one registry).
export const checkSchema = z.discriminatedUnion('kind', checkSchemas);

// ---- failback ramp -----------------------------------------------------------------------------

const failbackRampSchema = z.strictObject({
  /** Percent of its weight a recovered region gets at each step; increasing, ending at 100. */
  steps: z
    .array(z.number().int('must be a whole percent').min(1, 'a step must be at least 1 (%)').max(100))
    .min(1, 'needs at least one step, e.g. [10, 25, 50, 100]')
    .superRefine((steps, ctx) => {
      for (let i = 1; i < steps.length; i++) {
        if (steps[i]! <= steps[i - 1]!) {
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `steps must increase: step ${i + 1} (${steps[i]}) is not above step ${i} (${steps[i - 1]}); write e.g. [10, 25, 50, 100]`,
          });
          return;
        }
      }
      if (steps.length > 0 && steps[steps.length - 1] !== 100)
        ctx.addIssue({
          code: 'custom',
          path: [steps.length - 1],
          message: `the last step must be 100 (full weight), not ${steps[steps.length - 1]}; append 100`,
        });
    }),
  /** How long each step lasts before the next (the region must stay up throughout). */
  stepAfter: duration.refine((ms) => ms > 0, 'must be longer than 0 (e.g. 30s): a 0 step is no ramp'),
});

// ---- regions, probers --------------------------------------------------------------------------

/** One family's address of a dual-stack endpoint; an address of the other family is refused here. */
function familyAddress(family: 'ipv4' | 'ipv6') {
  const want = family === 'ipv4' ? 4 : 6;
  const other = family === 'ipv4' ? 'ipv6' : 'ipv4';
  return z
    .string()
    .min(1)
    .superRefine((s, ctx) => {
      const v = isIP(s.trim());
      if (v === want) return;
      ctx.addIssue({
        code: 'custom',
        message:
          v === 0
            ? `"${s}" is not an IPv${want} address (addresses.${family} takes an IP address; a host name goes in \`address\`)`
            : `"${s}" is an IPv${v} address, not IPv${want}: put it under addresses.${other}`,
      });
    });
}

const addressesSchema = z
  .strictObject({
    ipv4: familyAddress('ipv4').optional(),
    ipv6: familyAddress('ipv6').optional(),
  })
  .refine((a) => a.ipv4 !== undefined || a.ipv6 !== undefined, {
    message: 'addresses needs ipv4, ipv6 or both, e.g. { ipv4: 192.0.2.10, ipv6: 2001:db8::10 }',
  });

const endpointSchema = z
  .strictObject({
    id,
    /** The address published in DNS: an IPv4 address (A), IPv6 address (AAAA) or host name (CNAME). */
    address: z.string().min(1).optional(),
    /**
     * A dual-stack endpoint: its IPv4 address (published in A records) and IPv6 address (AAAA). Each
     * family is probed on its own, the check connecting to that family's address, and judged on its
     * own: a broken IPv6 path withdraws the endpoint from AAAA answers only.
     */
    addresses: addressesSchema.optional(),
    /** The endpoint's one check; or `checks` for several. */
    check: checkSchema.optional(),
    /** Several checks, all run each round and combined into one vote (`combine`, `critical`). */
    checks: z
      .array(checkPartSchema)
      .min(1, 'needs at least one check')
      .max(MAX_CHECKS, `at most ${MAX_CHECKS} checks per endpoint`)
      .optional(),
    /** How `checks` combine: all (default), any, or { atLeast: N }. */
    combine: combineSchema.optional(),
    /**
     * Route 53 only: publish this endpoint as an alias (AliasTarget) to `address`, a load balancer's or
     * CloudFront's DNS name or another record of the zone, in the hosted zone `hostedZoneId` (the
     * ELB's canonical hosted zone id, Z2FDTNDATAQYW2 for CloudFront, the zone's own id for a record in it).
     */
    alias: z
      .strictObject({
        hostedZoneId: z
          .string()
          .regex(/^(\/hostedzone\/)?[A-Z0-9]{1,32}$/, 'must be a hosted zone id such as Z35SXDOTRQ7X7K')
          .transform((s) => s.replace(/^\/hostedzone\//, '')),
        /** Let Route 53 answer from this alias only while its target is healthy. */
        evaluateTargetHealth: z.boolean().default(false),
      })
      .optional(),
    /** Share of its region's traffic in weighted answers, relative to the region's other endpoints. */
    weight: z.number().int('must be a whole number').min(0).max(255).default(1),
  })
  .refine((e) => (e.address === undefined) !== (e.addresses === undefined), {
    message:
      'an endpoint needs `address: ADDRESS` or `addresses: { ipv4: ..., ipv6: ... }` (dual-stack), not both',
  })
  .refine((e) => e.alias === undefined || e.addresses === undefined, {
    message: 'an alias endpoint names its target in `address`; `addresses` is for IP addresses',
    path: ['addresses'],
  })
  .superRefine((ep, ctx) => {
    for (const p of endpointChecksProblems(ep))
      ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  });

const regionSchema = z.strictObject({
  id,
  endpoints: z.array(endpointSchema).min(1, 'a region needs at least one endpoint'),
  /** Where the region is (degrees): the proximity policy answers each geography from its nearest region. */
  location: location.optional(),
  /** Proximity bias, -99..99: distances to this region count (1 - bias/100) times their length. */
  bias: bias.optional(),
  /** Traffic the region can take, for capacity-aware weighted failover: weight units or a share ("40%"). */
  capacity: capacity.optional(),
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
  /** How far a report's sentAt may be from the controller's clock, either way; beyond it the report is refused. */
  maxClockSkew: duration.default(30_000),
  minHealthy: z.number().int().min(1).default(1),
  failbackAfter: duration.default(60_000),
  /** Upper bound for the failback hold-down as flapping lengthens it. */
  maxFailbackAfter: duration.default(600_000),
  /** Gradual failback (failback-ramp.ts): after the hold-down, a recovered region climbs these steps. */
  failbackRamp: failbackRampSchema.optional(),
  /** Probe concurrency per agent. */
  concurrency: z.number().int().min(1).max(4096).default(64),
  /** Max results an agent keeps per controller while it is unreachable. */
  bufferSize: z.number().int().min(10).default(10_000),
});

// ---- providers ---------------------------------------------------------------------------------

/** Each kind's schema comes from its definition in providers/ (providers/registry lists them). */
export const providerSchema = z.discriminatedUnion('kind', providerSchemas);

// ---- zones, records, policies ------------------------------------------------------------------

/**
 * The last resort before whenAllDown when every region a rule or order names is down: `any-up` (the
 * first UP region in the order of `regions`), a list of regions tried in order, or `none` (only the
 * record's own regions answer, e.g. for data residency). Written on a record, its zone or the whole
 * config (the nearest wins); unwritten, it is `any-up` where the zone's providers can express it.
 */
export const fallbackSchema = z.union([z.literal('any-up'), z.literal('none'), z.array(id).min(1)], {
  error: 'must be any-up, none or a list of region ids such as [ap-south]',
});

/** Each kind's schema comes from its definition in src/policy/kinds (kinds/index.ts lists them). */
export const policySchema = z.discriminatedUnion('kind', policySchemas);

const recordSchema = z.strictObject({
  name: z.string().min(1),
  type: z.enum(['A', 'AAAA', 'CNAME']),
  ttl: z.number().int('must be a whole number of seconds'),
  /** Cloudflare only: proxy through Cloudflare (TTL is then Auto). */
  proxied: z.boolean().optional(),
  policy: policySchema,
  fallback: fallbackSchema.optional(),
});

const zoneSchema = z
  .strictObject({
    name: z.string().min(1),
    /** The provider that publishes this zone. */
    provider: z.string().min(1).optional(),
    /** Or several, each planned and written independently (provider redundancy). */
    providers: z.array(z.string().min(1)).min(1).optional(),
    records: z.array(recordSchema).default([]),
    /** The fallback of every record in the zone that names none itself. */
    fallback: fallbackSchema.optional(),
  })
  .refine((z) => (z.provider === undefined) !== (z.providers === undefined), {
    message: 'a zone needs `provider: ID` or `providers: [ID, ...]`, not both',
  })
  // `provider` is always set after parsing (the first of `providers`); use zoneProviders() for all.
  .transform((z) => ({ ...z, provider: z.provider ?? z.providers![0]! }));

/** Every provider a zone is published to, in config order (one for `provider:`). */
export function zoneProviders(zone: {
  provider: string;
  providers?: readonly string[] | undefined;
}): string[] {
  return zone.providers ? [...zone.providers] : [zone.provider];
}

// ---- controller, verify, geoip, notifications, safety ------------------------------------------

/** HTTPS for the API and report listener (README "TLS"); files are re-read when they change. */
const controllerTlsSchema = z
  .strictObject({
    /** The server certificate (and its chain), PEM. */
    certFile: pemFile,
    /** Its private key, PEM, unencrypted. */
    keyFile: pemFile,
    /** CA bundle that signs client certificates (mTLS, a second factor beside the report signature). */
    clientCaFile: pemFile.optional(),
    /** With clientCaFile: refuse requests without a valid client certificate (default true); false
     *  checks a certificate only when one is presented (while agents are being given theirs). */
    requireClientCert: z.boolean().optional(),
    /** How often the files are checked for a rotation. */
    reloadInterval: duration.default(5000),
  })
  .refine((t) => t.requireClientCert !== true || t.clientCaFile !== undefined, {
    message: 'requireClientCert needs clientCaFile (the CA that signs the client certificates)',
    path: ['requireClientCert'],
  });

/** Where probe agents send reports; an object adds the TLS trust and client certificate for it. */
const controllerTargetSchema = z
  .union([
    url,
    z
      .strictObject({
        url,
        /** CA bundle (PEM) to trust for this controller's certificate, e.g. a private CA. */
        ca: pemFile.optional(),
        /** Client certificate and key (PEM) presented when the controller asks for one (mTLS). */
        certFile: pemFile.optional(),
        keyFile: pemFile.optional(),
        /** An http:// url to a host that is neither loopback nor cluster-local is refused unless this
         *  says the network is private and the operator means it. */
        allowPlaintext: z.boolean().optional(),
      })
      .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), {
        message: 'certFile and keyFile go together (the client certificate and its key)',
      })
      .refine(
        (t) =>
          t.url.startsWith('https:') ||
          (t.ca === undefined && t.certFile === undefined && t.keyFile === undefined),
        { message: 'ca, certFile and keyFile apply only to an https:// url' },
      )
      .refine((t) => t.allowPlaintext === undefined || t.url.startsWith('http:'), {
        message: 'allowPlaintext applies only to an http:// url (https:// is not plaintext)',
        path: ['allowPlaintext'],
      }),
  ])
  .transform((t) => (typeof t === 'string' ? { url: t } : t) as ControllerTarget);

/** A controller URL with its optional TLS files (the parsed form of a `controllers` entry). */
export interface ControllerTarget {
  url: string;
  ca?: string;
  certFile?: string;
  keyFile?: string;
  allowPlaintext?: boolean;
}

/** Controller URLs from an environment variable (comma-separated), so one config serves every site:
 *  each deployment sets the variable in one place (README "Deploy"). The TLS files apply to each
 *  https:// URL in it. */
const controllersFromSchema = z
  .strictObject({
    env: envName,
    ca: pemFile.optional(),
    certFile: pemFile.optional(),
    keyFile: pemFile.optional(),
    /** Lets the variable hold http:// URLs to hosts beyond loopback and the cluster (a private network). */
    allowPlaintext: z.boolean().optional(),
  })
  .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), {
    message: 'certFile and keyFile go together (the client certificate and its key)',
  });

/** A named API token (README "Tokens, roles and the audit trail"); its name is the actor in the event log. */
const apiTokenSchema = z
  .strictObject({
    name: id,
    /** read: status, events, explain; operate: also drains, overrides, maintenance; admin: everything;
     *  signal: only deliver the signals that name it (Alertmanager's webhook, pushes), nothing else. */
    role: z.enum(['read', 'operate', 'admin', 'signal'], {
      error: (iss) =>
        iss.input === undefined
          ? 'role is missing: a token needs a role (read, operate, admin or signal)'
          : 'must be read, operate, admin or signal',
    }),
    tokenEnv: envName.optional(),
    /** A file holding the token (e.g. a mounted secret), as an alternative to tokenEnv. */
    tokenFile: z.string().min(1).optional(),
  })
  .refine((t) => (t.tokenEnv === undefined) !== (t.tokenFile === undefined), {
    message: 'a token needs tokenEnv or tokenFile (one of them): where its secret comes from',
  });

/**
 * The writer's lease (README "Scheduled apply"): while a controller writes a zone it keeps a TXT record
 * through the provider saying so, and `geofailover apply` refuses to write a zone whose lease is held.
 * One provider write per zone and provider per `renewEvery` (a read too after a failed renewal).
 */
const leaseSchema = z
  .strictObject({
    /** How long a lease lasts unless renewed: how long a crashed controller keeps apply away. */
    duration: duration.default(180_000),
    /** How often the holder renews it; at most half of `duration`, so one failed renewal loses nothing. */
    renewEvery: duration.default(60_000),
    /** `apply` treats a lease as held this long past its expiry: the two machines' clocks may differ. */
    clockSkew: duration.default(30_000),
  })
  .refine((l) => l.renewEvery >= 1000, {
    message: 'renewEvery must be at least 1s (each renewal is a provider write)',
    path: ['renewEvery'],
  })
  .refine((l) => l.renewEvery * 2 <= l.duration, {
    message:
      'renewEvery must be at most half of duration, so that one failed renewal does not let the lease run out',
    path: ['renewEvery'],
  });

const controllerSchema = z.strictObject({
  listen: hostPort.default('127.0.0.1:8080'),
  tls: controllerTlsSchema.optional(),
  /** A listen address beyond loopback without tls is refused unless this says the network is private
   *  and the operator means it (reports, the API and its bearer tokens would travel in clear text). */
  allowPlaintext: z.boolean().optional(),
  schedule: z
    .string()
    .refine((s) => cron.validate(s), {
      message:
        'must be a cron expression with 5 or 6 fields, such as "*/30 * * * * *" (every 30 s) or "*/5 * * * *"',
    })
    .default('*/30 * * * * *'),
  mode: z.enum(['apply', 'dry-run']).default('apply'),
  stateDir: z.string().default('./state'),
  /** One admin token named `admin` (kept for existing configs; `tokens` adds named ones with roles). */
  tokenEnv: envName.optional(),
  tokens: z.array(apiTokenSchema).default([]),
  /** With tokens configured: status, events and explain need a token too (any role). Default open. */
  requireReadToken: z.boolean().default(false),
  coordination: coordinationSchema.default({ kind: 'none' }),
  lease: leaseSchema.default(leaseSchema.parse({})),
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
  /** Per provider id: the nameservers that serve what that provider publishes (provider redundancy). */
  providers: z.record(z.string().min(1), z.array(hostPort).min(1)).default({}),
  timeout: duration.default(30_000),
  interval: duration.default(100),
});

const geoNetwork = z
  .strictObject({
    cidr: z.string().superRefine((s, ctx) => {
      const problem = cidrProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
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

const NOTIFY_EVENTS = [
  'failover',
  'failback',
  'drain',
  'apply-error',
  'fail-static',
  'maintenance',
  'override',
] as const;
const notificationSchema = z
  .strictObject({
    kind: z.literal('webhook'),
    /** Where to POST; for format pagerduty it defaults to https://events.pagerduty.com/v2/enqueue. */
    url: url.optional(),
    events: z
      .array(z.enum(NOTIFY_EVENTS))
      .min(1)
      .default([...NOTIFY_EVENTS]),
    format: z.enum(NOTIFICATION_FORMATS).default('json'),
    /** Environment variable with a bearer token sent to the webhook. */
    tokenEnv: envName.optional(),
    /** format pagerduty: environment variable holding the Events API v2 routing (integration) key. */
    routingKeyEnv: envName.optional(),
    /** How long one delivery attempt to this webhook may take before it counts as failed. */
    timeout: duration
      .refine((ms) => ms >= 100 && ms <= 120_000, 'must be between 100ms and 2m')
      .default(5000),
    /** Notifications waiting for this webhook; beyond it the oldest that is not a page is dropped. */
    backlog: z.number().int().min(1).max(10_000).default(100),
  })
  .refine((n) => n.format === 'pagerduty' || n.url !== undefined, {
    message: 'a json or slack webhook needs a url',
    path: ['url'],
  })
  .refine((n) => n.format !== 'pagerduty' || n.routingKeyEnv !== undefined, {
    message:
      'routingKeyEnv is missing: format pagerduty needs the environment variable holding the routing key',
    path: ['routingKeyEnv'],
  })
  .refine((n) => n.format === 'pagerduty' || n.routingKeyEnv === undefined, {
    message: 'routingKeyEnv applies only to format pagerduty',
    path: ['routingKeyEnv'],
  });

/**
 * An ISO 8601 time with a zone (Z or +hh:mm), parsed to epoch ms: a window is never in local time.
 * Within TIME_RANGE, so that every view of it can be shown (see model/time-range.ts).
 */
const isoTime = z
  .string()
  .refine((s) => /(Z|[+-]\d\d:?\d\d)$/i.test(s) && Number.isFinite(Date.parse(s)), {
    message: 'must be an ISO 8601 time with a zone, such as 2026-12-24T02:00:00Z',
  })
  .superRefine((s, ctx) => {
    const outside = Number.isFinite(Date.parse(s)) ? timeRangeProblem(s, Date.parse(s)) : undefined;
    if (outside) ctx.addIssue({ code: 'custom', message: outside });
  })
  .transform((s) => Date.parse(s));

/** A scheduled maintenance window (README "Maintenance windows"): the region is drained while it runs. */
const maintenanceSchema = z
  .strictObject({
    id: id.optional(),
    region: id,
    reason: z.string().min(1).max(500),
    /** Recurring: when each occurrence starts, cron in UTC (5 fields, or 6 with seconds first). */
    cron: z.string().min(1).optional(),
    /** One-shot: start and end (or duration), ISO 8601 with a zone. */
    start: isoTime.optional(),
    end: isoTime.optional(),
    /** Length of each occurrence (cron), or of the one-shot window instead of `end`. */
    duration: duration.optional(),
    /** A `maintenance` notification goes out this long before each start. */
    notifyBefore: duration.default(15 * 60_000),
  })
  .refine((w) => (w.cron === undefined) !== (w.start === undefined), {
    message: 'a maintenance window needs either cron (recurring) or start (one-shot), not both',
  })
  .refine((w) => w.cron === undefined || (w.duration !== undefined && w.end === undefined), {
    message: 'a recurring (cron) window needs duration, and no end',
    path: ['duration'],
  })
  .refine((w) => w.start === undefined || (w.end === undefined) !== (w.duration === undefined), {
    message: 'a one-shot window needs end or duration (one of them)',
    path: ['end'],
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
    controllers: z.array(controllerTargetSchema).default([]),
    controllersFrom: controllersFromSchema.optional(),
    health: healthSchema.default(healthSchema.parse({})),
    providers: z.record(id, providerSchema),
    zones: z.array(zoneSchema).default([]),
    /** The fallback of every record whose record and zone name none. */
    fallback: fallbackSchema.optional(),
    controller: controllerSchema.default(controllerSchema.parse({})),
    verify: verifySchema.default(verifySchema.parse({})),
    geoip: geoipSchema.default(geoipSchema.parse({})),
    notifications: z.array(notificationSchema).default([]),
    maintenance: z.array(maintenanceSchema).default([]),
    /** Health sources beside the probes: Prometheus queries, Alertmanager alerts, pushes (signals.ts). */
    signals: signalsSchema,
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
export type FailbackRampConfig = NonNullable<HealthConfig['failbackRamp']>;
export type ProviderConfig = z.output<typeof providerSchema>;
// From their own schemas, not from Config: provider definitions check records, and Config's type
// includes the provider schemas.
export type ZoneConfig = z.output<typeof zoneSchema>;
export type RecordConfig = z.output<typeof recordSchema>;
export type PolicyConfig = z.output<typeof policySchema>;
export type FallbackConfig = z.output<typeof fallbackSchema>;
export type GeoRuleConfig = Extract<PolicyConfig, { kind: 'geo' }>['rules'][number];
export type ControllerConfig = Config['controller'];
export type ApiTokenConfig = ControllerConfig['tokens'][number];
export type ControllerTlsConfig = NonNullable<ControllerConfig['tls']>;
export type CoordinationConfig = ControllerConfig['coordination'];
export type EtcdCoordinationConfig = Extract<CoordinationConfig, { kind: 'etcd' }>;
export type ControllersFromConfig = NonNullable<Config['controllersFrom']>;
export type NotificationConfig = Config['notifications'][number];
export type MaintenanceConfig = Config['maintenance'][number];
export type SafetyConfig = Config['safety'];
