// TLS for the report channel and the API: PEM files checked with clear errors, reloaded when they
// change, an HTTPS client trusting a private CA (probe agents, CLI), the server's rotating material.
//
//   const files = serverTlsFiles(config.controller.tls)      // throws TlsFileError naming the file
//   files.poll() → unchanged | reloaded (new material) | failed (old one kept)
//   new HttpsClient({ ca, cert, key }, { trustRemedy, clientCertRemedy }).request(url, init)

export { tlsFileProblems } from './check.ts';
export {
  type ClientTlsOptions,
  type ClientTlsRefs,
  type HttpReply,
  HttpsClient,
  TlsRequestError,
} from './client.ts';
export { type ClientTlsMaterial, loadClientTls } from './client-material.ts';
export { TlsFileError } from './errors.ts';
export { type TlsFailure, tlsFailure } from './failure.ts';
export { describeCert, loadCa, loadKeyPair, type PemRef, validityProblem } from './pem.ts';
export { ReloadingFiles, type ReloadOutcome } from './reload.ts';
export { type ServerMaterial, type ServerTlsFiles, serverTlsFiles } from './server.ts';
