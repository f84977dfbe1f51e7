// The three certificate problems a first install meets, each one clear message naming the config key,
// the file, what is wrong and the remedy: a certificate that does not match its key, a certificate
// outside its validity (expired, or not valid yet), and a CA file that is not PEM (text, or DER).
// `validate --check-env` gives each with its YAML line; the controller and the agent refuse to start
// on them (exit 2); a rotation to an expired certificate keeps the one in use.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTlsFiles, TlsFileError, validityProblem } from '../../../src/tls/index.ts';
import { runGeofailover } from '../../helpers/cli.ts';
import { type Ca, HAVE_OPENSSL, issue, issueDated, makeCa } from './certs.ts';
import { agentFor, configYaml, ENV, parseConfig, tempDir } from './harness.ts';

const cli = (args: string[]) => runGeofailover(args, { PATH: process.env.PATH ?? '/usr/bin:/bin', ...ENV });
const PAST = { start: '20200101000000Z', end: '20200201000000Z' };
const FUTURE = { start: '20991231000000Z', end: '21000101000000Z' };

describe.skipIf(!HAVE_OPENSSL)('certificate problems: one clear message each', () => {
  const dir = tempDir();
  let ca: Ca;
  const yaml = (controller: string, controllers?: string) =>
    configYaml({ stateDir: dir, port: 9, controller, ...(controllers ? { controllers } : {}) });
  const write = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  beforeAll(() => {
    ca = makeCa(dir, 'ca');
    issue(dir, ca, 'server');
    const other = issue(dir, ca, 'other');
    copyFileSync(`${dir}/server.pem`, `${dir}/mismatch.pem`);
    copyFileSync(other.key, `${dir}/mismatch.key`);
    issueDated(dir, ca, 'expired', PAST);
    issueDated(dir, ca, 'future', FUTURE);
    issueDated(dir, { ...ca, name: 'old-ca' }, 'old-ca', { ...PAST, selfSign: true });
    write('not-pem.txt', 'this is not a certificate\n');
    execFileSync('openssl', ['x509', '-in', ca.cert, '-outform', 'der', '-out', join(dir, 'ca.der')]);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('openssl made what the tests need: dated certificates signed by the CA, a DER CA', () => {
    const expired = new X509Certificate(readFileSync(`${dir}/expired.pem`));
    expect(expired.checkIssued(new X509Certificate(readFileSync(ca.cert)))).toBe(true);
    expect(Date.parse(expired.validTo)).toBe(Date.parse('2020-02-01T00:00:00Z'));
    expect(Date.parse(new X509Certificate(readFileSync(`${dir}/future.pem`)).validFrom)).toBe(
      Date.parse('2099-12-31T00:00:00Z'),
    );
    expect(readFileSync(`${dir}/ca.der`)[0]).toBe(0x30); // an ASN.1 SEQUENCE, no PEM armour
  });

  it('validityProblem: expired after validTo, not valid before validFrom, fine in between (pure)', () => {
    const c = new X509Certificate(readFileSync(`${dir}/expired.pem`));
    expect(validityProblem(c, Date.parse('2020-01-15T00:00:00Z'))).toBeUndefined();
    expect(validityProblem(c, Date.parse('2020-02-02T00:00:00Z'))).toBe(
      'the certificate (subject CN=expired) expired on 2020-02-01T00:00:00.000Z',
    );
    expect(validityProblem(c, Date.parse('2019-12-31T00:00:00Z'), 'CA certificate')).toBe(
      'the CA certificate (subject CN=expired) is not valid until 2020-01-01T00:00:00.000Z',
    );
  });

  it('validate --check-env names each problem with its line, key, file and remedy', async () => {
    const file = write(
      'problems.yaml',
      yaml(
        `tls: { certFile: ${dir}/expired.pem, keyFile: ${dir}/expired.key }`,
        `
  - { url: "https://127.0.0.1:9", ca: ${dir}/not-pem.txt }
  - { url: "https://127.0.0.2:9", ca: ${dir}/ca.der }
  - { url: "https://127.0.0.3:9", ca: ${ca.cert}, certFile: ${dir}/future.pem, keyFile: ${dir}/future.key }
  - { url: "https://127.0.0.4:9", ca: ${ca.cert}, certFile: ${dir}/mismatch.pem, keyFile: ${dir}/mismatch.key }
  - { url: "https://127.0.0.5:9", ca: ${dir}/old-ca.pem }`,
      ),
    );
    const r = await cli(['validate', '--config', file, '--check-env']);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n');
    const line = (key: string) => lines.find((l) => l.includes(`: ${key}: `)) ?? `(no line for ${key})`;
    expect(line('controllers[0].ca')).toMatch(
      /problems\.yaml:8: controllers\[0\]\.ca: .*not-pem\.txt: is not a PEM certificate file; to fix: give the CA certificate\(s\) in PEM form/,
    );
    expect(line('controllers[1].ca')).toMatch(
      /problems\.yaml:9: controllers\[1\]\.ca: .*ca\.der: is not a PEM certificate file; to fix: .*openssl x509 -inform der/,
    );
    expect(line('controllers[2].certFile')).toMatch(
      /problems\.yaml:10: controllers\[2\]\.certFile: .*future\.pem: the certificate \(subject CN=future\) is not valid until 2099-12-31T00:00:00\.000Z; to fix: this host's clock may be behind/,
    );
    expect(line('controllers[3].keyFile')).toMatch(
      /problems\.yaml:11: controllers\[3\]\.keyFile: .*mismatch\.key: the key does not match the certificate in .*mismatch\.pem .*; to fix: give the key the certificate was issued for/,
    );
    expect(line('controllers[4].ca')).toMatch(
      /problems\.yaml:12: controllers\[4\]\.ca: .*old-ca\.pem: the CA certificate \(subject CN=old-ca\) expired on 2020-02-01T00:00:00\.000Z; to fix: make a new CA certificate/,
    );
    expect(line('controller.tls.certFile')).toMatch(
      /problems\.yaml:\d+: controller\.tls\.certFile: .*expired\.pem: the certificate \(subject CN=expired\) expired on 2020-02-01T00:00:00\.000Z; to fix: issue a new certificate/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // Without --check-env (CI has no certificates) the same are warnings.
    const warn = await cli(['validate', '--config', file]);
    expect(warn.code).toBe(0);
    expect(warn.stderr.match(/^warning: /gm)).toHaveLength(6);
  }, 60_000);

  it('the controller refuses to start on an expired certificate: exit 2, the key, the file, the remedy', async () => {
    const file = write(
      'expired.yaml',
      yaml(`tls: { certFile: ${dir}/expired.pem, keyFile: ${dir}/expired.key }`),
    );
    const r = await cli(['controller', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `error: controller.tls.certFile: ${dir}/expired.pem: the certificate (subject CN=expired) expired on 2020-02-01T00:00:00.000Z`,
    );
    expect(r.stderr).toContain('remedy: issue a new certificate (same CA, same names) and replace the file');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('the agent refuses a not-yet-valid client certificate and a DER CA at start', async () => {
    const future = `[{ url: "https://127.0.0.1:9", ca: ${ca.cert}, certFile: ${dir}/future.pem, keyFile: ${dir}/future.key }]`;
    expect(() => agentFor(parseConfig(yaml('mode: apply', future)), 'p1')).toThrow(
      `controllers[0].certFile: ${dir}/future.pem: the certificate (subject CN=future) is not valid until 2099-12-31T00:00:00.000Z`,
    );
    const file = write(
      'agent-der.yaml',
      yaml('mode: apply', `[{ url: "https://127.0.0.1:9", ca: ${dir}/ca.der }]`),
    );
    const r = await cli(['probe', '--config', file, '--prober', 'p1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`controllers[0].ca: ${dir}/ca.der: is not a PEM certificate file`);
    expect(r.stderr).toContain('remedy: give the CA certificate(s) in PEM form');
  }, 60_000);

  it('a CA bundle with the expired old CA beside a valid one is fine (a CA rotation)', () => {
    const bundle = write(
      'bundle.pem',
      readFileSync(`${dir}/old-ca.pem`, 'utf8') + readFileSync(ca.cert, 'utf8'),
    );
    expect(() =>
      agentFor(
        parseConfig(yaml('mode: apply', `[{ url: "https://127.0.0.1:9", ca: ${bundle} }]`)),
        'p1',
      ).stop(0),
    ).not.toThrow();
  });

  it('a rotation to an expired certificate is refused and the one in use stays', () => {
    copyFileSync(`${dir}/server.pem`, `${dir}/live.pem`);
    copyFileSync(`${dir}/server.key`, `${dir}/live.key`);
    const files = serverTlsFiles({ certFile: `${dir}/live.pem`, keyFile: `${dir}/live.key` });
    const served = files.value.detail.serial;
    copyFileSync(`${dir}/expired.key`, `${dir}/live.key`);
    copyFileSync(`${dir}/expired.pem`, `${dir}/live.pem`);
    const out = files.poll();
    expect(out.kind).toBe('failed');
    if (out.kind === 'failed') {
      expect(out.error).toBeInstanceOf(TlsFileError);
      expect(out.error.message).toContain('expired on 2020-02-01T00:00:00.000Z');
    }
    expect(files.value.detail.serial).toBe(served);
  });
});
