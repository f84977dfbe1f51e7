// Test helper: private CAs and the server certificates they issue, made by the openssl CLI in a temp
// dir, with chosen names and validity dates (`openssl ca` can back-date, so an expired certificate is
// really expired). For the tls and grpc check tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HAVE_OPENSSL = spawnSync('openssl', ['version']).status === 0;

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const ossl = (dir: string, args: string[]) =>
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

export interface TestCa {
  dir: string;
  /** The CA certificate file (what a check's `ca` names). */
  file: string;
  pem: string;
  keyFile: string;
}

export interface ServerCert {
  cert: string;
  key: string;
}

export function makeTestCa(name: string): TestCa {
  const dir = mkdtempSync(join(tmpdir(), `gf-ca-${name}-`));
  ossl(dir, [
    'req',
    '-x509',
    ...KEY,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca=d',
      '[d]',
      'dir=.',
      'database=./index.txt',
      'new_certs_dir=.',
      'serial=./serial',
      'default_md=sha256',
      'policy=p',
      'unique_subject=no',
      'copy_extensions=none',
      '[p]',
      'commonName=supplied',
    ].join('\n'),
  );
  return {
    dir,
    file: join(dir, 'ca.pem'),
    pem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    keyFile: join(dir, 'ca.key'),
  };
}

const stamp = (ms: number) => `${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

let seq = 0;

/**
 * A server certificate from `ca` for `names` (subjectAltName entries such as DNS:localhost,
 * IP:127.0.0.1), valid from `from` to `to` (epoch ms; default: from an hour ago for 20 days).
 */
export function issueServerCert(
  ca: TestCa,
  names: string[],
  opts: { from?: number; to?: number } = {},
): ServerCert {
  const n = ++seq;
  const from = opts.from ?? Date.now() - 3_600_000;
  const to = opts.to ?? Date.now() + 20 * 86_400_000;
  writeFileSync(
    join(ca.dir, `ext${n}.cnf`),
    `subjectAltName=${names.join(',')}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
  );
  ossl(ca.dir, ['req', '-new', ...KEY, '-keyout', `s${n}.key`, '-out', `s${n}.csr`, '-subj', '/CN=server']);
  ossl(ca.dir, [
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-cert',
    'ca.pem',
    '-keyfile',
    'ca.key',
    '-in',
    `s${n}.csr`,
    '-out',
    `s${n}.pem`,
    '-extfile',
    `ext${n}.cnf`,
    '-startdate',
    stamp(from),
    '-enddate',
    stamp(to),
    '-notext',
  ]);
  return {
    cert: readFileSync(join(ca.dir, `s${n}.pem`), 'utf8'),
    key: readFileSync(join(ca.dir, `s${n}.key`), 'utf8'),
  };
}
