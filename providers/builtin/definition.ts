// The builtin provider kind: its config schema and features (every policy; no CNAME at the apex), its
// TSIG secrets, and the checks of its hidden-primary settings.
import { isIP } from 'node:net';
import { z } from 'zod';
import { envName, hostPort } from '../../src/config/fields/index.ts';
import type { ProviderCapabilities } from '../capabilities.ts';
import { defineProvider } from '../definition.ts';
import { TSIG_ALGORITHMS } from '../tsig/index.ts';
import { transferProblems, transferWarnings } from './transfer-checks.ts';

const tsigKeySchema = z
  .strictObject({
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/,
        'must be a key name such as xfr-key or xfr.example.com',
      ),
    algorithm: z.enum(TSIG_ALGORITHMS).default('hmac-sha256'),
    secretEnv: envName.optional(),
    secretFile: z.string().min(1).optional(),
  })
  .refine((k) => (k.secretEnv === undefined) !== (k.secretFile === undefined), {
    message: 'a TSIG key needs exactly one of secretEnv or secretFile (the base64 secret, never in the YAML)',
  });

const transferAclEntry = z
  .strictObject({
    /** A client address or network, e.g. 192.0.2.53 or 2001:db8::/32. */
    address: z
      .string()
      .refine((a) => isIpOrCidr(a), 'must be an IP address or CIDR such as 192.0.2.0/24')
      .optional(),
    /** The client must sign with this key (a name from tsigKeys). */
    key: z.string().min(1).optional(),
  })
  .refine((e) => e.address !== undefined || e.key !== undefined, {
    message: 'an allowTransfer entry needs an address, a key, or both',
  });

function isIpOrCidr(text: string): boolean {
  const [ip, prefix, extra] = text.split('/');
  if (extra !== undefined || !ip) return false;
  const family = isIP(ip);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  const n = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && n <= (family === 4 ? 32 : 128);
}

export const builtinSchema = z.strictObject({
  kind: z.literal('builtin'),
  /** Addresses the DNS server listens on (UDP and TCP), HOST:PORT. */
  listen: z.union([hostPort, z.array(hostPort).min(1)]).optional(),
  /** Zone store file; defaults to <controller.stateDir>/zones.json. */
  storeFile: z.string().min(1).optional(),
  /** Nameserver names published as the zones' NS set and in the SOA. */
  nameservers: z.array(z.string().min(1)).default([]),
  /** EDNS UDP payload size we advertise and honour. */
  udpPayloadSize: z.number().int().min(512).max(4096).default(1232),
  /** Processes serving DNS on the listen sockets (default: as many as the CPUs, the cgroup CPU quota and
   * the memory limit allow; one above the quota or the limit stops the start). */
  workers: z.number().int().min(1).max(256).optional(),
  // Hidden primary (README "Hidden primary"): zone transfers to, and NOTIFY of, secondaries.
  /** TSIG keys (RFC 8945) for transfers and NOTIFY; the secret (base64) from secretEnv or secretFile. */
  tsigKeys: z.array(tsigKeySchema).default([]),
  /** Who may transfer the zones (AXFR/IXFR): an address or CIDR, a TSIG key name, or both. */
  allowTransfer: z.array(transferAclEntry).default([]),
  /** Secondaries to NOTIFY on every change, HOST:PORT. */
  secondaries: z.array(hostPort).default([]),
  /** TSIG key that signs NOTIFY messages; default: the first of tsigKeys, if any. */
  notifyKey: z.string().min(1).optional(),
});

/** The server answers weighted and geo sets itself; a CNAME cannot sit at the apex beside SOA/NS. */
export const capabilities: ProviderCapabilities = {
  weighted: true,
  geo: true,
  steeredGeo: true,
  endpointWeights: true,
  failbackRamp: true,
  rampedEndpointWeights: true,
  apexCname: false,
  fallback: true,
  familyHealth: true,
  multiValue: true,
  atomicBatch: true,
  zonesLive: 'replica',
};

export const definition = defineProvider({
  kind: 'builtin',
  schema: builtinSchema,
  capabilities,
  secrets: (cfg, id) =>
    cfg.tsigKeys.flatMap((k, i) =>
      k.secretEnv === undefined
        ? []
        : [
            {
              at: ['tsigKeys', i, 'secretEnv'],
              envVar: k.secretEnv,
              usedBy: `TSIG key ${k.name} of provider ${id}`,
            },
          ],
    ),
  checkProvider: (cfg, id) => transferProblems(cfg, id),
  checkRecord: (cfg, record, zone) => transferWarnings(cfg, record, zone),
});
