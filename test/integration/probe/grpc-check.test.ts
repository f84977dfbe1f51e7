// The grpc check against real gRPC servers started here with the official health service
// (grpc-health-check's HealthImplementation): SERVING passes; NOT_SERVING, an unknown service, a
// server without the health service and a deadline that runs out fail with the status in the detail;
// TLS with certificates made here passes with the right CA and name and fails otherwise; an HTTP/1
// port fails with a clear detail rather than a crash.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation, service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCheck } from '../../../src/probe/index.ts';
import { HAVE_OPENSSL, issueServerCert, makeTestCa, type TestCa } from './check-certs.ts';

const servers: grpc.Server[] = [];

async function start(
  setup: (s: grpc.Server) => void,
  creds = grpc.ServerCredentials.createInsecure(),
): Promise<number> {
  const server = new grpc.Server();
  setup(server);
  servers.push(server);
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', creds, (err, port) => (err ? reject(err) : resolve(port))),
  );
}

const check = (port: number, extra: Record<string, unknown> = {}) =>
  compileCheck(
    { kind: 'grpc', port, service: '', tls: false, keepAlive: false, ...extra } as never,
    '127.0.0.1',
    1000,
  );

describe('grpc check against real gRPC servers', () => {
  const health = new HealthImplementation({ '': 'SERVING', payments: 'NOT_SERVING', orders: 'SERVING' });
  let port = 0;
  let slowPort = 0;
  let barePort = 0;
  let http1Port = 0;
  const http1 = http.createServer((_q, r) => r.end('not grpc'));

  beforeAll(async () => {
    port = await start((s) => health.addToServer(s));
    // The health service's own definition, answering after 3 s: longer than any deadline below.
    slowPort = await start((s) =>
      s.addService(healthService as never, {
        check: (_call: unknown, cb: (e: null, r: { status: string }) => void) =>
          setTimeout(() => cb(null, { status: 'SERVING' }), 3000).unref(),
        watch: () => {},
      }),
    );
    barePort = await start(() => {});
    await new Promise<void>((r) => http1.listen(0, '127.0.0.1', () => r()));
    http1Port = (http1.address() as AddressInfo).port;
  });

  afterAll(() => {
    for (const s of servers) s.forceShutdown();
    http1.closeAllConnections();
    http1.close();
  });

  it('passes on SERVING, for the whole server and for a named service', async () => {
    expect(await check(port).run()).toMatchObject({ ok: true, detail: 'SERVING' });
    const orders = check(port, { service: 'orders' });
    expect(await orders.run()).toMatchObject({ ok: true, detail: 'SERVING' });
    expect(orders.label).toBe('grpc orders');
    expect(orders.description).toBe(`grpc 127.0.0.1:${port} orders`);
  });

  it('fails on NOT_SERVING, and passes once the service is SERVING again', async () => {
    const payments = check(port, { service: 'payments' });
    expect(await payments.run()).toMatchObject({ ok: false, detail: 'NOT_SERVING' });
    health.setStatus('payments', 'SERVING');
    expect(await payments.run()).toMatchObject({ ok: true, detail: 'SERVING' });
    health.setStatus('payments', 'NOT_SERVING');
  });

  it('fails on an unknown service with SERVICE_UNKNOWN in the detail', async () => {
    const out = await check(port, { service: 'nope' }).run();
    expect(out.ok).toBe(false);
    expect(out.detail).toMatch(
      /^SERVICE_UNKNOWN: the server has no health status for service "nope" \(NOT_FOUND/,
    );
  });

  it('fails when the deadline runs out, within about the deadline', async () => {
    const out = await check(slowPort, { deadline: 300 }).run();
    expect(out).toMatchObject({ ok: false, detail: 'DEADLINE_EXCEEDED: no answer within 300 ms' });
    expect(out.latencyMs).toBeGreaterThanOrEqual(280);
    expect(out.latencyMs).toBeLessThan(1500);
  });

  it('fails on a gRPC server without the health service', async () => {
    expect(await check(barePort).run()).toMatchObject({
      ok: false,
      detail: 'UNIMPLEMENTED: the server does not offer grpc.health.v1.Health',
    });
  });

  it('fails an HTTP/1 port with a clear detail, not a crash', async () => {
    const out = await check(http1Port).run();
    expect(out.ok).toBe(false);
    expect(out.detail).toMatch(/^UNAVAILABLE: .*\(the port does not speak gRPC: is it an HTTP\/1 port/);
    expect(out.detail).not.toMatch(/\d{4}-\d\d-\d\dT/); // grpc-js's timestamps are dropped
  });

  it('fails a closed port', async () => {
    const out = await check(1).run();
    expect(out.ok).toBe(false);
    expect(out.detail).toMatch(/^UNAVAILABLE: .*ECONNREFUSED/);
  });

  it('keeps one channel with keepAlive, and closes it', async () => {
    const kept = check(port, { keepAlive: true });
    for (let i = 0; i < 3; i++) expect((await kept.run()).ok).toBe(true);
    kept.close?.();
  });

  it('aborts when the agent stops', async () => {
    const ac = new AbortController();
    const p = check(slowPort, { deadline: 5000 }).run(ac.signal);
    setTimeout(() => ac.abort(), 100);
    const out = await p;
    expect(out).toMatchObject({ ok: false, detail: 'aborted (agent stopping)' });
    expect(out.latencyMs).toBeLessThan(2000);
  });
});

if (!HAVE_OPENSSL) console.warn('skipping gRPC TLS tests: the openssl command is not installed');

describe.skipIf(!HAVE_OPENSSL)('grpc check over TLS with certificates made here', () => {
  let ca: TestCa;
  let foreign: TestCa;
  let port = 0;

  beforeAll(async () => {
    ca = makeTestCa('grpc-ca');
    foreign = makeTestCa('grpc-foreign');
    const cert = issueServerCert(ca, ['DNS:localhost', 'IP:127.0.0.1']);
    const health = new HealthImplementation({ '': 'SERVING', payments: 'NOT_SERVING' });
    port = await start(
      (s) => health.addToServer(s),
      grpc.ServerCredentials.createSsl(null, [
        { private_key: Buffer.from(cert.key), cert_chain: Buffer.from(cert.cert) },
      ]),
    );
  }, 30_000);

  const tls = (extra: Record<string, unknown>) =>
    check(port, { tls: true, serverName: 'localhost', ...extra });

  it('passes with the CA that issued the certificate and its name', async () => {
    const c = tls({ ca: ca.file });
    expect(await c.run()).toMatchObject({ ok: true, detail: 'SERVING' });
    expect(c.description).toBe(`grpc 127.0.0.1:${port} (server) (tls)`);
    expect(await tls({ ca: ca.file, service: 'payments' }).run()).toMatchObject({
      ok: false,
      detail: 'NOT_SERVING',
    });
  });

  it('fails with a foreign CA, with the system CAs, and with another name, saying so', async () => {
    for (const extra of [{ ca: foreign.file }, {}]) {
      const out = await tls(extra).run();
      expect(out.ok, JSON.stringify(extra)).toBe(false);
      // Node 20 ends OpenSSL's reason with a period, later versions do not.
      expect(out.detail).toMatch(
        /^UNAVAILABLE: No connection established\. Last error: unable to verify the first certificate\.? \(TLS failed: check `tls`, `ca` and `serverName` against the server\)$/,
      );
    }
    const named = await tls({ ca: ca.file, serverName: 'api.example.com' }).run();
    expect(named.ok).toBe(false);
    expect(named.detail).toMatch(
      /^UNAVAILABLE: .*api\.example\.com\. is not in the cert's altnames: DNS:localhost, IP Address:127\.0\.0\.1.*\(TLS failed/,
    );
  });

  it('fails a plain check of the TLS port, and a TLS check of a plain port', async () => {
    const plain = await check(port).run();
    expect(plain.ok).toBe(false);
    expect(plain.detail).toMatch(/^UNAVAILABLE: /);
    const plainServer = await start((s) => new HealthImplementation({ '': 'SERVING' }).addToServer(s));
    const out = await check(plainServer, { tls: true, serverName: 'localhost', ca: ca.file }).run();
    expect(out.ok).toBe(false);
    expect(out.detail).toMatch(
      /^UNAVAILABLE: .*TLS handshake failed: wrong version number.*\(the port does not speak TLS/,
    );
  });

  it('refuses at start-up a TLS check of an IP address without serverName, and a missing CA file', () => {
    expect(() => check(port, { tls: true })).toThrow(
      /needs serverName: the host name in the server's certificate/,
    );
    expect(() => tls({ ca: '/nonexistent/ca.pem' })).toThrow(/ca: \/nonexistent\/ca\.pem: file not found/);
  });
});
