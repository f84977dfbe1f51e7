// The `controller.coordination` schema: none (one controller), or etcd with its endpoints, lease,
// key prefix, TLS files (private CA, client certificate) and user. Declared like the rest of the
// config: files by path (checked where they are loaded), the password only through an env variable
// or a file, never in the YAML.
import { isIP } from 'node:net';
import { z } from 'zod';
import { duration, envName, etcdEndpoint, etcdEndpointProblem, pemFile } from './fields/index.ts';

const etcdTls = z
  .strictObject({
    /** CA bundle (PEM) that signed etcd's server certificate (etcd's --trusted-ca-file is often the same). */
    ca: pemFile.optional(),
    /** Client certificate (PEM) for etcd's --client-cert-auth, and its key. */
    certFile: pemFile.optional(),
    keyFile: pemFile.optional(),
  })
  .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), {
    message: 'certFile and keyFile go together (the client certificate and its key)',
  });

const hostOf = (endpoint: string) => new URL(endpoint).hostname.replace(/^\[|\]$/g, '');

const etcdAuth = z
  .strictObject({
    /** The etcd user; its role needs readwrite on the key prefix. */
    user: z.string().min(1, 'must be the etcd user name'),
    passwordEnv: envName.optional(),
    /** A file holding the password (e.g. a mounted secret), as an alternative to passwordEnv. */
    passwordFile: z.string().min(1).optional(),
  })
  .refine((a) => (a.passwordEnv === undefined) !== (a.passwordFile === undefined), {
    message: 'auth needs passwordEnv or passwordFile (one of them): where the password comes from',
  });

const etcdCoordination = z
  .strictObject({
    kind: z.literal('etcd'),
    /** Every etcd member; all https:// (TLS) or all http://. */
    endpoints: z.array(etcdEndpoint).min(1),
    leaseTtl: duration.default(10_000),
    prefix: z.string().optional(),
    tls: etcdTls.optional(),
    auth: etcdAuth.optional(),
  })
  .superRefine((c, ctx) => {
    // An endpoint that is no endpoint has its own problem already: judge the others only.
    const valid = c.endpoints.flatMap((e, i) => (etcdEndpointProblem(e) === undefined ? [{ e, i }] : []));
    const https = valid.map(({ e }) => e.startsWith('https:'));
    const first = https[0];
    // One gRPC channel setup serves every member: TLS for all or for none.
    https.forEach((h, k) => {
      const i = valid[k]!.i;
      if (h !== first)
        ctx.addIssue({
          code: 'custom',
          path: ['endpoints', i],
          message: `mixes ${h ? 'https' : 'http'}:// with ${first ? 'https' : 'http'}:// (endpoints[${valid[0]!.i}]): every etcd endpoint must use the same scheme`,
        });
    });
    // The gRPC client sends the endpoint's host as the TLS server name, for every call including
    // the password exchange, and Node refuses an IP address there: TLS endpoints need a name.
    for (const { e, i } of valid)
      if (e.startsWith('https:') && isIP(hostOf(e)) !== 0)
        ctx.addIssue({
          code: 'custom',
          path: ['endpoints', i],
          message: `an https:// etcd endpoint needs a DNS name that etcd's certificate lists, not the IP address ${hostOf(e)} (the gRPC client sends the host as TLS server name, which cannot be an IP); e.g. https://etcd-1.internal:${/:(\d+)$/.exec(e)?.[1] ?? '2379'} (a hosts entry will do)`,
        });
    if (c.tls && valid.length > 0 && !https.some(Boolean))
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: 'tls applies only to https:// endpoints: write the endpoints as https://HOST:PORT',
      });
  });

export const coordinationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  etcdCoordination,
]);
