// Pure: the configuration problem behind a failed etcd call, in words an operator can act on. The gRPC
// client reports every TLS failure as "14 UNAVAILABLE: No connection established" (the cause, if any,
// is a line of OpenSSL), so TLS is judged from a handshake of our own (tls-probe.ts); a refused user
// or a missing permission is judged from etcd's answer. Each problem names the endpoint, the config
// field and file, and the remedy; it never holds the password.
import {
  castGrpcError,
  EtcdAuthenticationFailedError,
  EtcdPermissionDeniedError,
  GRPCUnauthenticatedError,
} from 'etcd3';
import { tlsFailure } from '../tls/index.ts';
import { CoordinationError } from './errors.ts';

const FIELD = 'controller.coordination';

/** What a problem may say about how this replica connects (never the password itself). */
export interface ProblemContext {
  endpoints: readonly string[];
  prefix: string;
  secure: boolean;
  tls?: { ca?: string; certFile?: string; keyFile?: string };
  auth?: { user: string; from: string };
}

/** etcd refuses this replica for a reason only a change of config, files or etcd can fix. */
export class EtcdAccessError extends CoordinationError {
  override readonly exitCode = 2;
  /** The endpoint the problem was seen at (all of them when etcd answered the same everywhere). */
  readonly endpoint: string;
  /** The config field to fix, e.g. `controller.coordination.tls.ca`. */
  readonly field: string;
  readonly file?: string;

  constructor(
    o: { endpoint: string; field: string; file?: string; problem: string; remedy: string },
    cause?: unknown,
  ) {
    super(`etcd at ${o.endpoint}: ${o.problem} (${o.field}${o.file ? `: ${o.file}` : ''})`, {
      remedy: o.remedy,
      ...(cause === undefined ? {} : { cause }),
    });
    this.endpoint = o.endpoint;
    this.field = o.field;
    if (o.file !== undefined) this.file = o.file;
  }
}

/** The outcome of one TLS handshake with an endpoint (tls-probe.ts). */
export type Handshake =
  /** TLS (or plain text on an http:// endpoint) as configured, and the server answered. */
  | { kind: 'ok' }
  /** No connection or no answer: nothing to conclude about the configuration. */
  | { kind: 'unreachable'; detail: string }
  /** The handshake failed with Node's error `code`; `presentedCert`: we sent a client certificate. */
  | { kind: 'failed'; code: string; detail: string; presentedCert: boolean }
  /** An http:// endpoint whose server speaks TLS. */
  | { kind: 'speaks-tls' };

const all = (ctx: ProblemContext) => ctx.endpoints.join(', ');

/** A problem etcd's answer proves (a refused user, a missing permission), or undefined. */
export function problemOfError(err: unknown, ctx: ProblemContext): EtcdAccessError | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = castGrpcError(err);
  if (e instanceof EtcdAuthenticationFailedError) {
    const user = ctx.auth?.user ?? '(none)';
    return new EtcdAccessError(
      {
        endpoint: all(ctx),
        field: `${FIELD}.auth`,
        problem: `authentication failed for user "${user}" (a wrong password, or no such user)`,
        remedy: `check the password in ${ctx.auth?.from ?? 'auth'} against the etcd user (etcdctl user get ${user}), then restart the controller`,
      },
      err,
    );
  }
  if (/authentication is not enabled/.test(e.message))
    return new EtcdAccessError(
      {
        endpoint: all(ctx),
        field: `${FIELD}.auth`,
        problem: `etcd has authentication off, and refuses the user "${ctx.auth?.user ?? '(none)'}" this controller gives`,
        remedy: `remove ${FIELD}.auth, or turn authentication on in etcd (etcdctl user add root, etcdctl auth enable)`,
      },
      err,
    );
  if (e instanceof EtcdPermissionDeniedError || e instanceof GRPCUnauthenticatedError) {
    if (!ctx.auth)
      return new EtcdAccessError(
        {
          endpoint: all(ctx),
          field: `${FIELD}.auth`,
          problem: 'etcd has authentication enabled and this controller gives no user (permission denied)',
          remedy: `set ${FIELD}.auth: { user: NAME, passwordEnv: VAR } (or passwordFile) for a user whose role has readwrite on ${ctx.prefix}`,
        },
        err,
      );
    return new EtcdAccessError(
      {
        endpoint: all(ctx),
        field: `${FIELD}.auth.user`,
        problem: `user "${ctx.auth.user}" may not read and write ${ctx.prefix} (permission denied)`,
        remedy: `grant a role of the user readwrite on the prefix: etcdctl role grant-permission ROLE --prefix=true readwrite ${ctx.prefix}`,
      },
      err,
    );
  }
  return undefined;
}

