// The controller listener's TLS: the server certificate and key (and the CA of client certificates)
// checked at startup, and polled afterwards so a rotated pair is served without a restart. A new set
// that is missing, half-written or mismatched never replaces the one in use: it is reported and the
// old one kept until a good set appears.
import type { SecureContextOptions } from 'node:tls';
import { describeCert, loadCa, loadKeyPair } from './pem.ts';
import { ReloadingFiles } from './reload.ts';

// node:tls is loaded on first use, not with this module: validate and plan import this file
// whether or not the config uses it, and loading Node's TLS and crypto adds ~15 ms to every command.
const tls = () => process.getBuiltinModule('node:tls');

export interface ServerTlsFiles {
  certFile: string;
  keyFile: string;
  clientCaFile?: string;
}

export interface ServerMaterial {
  options: SecureContextOptions;
  /** The served certificate (serial, fingerprint, validity end) and the client CA, for logs. */
  detail: { serial: string; fingerprint256: string; validTo: string; clientCa?: string[] };
  /** End of the served certificate's validity (ms since the epoch). */
  notAfter: number;
}

function loadServerMaterial(files: ServerTlsFiles, where: string): ServerMaterial {
  const pair = loadKeyPair(
    { path: files.certFile, where: `${where}.certFile` },
    { path: files.keyFile, where: `${where}.keyFile` },
  );
  const ca = files.clientCaFile
    ? loadCa({ path: files.clientCaFile, where: `${where}.clientCaFile` })
    : undefined;
  const options: SecureContextOptions = { cert: pair.cert, key: pair.key, ...(ca ? { ca: ca.pem } : {}) };
  // Node may still refuse what passed the checks above (an unsupported key type): say so at startup.
  tls().createSecureContext(options);
  return {
    options,
    detail: {
      ...describeCert(pair.leaf),
      ...(ca ? { clientCa: ca.certs.map((c) => c.fingerprint256) } : {}),
    },
    notAfter: Date.parse(pair.leaf.validTo),
  };
}

/** The server's certificate files, loaded now (a TlsFileError names a bad one) and re-read on poll(). */
export function serverTlsFiles(
  files: ServerTlsFiles,
  where = 'controller.tls',
): ReloadingFiles<ServerMaterial> {
  const paths = [files.certFile, files.keyFile, ...(files.clientCaFile ? [files.clientCaFile] : [])];
  return new ReloadingFiles(paths, () => loadServerMaterial(files, where));
}
