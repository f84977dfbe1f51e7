// Reading and checking PEM files before any TLS context is built from them: a certificate chain, a
// private key that matches it, a CA bundle. Node's own errors ("key values mismatch", "no start line")
// name neither the file nor the remedy, so every file is checked here first.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TlsFileError } from './errors.ts';

// node:crypto is loaded on first use, not with this module: validate and plan import this file
// whether or not the config uses it, and loading Node's TLS and crypto adds ~15 ms to every command.
const crypto = () => process.getBuiltinModule('node:crypto');

/** A configured file: its path and where the config names it. */
export interface PemRef {
  path: string;
  where: string;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function readPem(ref: PemRef): string {
  try {
    return readFileSync(ref.path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES'
          ? 'not readable by this user'
          : code === 'EISDIR'
            ? 'is a directory, not a file'
            : `cannot read the file (${code ?? (err as Error).message})`;
    throw new TlsFileError(
      ref.where,
      ref.path,
      problem,
      'put the PEM file there (readable by the geofailover user) or fix the path',
    );
  }
}

/** Every certificate in a PEM text (a leaf and its chain, or a CA bundle); at least one. */
export function parseCertificates(ref: PemRef, text: string, what: 'certificate' | 'CA'): X509Certificate[] {
  const blocks = text.match(CERT_BLOCK) ?? [];
  const remedy =
    what === 'CA'
      ? 'give the CA certificate(s) in PEM form (-----BEGIN CERTIFICATE-----); convert DER with `openssl x509 -inform der -in ca.der -out ca.pem`'
      : 'give the certificate (and its chain) in PEM form (-----BEGIN CERTIFICATE-----)';
  if (blocks.length === 0) {
    const hint = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text) ? ' (it holds a private key)' : '';
    throw new TlsFileError(ref.where, ref.path, `is not a PEM certificate file${hint}`, remedy);
  }
  return blocks.map((b, i) => {
    try {
      return new (crypto().X509Certificate)(b);
    } catch (err) {
      throw new TlsFileError(
        ref.where,
        ref.path,
        `certificate ${i + 1} in the file cannot be parsed (${(err as Error).message})`,
        remedy,
      );
    }
  });
}

export function parsePrivateKey(ref: PemRef, text: string): KeyObject {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    const hint = /-----BEGIN CERTIFICATE-----/.test(text) ? ' (it holds a certificate)' : '';
    throw new TlsFileError(
      ref.where,
      ref.path,
      `is not a PEM private key file${hint}`,
      'give the unencrypted private key in PEM form (-----BEGIN PRIVATE KEY-----)',
    );
  }
  try {
    return crypto().createPrivateKey(text);
  } catch (err) {
    throw new TlsFileError(
      ref.where,
      ref.path,
      `the private key cannot be read (${(err as Error).message})`,
      'give an unencrypted PEM key (decrypt it with `openssl pkey -in key.pem -out plain.pem`)',
    );
  }
}

const subjectOf = (c: X509Certificate) => c.subject.replace(/\n/g, ', ');

/** Why a certificate cannot be used at `now` (expired, or not valid yet), or undefined. Pure. */
export function validityProblem(
  c: X509Certificate,
  now: number,
  what: 'certificate' | 'CA certificate' = 'certificate',
): string | undefined {
  const from = Date.parse(c.validFrom);
  const to = Date.parse(c.validTo);
  if (now > to) return `the ${what} (subject ${subjectOf(c)}) expired on ${new Date(to).toISOString()}`;
  if (now < from)
    return `the ${what} (subject ${subjectOf(c)}) is not valid until ${new Date(from).toISOString()}`;
  return undefined;
}

function checkValidity(ref: PemRef, c: X509Certificate, now: number, what: 'certificate' | 'CA certificate') {
  const problem = validityProblem(c, now, what);
  if (!problem) return;
  const renew =
    what === 'CA certificate'
      ? 'make a new CA certificate (and reissue the certificates it signs), then replace the file'
      : 'issue a new certificate (same CA, same names) and replace the file; a running process picks it up within its reload interval';
  throw new TlsFileError(
    ref.where,
    ref.path,
    problem,
    now > Date.parse(c.validTo)
      ? renew
      : "this host's clock may be behind (check NTP, `timedatectl`), or it was issued with a start date in the future: reissue it",
  );
}

/** A certificate chain with its matching key, as TLS options. */
export interface KeyPair {
  cert: string;
  key: string;
  leaf: X509Certificate;
}

export function loadKeyPair(certRef: PemRef, keyRef: PemRef, now: number = Date.now()): KeyPair {
  const cert = readPem(certRef);
  const key = readPem(keyRef);
  const [leaf] = parseCertificates(certRef, cert, 'certificate');
  const keyObject = parsePrivateKey(keyRef, key);
  if (!leaf!.checkPrivateKey(keyObject)) {
    throw new TlsFileError(
      keyRef.where,
      keyRef.path,
      `the key does not match the certificate in ${certRef.path} (${certRef.where}; subject ${subjectOf(leaf!)})`,
      'give the key the certificate was issued for (a rotation must replace both files)',
    );
  }
  // Served or presented outside its validity, every peer would refuse it with an error that names
  // neither this file nor the fix.
  checkValidity(certRef, leaf!, now, 'certificate');
  return { cert, key, leaf: leaf! };
}

export function loadCa(ref: PemRef, now: number = Date.now()): { pem: string; certs: X509Certificate[] } {
  const pem = readPem(ref);
  const certs = parseCertificates(ref, pem, 'CA');
  // A bundle may hold an old CA beside its successor during a rotation: refuse only when none is valid.
  if (!certs.some((c) => validityProblem(c, now) === undefined))
    checkValidity(ref, certs[0]!, now, 'CA certificate');
  return { pem, certs };
}

/** What a log line says about a certificate: serial, SHA-256 fingerprint, validity end. */
export function describeCert(c: X509Certificate): {
  serial: string;
  fingerprint256: string;
  validTo: string;
} {
  return { serial: c.serialNumber, fingerprint256: c.fingerprint256, validTo: c.validTo };
}

/** A digest of the files' bytes (or of their read errors), to tell cheaply whether any changed. */
export function filesDigest(paths: readonly string[]): string {
  const h = crypto().createHash('sha256');
  for (const p of paths) {
    try {
      h.update(readFileSync(p));
    } catch (err) {
      h.update(`\0error:${(err as NodeJS.ErrnoException).code ?? 'unknown'}`);
    }
    h.update('\0');
  }
  return h.digest('hex');
}
