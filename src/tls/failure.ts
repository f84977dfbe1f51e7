// Pure: what a failed TLS handshake means, from Node's error code and message, in the few kinds an
// operator can act on. Used by the HTTPS client (reports, CLI) and by the etcd diagnosis.

export type TlsFailure =
  /** The server's certificate is not signed by a CA we trust. */
  | 'untrusted'
  /** The server's certificate does not name the host we asked for. */
  | 'wrong-name'
  /** The server's certificate is expired or not yet valid. */
  | 'server-cert-expired'
  /** The server wants a client certificate; without one it refused us. */
  | 'client-cert-required'
  /** The server refused the client certificate we presented. */
  | 'client-cert-refused'
  /** The server refused our client certificate as expired. */
  | 'client-cert-expired'
  /** The other side does not speak TLS. */
  | 'not-tls';

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/**
 * `presentedCert`: whether we sent a client certificate. Older servers (Go before 1.21, so etcd 3.4
 * and 3.5) answer a missing certificate with the same "bad certificate" alert as a refused one.
 */
export function tlsFailure(code: string, message: string, presentedCert: boolean): TlsFailure | undefined {
  const text = `${code} ${message}`;
  if (UNTRUSTED.has(code)) return 'untrusted';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'wrong-name';
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return 'server-cert-expired';
  if (/ALERT_CERTIFICATE_EXPIRED|certificate expired/i.test(text)) return 'client-cert-expired';
  if (/CERTIFICATE_REQUIRED|certificate required/i.test(text)) return 'client-cert-required';
  if (/ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE)/.test(code))
    return presentedCert ? 'client-cert-refused' : 'client-cert-required';
  if (/WRONG_VERSION_NUMBER|wrong version number|PACKET_LENGTH_TOO_LONG|http request/i.test(text))
    return 'not-tls';
  return undefined;
}
