// Bad certificate input is one clear error naming the config key, the file and what to do, never a
// stack: a missing certificate, a key that does not match, a CA file that is not PEM, at controller
// and agent startup (exit 2), and from `validate --check-env` with the YAML line of each.
import { execFile } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { TlsFileError } from '../../../src/tls/index.ts';
import { type Ca, HAVE_OPENSSL, issue, makeCa } from './certs.ts';
import { agentFor, configYaml, ENV, parseConfig, startTlsController, tempDir } from './harness.ts';

const run = promisify(execFile);
const cli = (args: string[]) =>
  run('node', ['bin/geofailover.js', ...args], { encoding: 'utf8', env: { ...process.env, ...ENV } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );

describe.skipIf(!HAVE_OPENSSL)('bad certificate files', () => {
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
    write('not-pem.txt', 'this is not a certificate\n');
  });

  it('the controller refuses to start on a missing certificate: exit 2, the key, the file, the remedy', async () => {
    const file = write(
      'missing.yaml',
      yaml(`tls: { certFile: ${dir}/nowhere.pem, keyFile: ${dir}/server.key }`),
    );
    const r = await cli(['controller', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: controller.tls.certFile: ${dir}/nowhere.pem: file not found`);
    expect(r.stderr).toContain('remedy: put the PEM file there');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('a key that does not match the certificate, and a client CA that is not PEM, are startup errors', async () => {
    const mismatch = startTlsController(
      parseConfig(yaml(`tls: { certFile: ${dir}/mismatch.pem, keyFile: ${dir}/mismatch.key }`)),
    );
    await expect(mismatch).rejects.toThrow(TlsFileError);
    await expect(mismatch).rejects.toThrow(
      `controller.tls.keyFile: ${dir}/mismatch.key: the key does not match the certificate in ${dir}/mismatch.pem`,
    );
    const notPem = startTlsController(
      parseConfig(
        yaml(
          `tls: { certFile: ${dir}/server.pem, keyFile: ${dir}/server.key, clientCaFile: ${dir}/not-pem.txt }`,
        ),
      ),
    );
    await expect(notPem).rejects.toThrow(
      `controller.tls.clientCaFile: ${dir}/not-pem.txt: is not a PEM certificate file`,
    );
    // A key given where the certificate belongs says what it holds.
    const swapped = startTlsController(
      parseConfig(yaml(`tls: { certFile: ${dir}/server.key, keyFile: ${dir}/server.pem }`)),
    );
    await expect(swapped).rejects.toThrow('is not a PEM certificate file (it holds a private key)');
  });

  it('an agent whose controllers[].ca is not PEM does not start', async () => {
    const config = parseConfig(
      yaml('mode: apply', `[{ url: "https://127.0.0.1:9", ca: ${dir}/not-pem.txt }]`),
    );
    expect(() => agentFor(config, 'p1')).toThrow(
      `controllers[0].ca: ${dir}/not-pem.txt: is not a PEM certificate file`,
    );
    const file = write(
      'agent.yaml',
      yaml('mode: apply', `[{ url: "https://127.0.0.1:9", ca: ${dir}/not-pem.txt }]`),
    );
    const r = await cli(['probe', '--config', file, '--prober', 'p1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`controllers[0].ca: ${dir}/not-pem.txt: is not a PEM certificate file`);
    expect(r.stderr).toContain('remedy: give the CA certificate(s) in PEM form');
  }, 60_000);

  it('validate warns about TLS files, and --check-env fails naming each with its line', async () => {
    const file = write(
      'validate.yaml',
      yaml(
        `tls: { certFile: ${dir}/mismatch.pem, keyFile: ${dir}/mismatch.key }`,
        `[{ url: "https://127.0.0.1:9", ca: ${dir}/nowhere-ca.pem }]`,
      ),
    );
    const warn = await cli(['validate', '--config', file]);
    expect(warn.code).toBe(0);
    expect(warn.stderr).toMatch(/warning: .*validate\.yaml:\d+: controller\.tls\.keyFile: .*does not match/);
    const strict = await cli(['validate', '--config', file, '--check-env']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(
      /validate\.yaml:15: controller\.tls\.keyFile: .*mismatch\.key: the key does not match/,
    );
    expect(strict.stderr).toMatch(
      /validate\.yaml:7: controllers\[0\]\.ca: .*nowhere-ca\.pem: file not found/,
    );
  }, 60_000);

  it('the schema refuses half a client certificate, TLS files on an http:// URL, and requireClientCert without a CA', () => {
    expect(() =>
      parseConfig(yaml('mode: apply', `[{ url: "https://127.0.0.1:9", certFile: ${dir}/a.pem }]`)),
    ).toThrow('certFile and keyFile go together');
    expect(() =>
      parseConfig(yaml('mode: apply', `[{ url: "http://127.0.0.1:9", ca: ${dir}/a.pem }]`)),
    ).toThrow('apply only to an https:// url');
    expect(() =>
      parseConfig(yaml(`tls: { certFile: ${dir}/a.pem, keyFile: ${dir}/a.key, requireClientCert: true }`)),
    ).toThrow('requireClientCert needs clientCaFile');
  });
});