/** A problem one handshake with `endpoint` proves, or undefined (fine, or merely unreachable). */
export function problemOfHandshake(
  endpoint: string,
  h: Handshake,
  ctx: ProblemContext,
): EtcdAccessError | undefined {
  if (h.kind === 'ok' || h.kind === 'unreachable') return undefined;
  const i = ctx.endpoints.indexOf(endpoint);
  const endpointField = `${FIELD}.endpoints${i >= 0 ? `[${i}]` : ''}`;
  if (h.kind === 'speaks-tls')
    return new EtcdAccessError({
      endpoint,
      field: endpointField,
      problem: 'the server speaks TLS, but the endpoint is http://',
      remedy: `write the endpoints as https://, and set ${FIELD}.tls.ca to the CA of etcd's certificate (certFile and keyFile too when etcd runs with --client-cert-auth)`,
    });
  const tls = ctx.tls ?? {};
  const certField = `${FIELD}.tls.certFile`;
  const kind = tlsFailure(h.code, h.detail, h.presentedCert);
  const make = (field: string, problem: string, remedy: string, file?: string) =>
    new EtcdAccessError({ endpoint, field, ...(file ? { file } : {}), problem, remedy });
  switch (kind) {
    case 'untrusted':
      return make(
        `${FIELD}.tls.ca`,
        `TLS failed: etcd's certificate is not signed by ${tls.ca ? 'the CA in tls.ca' : "a CA of the system's trust store (no tls.ca)"} (${h.code})`,
        `set ${FIELD}.tls.ca to the CA that signed etcd's server certificate (etcd's --cert-file)`,
        tls.ca,
      );
    case 'wrong-name':
      return make(
        endpointField,
        `TLS failed: etcd's certificate does not name this host (${h.detail})`,
        `write the endpoint with a DNS name etcd's certificate lists (subjectAltName), or reissue etcd's certificate with it`,
      );
    case 'server-cert-expired':
      return make(
        endpointField,
        `TLS failed: etcd's certificate is outside its validity period (${h.code})`,
        "renew etcd's server certificate (--cert-file)",
      );
    case 'client-cert-required':
      return make(
        certField,
        'TLS failed: etcd requires a client certificate (--client-cert-auth) and none is configured',
        `set ${FIELD}.tls.certFile and keyFile to a client certificate issued by the CA in etcd's --trusted-ca-file`,
      );
    case 'client-cert-refused':
      return make(
        certField,
        'TLS failed: etcd refused our client certificate (not issued by a CA in its --trusted-ca-file?)',
        `give ${FIELD}.tls.certFile a client certificate (extendedKeyUsage clientAuth) issued by the CA in etcd's --trusted-ca-file, or add its CA there`,
        tls.certFile,
      );
    case 'client-cert-expired':
      return make(
        certField,
        'TLS failed: etcd refused our client certificate as expired',
        `renew the client certificate in ${FIELD}.tls.certFile (and its key)`,
        tls.certFile,
      );
    case 'not-tls':
      return make(
        endpointField,
        'TLS failed: the server does not speak TLS there, but the endpoint is https://',
        'write the endpoints as http://, or give etcd --cert-file, --key-file and https:// --listen-client-urls',
      );
    case undefined:
      return make(
        `${FIELD}.tls`,
        `TLS failed: ${h.code || h.detail}`,
        `check the files in ${FIELD}.tls against etcd's --cert-file and --trusted-ca-file`,
      );
  }
}
