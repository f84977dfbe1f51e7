// The configuration problem behind a failed etcd call: from etcd's answer (user, permissions) or from
// a handshake of our own (TLS); each names the endpoint, the config field and file, and the remedy,
// and none holds the password.
import {
  EtcdAuthenticationFailedError,
  EtcdError,
  EtcdPermissionDeniedError,
  GRPCDeadlineExceededError,
  GRPCFailedPreconditionError,
  GRPCUnavailableError,
} from 'etcd3';
import { describe, expect, it } from 'vitest';
import {
  EtcdAccessError,
  type Handshake,
  type ProblemContext,
  problemOfError,
  problemOfHandshake,
} from '../../../src/coordination/etcd-problem.ts';

const A = 'https://etcd-1.internal:2379';
const B = 'https://etcd-2.internal:2379';
const ctx: ProblemContext = {
  endpoints: [A, B],
  prefix: '/geofailover/shop/',
  secure: true,
  tls: { ca: '/etc/gf/ca.pem', certFile: '/etc/gf/etcd.pem', keyFile: '/etc/gf/etcd.key' },
  auth: { user: 'geofailover', from: 'passwordEnv ETCD_PASSWORD' },
};
const failed = (code: string, presentedCert = true, detail = code): Handshake => ({
  kind: 'failed',
  code,
  detail,
  presentedCert,
});

describe('problemOfError: what etcd answered', () => {
  it('a wrong password names the user and where the password comes from, never the password', () => {
    const p = problemOfError(
      new EtcdAuthenticationFailedError(
        '3 INVALID_ARGUMENT: etcdserver: authentication failed, invalid user ID or password',
      ),
      ctx,
    )!;
    expect(p).toBeInstanceOf(EtcdAccessError);
    expect(p.message).toBe(
      `etcd at ${A}, ${B}: authentication failed for user "geofailover" (a wrong password, or no such user) (controller.coordination.auth)`,
    );
    expect(p.context.remedy).toContain('check the password in passwordEnv ETCD_PASSWORD');
    expect(p.field).toBe('controller.coordination.auth');
    expect(p.exitCode).toBe(2);
  });

  it('permission denied: the prefix to grant when a user is given, the auth block to add when none is', () => {
    const denied = new EtcdPermissionDeniedError('7 PERMISSION_DENIED: etcdserver: permission denied');
    const withUser = problemOfError(denied, ctx)!;
    expect(withUser.field).toBe('controller.coordination.auth.user');
    expect(withUser.message).toContain('user "geofailover" may not read and write /geofailover/shop/');
    expect(withUser.context.remedy).toBe(
      'grant a role of the user readwrite on the prefix: etcdctl role grant-permission ROLE --prefix=true readwrite /geofailover/shop/',
    );
    const { auth: _, ...noUser } = ctx;
    const without = problemOfError(denied, noUser)!;
    expect(without.field).toBe('controller.coordination.auth');
    expect(without.message).toContain('etcd has authentication enabled and this controller gives no user');
  });

  it('a user given to an etcd without authentication', () => {
    const p = problemOfError(
      new GRPCFailedPreconditionError('9 FAILED_PRECONDITION: etcdserver: authentication is not enabled'),
      ctx,
    )!;
    expect(p.message).toContain('etcd has authentication off');
    expect(p.context.remedy).toContain('remove controller.coordination.auth');
  });

  it('an outage or anything else is no configuration problem', () => {
    for (const err of [
      new GRPCUnavailableError('14 UNAVAILABLE: No connection established'),
      new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED'),
      new EtcdError('something else'),
      'not an error',
    ])
      expect(problemOfError(err, ctx)).toBeUndefined();
  });
});

describe('problemOfHandshake: what a TLS handshake showed', () => {
  it('an untrusted server certificate names the CA file and field', () => {
    const p = problemOfHandshake(B, failed('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), ctx)!;
    expect(p.endpoint).toBe(B);
    expect(p.field).toBe('controller.coordination.tls.ca');
    expect(p.file).toBe('/etc/gf/ca.pem');
    expect(p.message).toBe(
      `etcd at ${B}: TLS failed: etcd's certificate is not signed by the CA in tls.ca (UNABLE_TO_VERIFY_LEAF_SIGNATURE) (controller.coordination.tls.ca: /etc/gf/ca.pem)`,
    );
    const { tls: _, ...systemCas } = ctx;
    expect(problemOfHandshake(A, failed('SELF_SIGNED_CERT_IN_CHAIN'), systemCas)!.message).toContain(
      "a CA of the system's trust store (no tls.ca)",
    );
  });

  it('client certificates: none where one is required, one etcd refuses, one expired', () => {
    const alert = 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE';
    const none = problemOfHandshake(A, failed(alert, false), { ...ctx, tls: { ca: '/etc/gf/ca.pem' } })!;
    expect(none.field).toBe('controller.coordination.tls.certFile');
    expect(none.message).toContain(
      'etcd requires a client certificate (--client-cert-auth) and none is configured',
    );
    const refused = problemOfHandshake(A, failed(alert, true), ctx)!;
    expect(refused.file).toBe('/etc/gf/etcd.pem');
    expect(refused.message).toContain('etcd refused our client certificate');
    expect(refused.context.remedy).toContain('--trusted-ca-file');
    const expired = problemOfHandshake(A, failed('ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED'), ctx)!;
    expect(expired.message).toContain('refused our client certificate as expired');
  });

  it('a name the certificate does not list, plain text on https://, TLS on http://', () => {
    const name = problemOfHandshake(A, failed('ERR_TLS_CERT_ALTNAME_INVALID'), ctx)!;
    expect(name.field).toBe('controller.coordination.endpoints[0]');
    expect(name.message).toContain("etcd's certificate does not name this host");
    const plain = problemOfHandshake(B, failed('ERR_SSL_WRONG_VERSION_NUMBER'), ctx)!;
    expect(plain.field).toBe('controller.coordination.endpoints[1]');
    expect(plain.message).toContain('the server does not speak TLS there, but the endpoint is https://');
    const http = 'http://etcd-1.internal:2379';
    const tls = problemOfHandshake(
      http,
      { kind: 'speaks-tls' },
      { ...ctx, endpoints: [http], secure: false },
    )!;
    expect(tls.message).toContain('the server speaks TLS, but the endpoint is http://');
    expect(tls.context.remedy).toContain('write the endpoints as https://');
  });

  it('fine, or merely unreachable: nothing to fix in the configuration', () => {
    expect(problemOfHandshake(A, { kind: 'ok' }, ctx)).toBeUndefined();
    expect(
      problemOfHandshake(A, { kind: 'unreachable', detail: 'connect ECONNREFUSED' }, ctx),
    ).toBeUndefined();
  });
});
