// A throwaway self-signed certificate for 127.0.0.1 (openssl), so the fake can speak HTTPS: the Azure
// SDK sends bearer tokens only over TLS. Tests trust it through the provider's `caFile`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCert {
  key: string;
  cert: string;
  certFile: string;
  dir: string;
}

/** Undefined when openssl is not installed (tests then skip with that reason). */
export function makeCert(): TestCert | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'gf-azure-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined;
  }
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile, dir };
}
