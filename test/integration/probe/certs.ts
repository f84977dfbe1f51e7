// Test certificates made with the openssl CLI: a valid self-signed one and an expired one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface Cert {
  key: string;
  cert: string;
}

const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function selfSigned(days = 30): Cert {
  const dir = mkdtempSync(join(tmpdir(), 'gf-cert-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      ...KEY_ARGS,
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
      '-subj',
      '/CN=localhost',
      '-days',
      String(days),
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  return {
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
  };
}

/** A certificate valid only in January 2020 (openssl req cannot back-date; openssl ca can). */
export function expired(): Cert {
  const dir = mkdtempSync(join(tmpdir(), 'gf-cert-'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    '[ca]\ndefault_ca=d\n[d]\ndir=.\ndatabase=./index.txt\nnew_certs_dir=.\nserial=./serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n',
  );
  execFileSync(
    'openssl',
    ['req', '-new', ...KEY_ARGS, '-keyout', 'key.pem', '-out', 'csr.pem', '-subj', '/CN=localhost'],
    {
      cwd: dir,
      stdio: 'ignore',
    },
  );
  execFileSync(
    'openssl',
    [
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-selfsign',
      '-keyfile',
      'key.pem',
      '-in',
      'csr.pem',
      '-out',
      'cert.pem',
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20200201000000Z',
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  return {
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
  };
}
