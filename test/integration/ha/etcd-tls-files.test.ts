// The etcd client's TLS files checked before anything connects: a CA file that is missing or not PEM,
// a client certificate whose key does not match it. `validate --check-env` names each with its field,
// file and YAML line (exit 2); the controller refuses to start on the first, naming the same.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.ts';
import { startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { TlsFileError, tlsFileProblems } from '../../../src/tls/index.ts';
import { runGeofailover } from '../../helpers/cli.ts';
import { HAVE_OPENSSL, issue, makeCa } from '../tls/certs.ts';

describe.skipIf(!HAVE_OPENSSL)('etcd coordination: bad TLS files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gf-etcd-files-'));
  const f = (name: string) => join(dir, name);
  const yaml = (tls: string) => `owner: t
regions:
  - { id: a, endpoints: [{ id: a1, address: 192.0.2.1, check: { kind: tcp, port: 80 } }] }
probers:
  - { id: p1, keyEnv: K1 }
health: { minProbers: 1 }
providers:
  mem: { kind: memory }
zones:
  - { name: example.com, provider: mem, records: [] }
controller:
  listen: "127.0.0.1:0"
  stateDir: ${dir}/state
  coordination:
    kind: etcd
    endpoints: ["https://etcd-1.internal:2379"]
    tls: ${tls}
`;

  beforeAll(() => {
    const ca = makeCa(dir, 'ca');
    issue(dir, ca, 'client', { usage: 'client' });
    issue(dir, ca, 'spare', { usage: 'client' });
    writeFileSync(f('not-pem.txt'), 'this is not a certificate\n');
  });

  it('each broken file is one problem with its field, file, line and remedy', () => {
    const cases: [string, string, RegExp][] = [
      [
        `{ ca: ${f('nowhere.pem')} }`,
        'controller.coordination.tls.ca',
        /nowhere\.pem: file not found; to fix: put the PEM file there/,
      ],
      [
        `{ ca: ${f('not-pem.txt')} }`,
        'controller.coordination.tls.ca',
        /not-pem\.txt: is not a PEM certificate file; to fix: give the CA certificate\(s\) in PEM form/,
      ],
      [
        `{ ca: ${f('ca.pem')}, certFile: ${f('client.pem')}, keyFile: ${f('spare.key')} }`,
        'controller.coordination.tls.keyFile',
        /spare\.key: the key does not match the certificate in .*client\.pem \(controller\.coordination\.tls\.certFile; subject CN=client\)/,
      ],
      [
        `{ ca: ${f('ca.pem')}, certFile: ${f('missing.pem')}, keyFile: ${f('client.key')} }`,
        'controller.coordination.tls.certFile',
        /missing\.pem: file not found/,
      ],
    ];
    for (const [tls, path, message] of cases) {
      const text = yaml(tls);
      const problems = tlsFileProblems(parseConfig(text, 'c.yaml'), text);
      expect(problems, tls).toHaveLength(1);
      expect(problems[0]).toMatchObject({ path, line: 17 });
      expect(problems[0]!.message).toMatch(message);
    }
    const good = yaml(`{ ca: ${f('ca.pem')}, certFile: ${f('client.pem')}, keyFile: ${f('client.key')} }`);
    expect(tlsFileProblems(parseConfig(good, 'c.yaml'), good)).toEqual([]);
  });

  it('validate --check-env fails naming the file; the controller refuses to start naming it too', async () => {
    const file = f('mismatch.yaml');
    writeFileSync(
      file,
      yaml(`{ ca: ${f('ca.pem')}, certFile: ${f('client.pem')}, keyFile: ${f('spare.key')} }`),
    );
    const env = { PATH: process.env.PATH, K1: 'key-one-0123456789' };
    const r = await runGeofailover(['validate', '--check-env', '--config', file], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${file}:17: controller.coordination.tls.keyFile: ${f('spare.key')}: the key does not match`,
    );
    const lenient = await runGeofailover(['validate', '--config', file], env);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toContain('warning:');

    const start = startController({
      config: parseConfig(yaml(`{ ca: ${f('not-pem.txt')} }`), 'c.yaml'),
      env,
      logger: silentLogger(),
    });
    await expect(start).rejects.toThrow(TlsFileError);
    await expect(start).rejects.toThrow(
      `controller.coordination.tls.ca: ${f('not-pem.txt')}: is not a PEM certificate file`,
    );
  }, 60_000);
});
