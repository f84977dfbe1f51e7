// What a failed TLS handshake means, from Node's error code and message.
import { describe, expect, it } from 'vitest';
import { tlsFailure } from '../../../src/tls/index.ts';

describe('tlsFailure', () => {
  it.each([
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate', true, 'untrusted'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain', false, 'untrusted'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames", true, 'wrong-name'],
    ['CERT_HAS_EXPIRED', 'certificate has expired', true, 'server-cert-expired'],
    [
      'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
      'alert certificate required',
      false,
      'client-cert-required',
    ],
    [
      'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
      'sslv3 alert certificate expired',
      true,
      'client-cert-expired',
    ],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number', false, 'not-tls'],
    ['ECONNREFUSED', 'connect ECONNREFUSED', false, undefined],
  ] as const)('%s → %s', (code, message, presented, kind) => {
    expect(tlsFailure(code, message, presented)).toBe(kind);
  });

  it('a "bad certificate" alert means required when we sent none, refused when we sent one (Go before 1.21)', () => {
    const code = 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE';
    const message = 'sslv3 alert bad certificate: SSL alert number 42';
    expect(tlsFailure(code, message, false)).toBe('client-cert-required');
    expect(tlsFailure(code, message, true)).toBe('client-cert-refused');
    expect(tlsFailure('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'tlsv1 alert unknown ca', true)).toBe(
      'client-cert-refused',
    );
  });
});
