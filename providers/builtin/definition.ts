// The builtin provider kind: its config schema and features (every policy; no CNAME at the apex).
import { z } from 'zod';
import { hostPort } from '../../src/config/fields/index.ts';
import { defineProvider } from '../definition.ts';

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
});

export const definition = defineProvider({
  kind: 'builtin',
  schema: builtinSchema,
  // The server answers weighted sets itself; a CNAME cannot sit at the apex beside SOA/NS.
  supports: () => ({
    weighted: true,
    endpointWeights: true,
    failbackRamp: true,
    rampedEndpointWeights: true,
    apexCname: false,
  }),
});
