// Test helper: a private CA and certificates it issues, made by the openssl CLI in a temp dir (EC
// P-256, two days). Tests skip with a printed reason where openssl is absent.
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HAVE_OPENSSL = spawnSync('openssl', ['version']).status === 0;
if (!HAVE_OPENSSL) console.warn('skipping TLS tests: the openssl command is not installed');

export interface Ca {
  name: string;
  cert: string;
  key: string;
}

export interface Issued {
  cert: string;
  key: string;
  serial: string;
}

const ossl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });

export function makeCa(dir: string, name: string): Ca {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  ossl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { name, cert, key };
}

let serialSeq = 0x1000 + Math.floor(Math.random() * 0x1000);

/**
 * A certificate for 127.0.0.1/localhost (server; `san` names others, e.g. ['IP:198.18.1.10']) or a
 * client, or one for both ends (`peer`: an etcd member talks to the others with its server
 * certificate), signed by `ca`, written to `<dir>/<name>.pem` and `.key`; with `atomic`, written
 * beside and renamed into place (as cert-manager and Kubernetes Secret volumes do), so a reader never
 * sees half a file.
 */
export function issue(
  dir: string,
  ca: Ca,
  name: string,
  opts: { usage?: 'server' | 'client' | 'peer'; atomic?: boolean; san?: readonly string[] } = {},
): Issued {
  const serial = (++serialSeq).toString(16).toUpperCase().padStart(4, '0');
  const tmpKey = join(dir, `.${name}.${serial}.key`);
  const tmpCsr = join(dir, `.${name}.${serial}.csr`);
  const tmpCert = join(dir, `.${name}.${serial}.pem`);
  const ext = join(dir, `.${name}.${serial}.ext`);
  const san = `subjectAltName=${(opts.san ?? ['IP:127.0.0.1', 'DNS:localhost']).join(',')}\n`;
  writeFileSync(
    ext,
    opts.usage === 'client'
      ? 'extendedKeyUsage=clientAuth\n'
      : `${san}extendedKeyUsage=serverAuth${opts.usage === 'peer' ? ',clientAuth' : ''}\n`,
  );
  ossl([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    tmpKey,
    '-out',
    tmpCsr,
    '-subj',
    `/CN=${name}`,
  ]);
  ossl([
    'x509',
    '-req',
    '-in',
    tmpCsr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-set_serial',
    `0x${serial}`,
    '-days',
    '2',
    '-out',
    tmpCert,
    '-extfile',
    ext,
  ]);
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  if (opts.atomic) {
    renameSync(tmpKey, key);
    renameSync(tmpCert, cert);
  } else {
    writeFileSync(key, readFileSync(tmpKey));
    writeFileSync(cert, readFileSync(tmpCert));
  }
  return { cert, key, serial: new X509Certificate(readFileSync(cert)).serialNumber };
}

/** `openssl ca` needs a database and a config; this is the least it takes, in `dir`. */
function caConfig(dir: string): string {
  const db = join(dir, '.ca-db');
  mkdirSync(db, { recursive: true });
  if (!existsSync(join(db, 'index.txt'))) writeFileSync(join(db, 'index.txt'), '');
  if (!existsSync(join(db, 'serial')))
    writeFileSync(join(db, 'serial'), `${(++serialSeq).toString(16).padStart(4, '0')}\n`);
  const cnf = join(db, 'ca.cnf');
  writeFileSync(
    cnf,
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      `database = ${join(db, 'index.txt')}`,
      `new_certs_dir = ${db}`,
      `serial = ${join(db, 'serial')}`,
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      'copy_extensions = none',
      '[any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  return cnf;
}

/**
 * A certificate valid only from `start` to `end` (openssl's YYYYMMDDHHMMSSZ), signed by `ca` (or by
 * its own key with `selfSign`, for a CA certificate): expired and not-yet-valid files without a
 * fake clock. `openssl x509 -req` gained -not_before/-not_after only in 3.4, so this uses `openssl ca`.
 */
export function issueDated(
  dir: string,
  ca: Ca,
  name: string,
  dates: { start: string; end: string; selfSign?: boolean },
): Issued {
  const serial = (++serialSeq).toString(16).toUpperCase().padStart(4, '0');
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  const csr = join(dir, `.${name}.${serial}.csr`);
  const ext = join(dir, `.${name}.${serial}.ext`);
  writeFileSync(
    ext,
    dates.selfSign
      ? 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n'
      : 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  const keyArgs = dates.selfSign
    ? ['-key', ca.key]
    : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key];
  ossl(['req', '-new', ...keyArgs, '-out', csr, '-subj', `/CN=${name}`]);
  if (dates.selfSign) copyFileSync(ca.key, key);
  ossl([
    'ca',
    '-batch',
    '-notext',
    '-config',
    caConfig(dir),
    ...(dates.selfSign ? ['-selfsign'] : ['-cert', ca.cert]),
    '-keyfile',
    ca.key,
    '-startdate',
    dates.start,
    '-enddate',
    dates.end,
    '-extfile',
    ext,
    '-in',
    csr,
    '-out',
    cert,
  ]);
  return { cert, key, serial: new X509Certificate(readFileSync(cert)).serialNumber };
}
