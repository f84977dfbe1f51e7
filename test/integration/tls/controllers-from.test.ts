// `controllersFrom`: the real CLI's probe agent takes the controller URLs from the variable the config
// names and reports over HTTPS with the configured private CA; without the variable, or with a
// plain-HTTP URL to another host in it, the agent and `validate` stop naming the file, the line and
// the variable.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningController } from '../../../src/controller/index.ts';
import { runGeofailover } from '../../helpers/cli.ts';
import { HAVE_OPENSSL, issue, makeCa } from './certs.ts';
import { configYaml, ENV, parseConfig, startTlsController, tcpTarget, tempDir, waitFor } from './harness.ts';

const ROOT = join(import.meta.dirname, '../../..');
const cli = (args: string[], env: Record<string, string> = {}) =>
  runGeofailover(args, { PATH: process.env.PATH ?? '/usr/bin:/bin', ...ENV, ...env });
const FROM = 'controllersFrom: { env: GEOFAILOVER_CONTROLLERS, ca: CA }';

describe.skipIf(!HAVE_OPENSSL)('controllersFrom with the real CLI', () => {
  const dir = tempDir();
  let ctl: RunningController;
  let target: Awaited<ReturnType<typeof tcpTarget>>;
  let file = '';

  beforeAll(async () => {
    const ca = makeCa(dir, 'ca');
    issue(dir, ca, 'server');
    target = await tcpTarget();
    const yaml = configYaml({
      stateDir: dir,
      port: target.port,
      controller: `tls: { certFile: ${dir}/server.pem, keyFile: ${dir}/server.key }`,
    });
    ctl = await startTlsController(parseConfig(yaml));
    file = join(dir, 'site.yaml');
    writeFileSync(file, `${yaml}${FROM.replace('CA', ca.cert)}\n`);
  }, 30_000);

  afterAll(async () => {
    await ctl?.stop();
    target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the probe agent reports over HTTPS to the URL in the variable, trusting controllersFrom.ca', async () => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin/geofailover.js'), 'probe', '--config', file, '--prober', 'p1'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...ENV, GEOFAILOVER_CONTROLLERS: ctl.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    try {
      await waitFor(
        'p1 fresh at the controller',
        () => ctl.engine.snapshot().freshProbers.includes('p1'),
        30_000,
      );
      expect(out).toContain(`"controllers":["${ctl.url}"]`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('close', r));
    }
  }, 60_000);

  it('without the variable the agent exits 2 naming the file, the line and the variable', async () => {
    const r = await cli(['probe', '--config', file, '--prober', 'p1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /site\.yaml:16: controllersFrom\.env: environment variable GEOFAILOVER_CONTROLLERS is not set: set it to the controller URLs, comma-separated/,
    );
  }, 60_000);

  it('validate: unset is a warning, an error with --check-env; plain HTTP to another host is always refused', async () => {
    const warn = await cli(['validate', '--config', file]);
    expect(warn.code).toBe(0);
    expect(warn.stderr).toMatch(
      /warning: .*site\.yaml:16: controllersFrom\.env: environment variable GEOFAILOVER_CONTROLLERS is not set/,
    );
    const strict = await cli(['validate', '--config', file, '--check-env']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(
      /site\.yaml:16: controllersFrom\.env: environment variable GEOFAILOVER_CONTROLLERS is not set/,
    );
    const ok = await cli(['validate', '--config', file, '--check-env'], {
      GEOFAILOVER_CONTROLLERS: 'https://gslb-0.example.net:8443, https://gslb-1.example.net:8443',
    });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    for (const cmd of [
      ['validate', '--config', file],
      ['probe', '--config', file, '--prober', 'p1'],
    ]) {
      const plain = await cli(cmd, { GEOFAILOVER_CONTROLLERS: 'http://gslb.example.net:8080' });
      expect(plain.code, cmd[0]).toBe(2);
      expect(plain.stderr).toMatch(
        /site\.yaml:16: controllersFrom\.env: GEOFAILOVER_CONTROLLERS item 1: "http:\/\/gslb\.example\.net:8080" is plain HTTP to gslb\.example\.net/,
      );
      expect(plain.stderr).toContain('set allowPlaintext: true on controllersFrom');
    }
  }, 60_000);
});
