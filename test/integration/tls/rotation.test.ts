// Certificate rotation without a restart. The controller polls its files: a new pair (renamed into
// place, as cert-manager and Secret volumes do) is served to new connections; a broken pair (a key
// that does not match) is refused, logged and counted while the previous certificate keeps being
// served, until a good pair appears. The agent side likewise picks up a changed CA file.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningController } from '../../../src/controller/index.ts';
import { type Ca, HAVE_OPENSSL, issue, makeCa } from './certs.ts';
import {
  agentFor,
  captureLogger,
  configYaml,
  parseConfig,
  startTlsController,
  tcpTarget,
  tempDir,
  waitFor,
} from './harness.ts';

/** The serial of the certificate a new TLS connection is served (verified against `caFile`). */
function servedSerial(url: string, caPem: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: hostname, port: Number(port), ca: caPem }, () => {
      const serial = s.getPeerCertificate().serialNumber;
      s.end();
      resolve(serial);
    });
    s.on('error', reject);
  });
}

function healthz(url: string, caPem: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(`${url}/healthz`, { ca: caPem, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe.skipIf(!HAVE_OPENSSL)('certificate rotation without restart', () => {
  const dir = tempDir();
  let ca: Ca;
  let caPem: string;
  let ctl: RunningController;
  let target: Awaited<ReturnType<typeof tcpTarget>>;
  const log = captureLogger();

  beforeAll(async () => {
    ca = makeCa(dir, 'ca');
    caPem = readFileSync(ca.cert, 'utf8');
    issue(dir, ca, 'server');
    target = await tcpTarget();
    const config = parseConfig(
      configYaml({
        stateDir: dir,
        port: target.port,
        controller: `tls: { certFile: ${dir}/server.pem, keyFile: ${dir}/server.key, reloadInterval: 100ms }`,
      }),
    );
    ctl = await startTlsController(config, log.logger);
  }, 30_000);

  afterAll(async () => {
    await ctl?.stop();
    target?.close();
  });

  const metric = async (name: string) => {
    const text = await ctl.metrics.registry.metrics();
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };

  it('serves a rotated certificate to new connections, and keeps the old one while a new pair is broken', async () => {
    const first = await servedSerial(ctl.url, caPem);

    // Rotate: a new certificate and key renamed into place.
    const second = issue(dir, ca, 'server', { atomic: true });
    expect(second.serial).not.toBe(first);
    await waitFor(
      'the new certificate served',
      async () => (await servedSerial(ctl.url, caPem)) === second.serial,
    );

    // A broken rotation: a new certificate whose key never arrives (the old key stays).
    const stray = issue(dir, ca, 'stray');
    copyFileSync(stray.cert, `${dir}/server.pem`);
    await waitFor(
      'the broken pair reported',
      async () => (await metric('geofailover_tls_reload_failing')) === 1,
    );
    expect(await servedSerial(ctl.url, caPem)).toBe(second.serial);
    const err = log.lines().find((l) => String(l.msg).includes('cannot be used'));
    expect(err?.level).toBe(50);
    expect(String(err?.err)).toContain('does not match the certificate');
    expect(String(err?.err)).toContain(`${dir}/server.key`);
    expect(await metric('geofailover_tls_reloads_total')).toBeGreaterThanOrEqual(1);

    // A file that is not PEM at all: still the same certificate, the server keeps answering.
    writeFileSync(`${dir}/server.pem`, 'not a certificate\n');
    await waitFor('the non-PEM file reported', () =>
      log.lines().some((l) => String(l.err).includes('server.pem: is not a PEM certificate file')),
    );
    expect(await servedSerial(ctl.url, caPem)).toBe(second.serial);
    expect(await healthz(ctl.url, caPem)).toBe(200);

    // The key arrives: the pair is whole again and served.
    const third = issue(dir, ca, 'server', { atomic: true });
    await waitFor(
      'the third certificate served',
      async () => (await servedSerial(ctl.url, caPem)) === third.serial,
    );
    await waitFor('failing cleared', async () => (await metric('geofailover_tls_reload_failing')) === 0);
    const expiry = await metric('geofailover_tls_certificate_expiry_timestamp_seconds');
    expect(expiry).toBeGreaterThan(Date.now() / 1000);
  });

  it('an agent picks up a changed CA file without a restart', async () => {
    // The agent first trusts a CA that did not sign the controller's certificate, then the right one.
    const other = makeCa(dir, 'other');
    const trust = `${dir}/agent-trust.pem`;
    copyFileSync(other.cert, trust);
    const agent = agentFor(
      parseConfig(
        configYaml({
          stateDir: dir,
          port: target.port,
          controller: 'mode: apply',
          controllers: `[{ url: "${ctl.url}", ca: ${trust} }]`,
        }),
      ),
      'p1',
      { tlsPollMs: 100 },
    );
    agent.start();
    try {
      await waitFor(
        'refused while trusting the other CA',
        () => (agent.stats().controllers[0]?.failures ?? 0) > 0,
      );
      expect(agent.stats().controllers[0]?.lastError).toContain('not signed by a CA we trust');
      copyFileSync(ca.cert, trust);
      await waitFor('reports delivered', () => (agent.stats().controllers[0]?.reportsSent ?? 0) > 0, 30_000);
      await waitFor('p1 fresh at the controller', () => ctl.engine.snapshot().freshProbers.includes('p1'));
    } finally {
      await agent.stop(500);
    }
  });
});
