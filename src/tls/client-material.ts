// A TLS client's files loaded and checked together: the CA bundle it trusts and the certificate and
// key it presents, each problem a TlsFileError naming the file and where the config names it. Shared
// by the HTTPS client (probe agents, CLI) and the etcd client of coordination.
import { describeCert, loadCa, loadKeyPair, type PemRef } from './pem.ts';

export interface ClientTlsRefs {
  ca?: PemRef;
  cert?: PemRef;
  key?: PemRef;
}

export interface ClientTlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
  /** What is trusted and presented, for logs (fingerprints, never a key). */
  detail: Record<string, unknown>;
}

export function loadClientTls(refs: ClientTlsRefs): ClientTlsMaterial {
  const m: ClientTlsMaterial = { detail: {} };
  if (refs.ca) {
    const ca = loadCa(refs.ca);
    m.ca = ca.pem;
    m.detail.ca = ca.certs.map((c) => describeCert(c).fingerprint256);
  }
  if (refs.cert && refs.key) {
    const pair = loadKeyPair(refs.cert, refs.key);
    m.cert = pair.cert;
    m.key = pair.key;
    m.detail.clientCert = describeCert(pair.leaf);
  }
  return m;
}
