// The tls check against real node:tls servers serving certificates made here with openssl: a good one
// passes and says its days left; an expired one, one for another name, one from a foreign CA and one
// expiring within minDaysLeft each fail with a detail saying which (and the days left); a port that
// does not speak TLS and a CA file that is missing fail clearly.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCheck } from '../../../src/probe/index.ts';
import { HAVE_OPENSSL, issueServerCert, makeTestCa, type ServerCert, type TestCa } from './check-certs.ts';

const DAY = 86_400_000;
const servers: { close(): void }[] = [];

async function serve(c: ServerCert): Promise<number> {
  const server = tls.createServer({ cert: c.cert, key: c.key }, (socket) => socket.end());
  server.on('tlsClientError', () => {});
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

const check = (port: number, extra: Record<string, unknown> = {}) =>
  compileCheck({ kind: 'tls', port, minDaysLeft: 7, ...extra } as never, '127.0.0.1', 2000);

if (!HAVE_OPENSSL) console.warn('skipping tls check tests: the openssl command is not installed');

describe.skipIf(!HAVE_OPENSSL)('tls check against real TLS servers', () => {
  let ca: TestCa;
  let foreign: TestCa;
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    ca = makeTestCa('test-ca');
    foreign = makeTestCa('foreign-ca');
    const names = ['DNS:localhost', 'IP:127.0.0.1'];
    ports.valid = await serve(issueServerCert(ca, names));
    ports.expired = await serve(
      issueServerCert(ca, names, { from: Date.now() - 60 * DAY, to: Date.now() - 30 * DAY }),
    );
    ports.soon = await serve(issueServerCert(ca, names, { to: Date.now() + 3 * DAY }));
    ports.foreign = await serve(issueServerCert(foreign, names));
  }, 30_000);

  afterAll(() => {
    for (const s of servers) s.close();
  });

  it('passes a valid certificate and says its days left, name and trust', async () => {
    const out = await check(ports.valid!, { serverName: 'localhost', ca: ca.file }).run();
    expect(out.ok, out.detail).toBe(true);
    expect(out.detail).toMatch(
      /^(19\.9|20\.0) days left \(until \d{4}-\d\d-\d\d\), matches localhost, chains to the given ca$/,
    );
    expect(out.certDaysLeft).toBeGreaterThan(19.8);
    // Without serverName the address itself is the name: the certificate carries IP:127.0.0.1.
    expect((await check(ports.valid!, { ca: ca.file }).run()).ok).toBe(true);
  });

  it('fails an expired certificate, saying when it expired', async () => {
    const out = await check(ports.expired!, { serverName: 'localhost', ca: ca.file }).run();
    expect(out.ok).toBe(false);
    expect(out.detail).toMatch(/^certificate expired 30\.0 days ago \(on \d{4}-\d\d-\d\d\)$/);
    expect(out.certDaysLeft).toBeCloseTo(-30, 0);
  });

  it('fails a certificate for another name, naming the names it has', async () => {
    const out = await check(ports.valid!, { serverName: 'api.example.com', ca: ca.file }).run();
    expect(out.ok).toBe(false);
    expect(out.detail).toBe(
      'certificate does not match api.example.com (the certificate names DNS:localhost, IP Address:127.0.0.1); ' +
        `${out.certDaysLeft!.toFixed(1)} days left`,
    );
  });

  it('fails a certificate from a foreign CA, and one checked against the system CAs', async () => {
    const out = await check(ports.foreign!, { serverName: 'localhost', ca: ca.file }).run();
    expect(out.ok).toBe(false);
    expect(out.detail).toMatch(/^certificate does not chain to the given ca \([A-Z_]+\); \d+\.\d days left$/);
    const system = await check(ports.valid!, { serverName: 'localhost' }).run();
    expect(system.ok).toBe(false);
    expect(system.detail).toMatch(/does not chain to the system CAs \([A-Z_]+\)/);
  });

  it('fails a certificate expiring within minDaysLeft (3 days left, minDaysLeft 7), and passes it with 2', async () => {
    const out = await check(ports.soon!, { serverName: 'localhost', ca: ca.file }).run();
    expect(out.ok).toBe(false);
    expect(out.detail).toMatch(
      /^certificate expires in (2\.9|3\.0) days \(on \d{4}-\d\d-\d\d\), under minDaysLeft 7$/,
    );
    const lenient = await check(ports.soon!, { serverName: 'localhost', ca: ca.file, minDaysLeft: 2 }).run();
    expect(lenient.ok).toBe(true);
  });

  it('fails a port that does not speak TLS, and a closed port, without a crash', async () => {
    const plain = http.createServer((_q, r) => r.end('hi'));
    servers.push(plain);
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', () => r()));
    const out = await check((plain.address() as AddressInfo).port, { serverName: 'localhost' }).run();
    expect(out.ok).toBe(false);
    expect(out.detail.length).toBeGreaterThan(0);
    const closed = await check(1, { serverName: 'localhost' }).run();
    expect(closed).toMatchObject({ ok: false });
    expect(closed.detail).toMatch(/ECONNREFUSED/);
  });

  it('refuses to start with a CA file that does not exist, naming the file', () => {
    expect(() => check(ports.valid!, { ca: '/nonexistent/ca.pem' })).toThrow(
      /ca: \/nonexistent\/ca\.pem: file not found/,
    );
  });
});
