// Client certificates as a second factor beside the report signature: with clientCaFile (required),
// a report without a client certificate, or with one from another CA, is refused with 403 and a
// reason, counted and shown in status against the prober it names; with a valid certificate the HMAC
// is still checked (a wrong key is refused, the right one accepted). /healthz answers without a certificate, for liveness probes. The operator CLI trusts the
// CA with --ca and presents --cert/--key, and says which flag is missing.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningController } from '../../../src/controller/index.ts';
import { type ProbeReport, SIGNATURE_HEADER, signReport } from '../../../src/probe/index.ts';
import { HttpsClient } from '../../../src/tls/index.ts';
import { type Ca, HAVE_OPENSSL, type Issued, issue, makeCa } from './certs.ts';
import {
  agentFor,
  configYaml,
  KEYS,
  parseConfig,
  startTlsController,
  tcpTarget,
  tempDir,
  waitFor,
} from './harness.ts';

const run = promisify(execFile);

describe.skipIf(!HAVE_OPENSSL)('client certificates (mTLS) beside the HMAC', () => {
  const dir = tempDir();
  let ca: Ca;
  let clientCa: Ca;
  let client: Issued;
  let strangerCert: Issued;
  let ctl: RunningController;
  let target: Awaited<ReturnType<typeof tcpTarget>>;
  const yaml = (controllers?: string) =>
    configYaml({
      stateDir: dir,
      port: target.port,
      controller: `tls: { certFile: ${dir}/server.pem, keyFile: ${dir}/server.key, clientCaFile: ${clientCa.cert}, requireClientCert: true }`,
      ...(controllers ? { controllers } : {}),
    });

  beforeAll(async () => {
    ca = makeCa(dir, 'ca');
    clientCa = makeCa(dir, 'client-ca');
    const stranger = makeCa(dir, 'stranger-ca');
    issue(dir, ca, 'server');
    client = issue(dir, clientCa, 'prober', { usage: 'client' });
    strangerCert = issue(dir, stranger, 'stranger', { usage: 'client' });
    target = await tcpTarget();
    ctl = await startTlsController(parseConfig(yaml()));
  }, 30_000);

  afterAll(async () => {
    await ctl?.stop();
    target?.close();
  });

  /** One signed report for p1 through a client with the given certificate (or none). */
  async function report(cert: Issued | undefined, key: string) {
    const https = new HttpsClient(
      {
        ca: { path: ca.cert, where: 'test' },
        ...(cert ? { cert: { path: cert.cert, where: 'test' }, key: { path: cert.key, where: 'test' } } : {}),
      },
      { trustRemedy: 'fix ca', clientCertRemedy: 'fix cert' },
    );
    const now = Date.now();
    const body = JSON.stringify({
      prober: 'p1',
      seq: now + Math.floor(Math.random() * 1000),
      sentAt: now,
      impaired: false,
      results: [{ endpoint: 'use-a', prober: 'p1', ok: true, at: now, latencyMs: 1, detail: 'ok' }],
    } satisfies ProbeReport);
    try {
      const res = await https.request(new URL(`${ctl.url}/v1/reports`), {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signReport(key, body) },
        body,
      });
      return { status: res.status, doc: JSON.parse(res.text) as { error?: string; reason?: string } };
    } finally {
      https.close();
    }
  }

  it('refuses a report without a client certificate, and one from another CA, with 403 and a reason', async () => {
    const none = await report(undefined, KEYS.p1);
    expect(none.status).toBe(403);
    expect(none.doc.reason).toBe('client-cert-required');
    expect(none.doc.error).toContain('a client certificate is required');
    const stranger = await report(strangerCert, KEYS.p1);
    expect(stranger.status).toBe(403);
    expect(stranger.doc.reason).toBe('client-cert-invalid');
    const metrics = await ctl.metrics.registry.metrics();
    expect(metrics).toMatch(/geofailover_tls_client_refused_total\{reason="client-cert-required"\} [1-9]/);
  });

  it('still checks the HMAC when the client certificate is valid', async () => {
    const wrongKey = await report(client, 'not-the-key-of-p1-000000');
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.doc.error).toBe('bad-signature');
    const right = await report(client, KEYS.p1);
    expect(right.status).toBeLessThan(300);
  });

  it('an agent with a client certificate reports; one without is refused and told what to set', async () => {
    const withCert = agentFor(
      parseConfig(
        yaml(`[{ url: "${ctl.url}", ca: ${ca.cert}, certFile: ${client.cert}, keyFile: ${client.key} }]`),
      ),
      'p2',
    );
    const without = agentFor(parseConfig(yaml(`[{ url: "${ctl.url}", ca: ${ca.cert} }]`)), 'p1');
    withCert.start();
    without.start();
    try {
      await waitFor('p2 fresh', () => ctl.engine.snapshot().freshProbers.includes('p2'));
      await waitFor('p1 refused', () => (without.stats().controllers[0]?.refused ?? 0) > 0);
      expect(without.stats().controllers[0]?.lastError).toMatch(/HTTP 403 .*client certificate is required/);
      // The controller names whose reports it refuses, and why (the prober header, bounded to config).
      const p1 = ctl.status().probers.find((p) => p.id === 'p1');
      expect(p1?.rejected).toMatchObject({ reason: 'client-cert-required', current: true });
      expect(p1?.rejected?.remedy).toContain('controllers[].certFile');
      expect(await ctl.metrics.registry.metrics()).toMatch(
        /geofailover_report_rejected_total\{reason="client-cert-required",prober="p1"\} [1-9]/,
      );
    } finally {
      await Promise.all([withCert.stop(500), without.stop(500)]);
    }
  });

  it('/healthz answers without a client certificate', async () => {
    const https = new HttpsClient(
      { ca: { path: ca.cert, where: 'test' } },
      { trustRemedy: '', clientCertRemedy: '' },
    );
    try {
      expect(
        (await https.request(new URL(`${ctl.url}/healthz`), { method: 'GET', headers: {} })).status,
      ).toBe(200);
    } finally {
      https.close();
    }
  });

  const cli = (args: string[], env: Record<string, string> = {}) =>
    run('node', ['bin/geofailover.js', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    );

  it('the CLI: untrusted without --ca, asks for --cert without one, works with --ca/--cert/--key or the environment', async () => {
    const untrusted = await cli(['status', '--controller', ctl.url]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain('not signed by a CA we trust');
    expect(untrusted.stderr).toContain('pass --ca FILE');
    expect(untrusted.stderr).not.toMatch(/\n\s+at /);

    const noCert = await cli(['status', '--controller', ctl.url, '--ca', ca.cert]);
    expect(noCert.code).toBe(2);
    expect(noCert.stderr).toContain('controller answered 403: a client certificate is required');
    expect(noCert.stderr).toContain('pass --cert FILE --key FILE');

    const ok = await cli([
      'status',
      '--controller',
      ctl.url,
      '--output',
      'json',
      '--ca',
      ca.cert,
      '--cert',
      client.cert,
      '--key',
      client.key,
    ]);
    expect(ok.stderr).toBe('');
    expect(JSON.parse(ok.stdout).owner).toBe('tls-test');

    const viaEnv = await cli(['events', '--controller', ctl.url], {
      GEOFAILOVER_CA: ca.cert,
      GEOFAILOVER_CLIENT_CERT: client.cert,
      GEOFAILOVER_CLIENT_KEY: client.key,
    });
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.stdout).toContain('controller-started');

    const badCa = await cli(['status', '--controller', ctl.url, '--ca', client.key]);
    expect(badCa.code).toBe(2);
    expect(badCa.stderr).toContain(
      `--ca: ${client.key}: is not a PEM certificate file (it holds a private key)`,
    );
  }, 120_000);
});
