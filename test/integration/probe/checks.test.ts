// Checks against real local servers: HTTP that answers 200/500, hangs, resets, answers slowly, or from
// the wrong backend (response headers); TLS with self-signed and expired certificates; a closed TCP
// port; a DNS server answering and not answering.
import dgram from 'node:dgram';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createServer as createDnsServer, Packet } from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCheck } from '../../../src/probe/index.ts';
import { type Cert, expired, hasOpenssl, selfSigned } from './certs.ts';

const listen = (server: net.Server): Promise<number> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

describe('http checks against a real server', () => {
  let port = 0;
  let connections = 0;
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/ok') res.end(`hello from ${req.headers.host}`);
    else if (path === '/served') {
      res.setHeader('x-served-by', 'eu-west-1b');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.end('ok');
    } else if (path === '/500') {
      res.statusCode = 500;
      res.end('broken');
    } else if (path === '/hang') {
      // never answers
    } else if (path === '/reset') req.socket.destroy();
    else if (path === '/slow') setTimeout(() => res.end('late'), 150);
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  server.on('connection', () => connections++);

  beforeAll(async () => {
    port = await listen(server);
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const check = (path: string, extra: Record<string, unknown> = {}) =>
    compileCheck(
      {
        kind: 'http',
        url: `http://127.0.0.1:${port}${path}`,
        method: 'GET',
        headers: {},
        expectStatus: [200],
        tlsVerify: true,
        keepAlive: false,
        ...extra,
      },
      '127.0.0.1',
      1000,
    );

  it('passes on 200 with a matching body and a Host override', async () => {
    const out = await check('/ok', {
      host: 'app.example.com',
      bodyRegex: 'hello from app\\.example\\.com',
    }).run();
    expect(out).toMatchObject({ ok: true, status: 200 });
    expect(out.latencyMs).toBeGreaterThan(0);
  });

  it('fails on 500, on a body mismatch, and passes 500 when it is expected', async () => {
    expect(await check('/500').run()).toMatchObject({
      ok: false,
      status: 500,
      detail: 'status 500, expected 200',
    });
    expect((await check('/ok', { bodyRegex: '^nope' }).run()).detail).toMatch(/body does not match/);
    expect((await check('/500', { expectStatus: [500, 503] }).run()).ok).toBe(true);
  });

  it('matches response headers: present and matching passes; a mismatch or a missing header fails', async () => {
    const pass = await check('/served', {
      expectHeaders: { 'X-Served-By': '^eu-', 'set-cookie': 'b=2' },
    }).run();
    expect(pass).toMatchObject({ ok: true, detail: 'status 200' });
    expect(await check('/served', { expectHeaders: { 'x-served-by': '^us-' } }).run()).toMatchObject({
      ok: false,
      status: 200,
      detail: 'header x-served-by: "eu-west-1b" does not match /^us-/',
    });
    expect(await check('/ok', { expectHeaders: { 'x-served-by': '^eu-' } }).run()).toMatchObject({
      ok: false,
      detail: 'header x-served-by missing, expected /^eu-/',
    });
    // The status is judged first: a 500 from the right backend still fails as a 500.
    expect((await check('/500', { expectHeaders: { 'x-served-by': '^eu-' } }).run()).detail).toBe(
      'status 500, expected 200',
    );
  });

  it('times out on a hanging server', async () => {
    const out = await check('/hang', { timeout: 200 }).run();
    expect(out).toMatchObject({ ok: false, detail: 'timeout after 200 ms' });
    expect(out.latencyMs).toBeGreaterThanOrEqual(190);
    expect(out.latencyMs).toBeLessThan(1000);
  });

  it('fails on a connection reset', async () => {
    const out = await check('/reset').run();
    expect(out.ok).toBe(false);
    expect(out.detail).toMatch(/ECONNRESET|socket hang up/);
  });

  it('fails a slow answer over maxLatency, and passes it without one', async () => {
    const slow = await check('/slow', { maxLatency: 50 }).run();
    expect(slow.ok).toBe(false);
    expect(slow.detail).toMatch(/slow: \d+ ms > maxLatency 50 ms/);
    expect((await check('/slow').run()).ok).toBe(true);
  });

  it('opens a fresh connection per check unless keepAlive is set', async () => {
    const before = connections;
    const fresh = check('/ok');
    for (let i = 0; i < 3; i++) await fresh.run();
    expect(connections - before).toBe(3);
    const kept = check('/ok', { keepAlive: true });
    const mid = connections;
    for (let i = 0; i < 3; i++) await kept.run();
    kept.close?.();
    expect(connections - mid).toBe(1);
  });

  it('aborts when the agent stops', async () => {
    const ac = new AbortController();
    const p = check('/hang', { timeout: 5000 }).run(ac.signal);
    setTimeout(() => ac.abort(), 50);
    expect((await p).detail).toMatch(/aborted/);
  });
});

const openssl = hasOpenssl();
if (!openssl) console.warn('skipping TLS check tests: the openssl CLI is not installed');

describe.skipIf(!openssl)('https checks: certificate verification and expiry', () => {
  let good: Cert;
  let old: Cert;
  const servers: https.Server[] = [];
  let goodPort = 0;
  let oldPort = 0;
  const sniSeen: string[] = [];

  beforeAll(async () => {
    good = selfSigned(30);
    old = expired();
    const mk = (c: Cert) => {
      const s = https.createServer({ key: c.key, cert: c.cert }, (_req, res) => res.end('ok'));
      s.on('secureConnection', (sock: TLSSocket) =>
        sniSeen.push(String((sock as { servername?: string }).servername)),
      );
      servers.push(s);
      return listen(s);
    };
    goodPort = await mk(good);
    oldPort = await mk(old);
  });
  afterAll(() => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
  });

  const check = (port: number, extra: Record<string, unknown> = {}) =>
    compileCheck(
      {
        kind: 'https',
        url: `https://127.0.0.1:${port}/`,
        method: 'GET',
        headers: {},
        expectStatus: [200],
        tlsVerify: true,
        keepAlive: false,
        ...extra,
      },
      '127.0.0.1',
      2000,
    );

  it('verifies TLS by default: a self-signed certificate fails', async () => {
    const out = await check(goodPort).run();
    expect(out.ok).toBe(false);
    expect(out.detail).toMatch(/SELF_SIGNED|self.signed/i);
  });

  it('with tlsVerify off, passes and reports days to expiry; sends the SNI override', async () => {
    const out = await check(goodPort, { tlsVerify: false, sni: 'shop.example.com' }).run();
    expect(out.ok).toBe(true);
    expect(out.certDaysLeft).toBeGreaterThan(28);
    expect(out.certDaysLeft).toBeLessThanOrEqual(30);
    expect(sniSeen).toContain('shop.example.com');
  });

  it('an expired certificate fails verification, and its negative days left are reported without it', async () => {
    const strict = await check(oldPort).run();
    expect(strict.ok).toBe(false);
    expect(strict.detail).toMatch(/EXPIRED|SELF_SIGNED|self.signed/i);
    const lax = await check(oldPort, { tlsVerify: false }).run();
    expect(lax.ok).toBe(true);
    expect(lax.certDaysLeft).toBeLessThan(-365);
  });
});

describe('tcp checks', () => {
  it('passes on an open port and fails on a closed one', async () => {
    const server = net.createServer((s) => s.end());
    const port = await listen(server);
    expect((await compileCheck({ kind: 'tcp', port }, '127.0.0.1', 1000).run()).ok).toBe(true);
    server.close();
    await new Promise((r) => server.once('close', r));
    const closed = await compileCheck({ kind: 'tcp', port }, '127.0.0.1', 1000).run();
    expect(closed.ok).toBe(false);
    expect(closed.detail).toMatch(/ECONNREFUSED/);
  });
});

describe('dns checks against a dns2 server', () => {
  let port = 0;
  const dns = createDnsServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const q = request.questions[0]!;
      if (q.name === 'app.example.com') {
        response.answers.push({
          name: q.name,
          type: Packet.TYPE.A,
          class: Packet.CLASS.IN,
          ttl: 30,
          address: '192.0.2.7',
        } as never);
      } else if (q.name === 'missing.example.com') {
        response.header.rcode = 3;
      }
      send(response);
    },
  });
  const silent = dgram.createSocket('udp4');
  let silentPort = 0;

  beforeAll(async () => {
    const addrs = await dns.listen({ udp: { port: 0, address: '127.0.0.1' } });
    port = (addrs.udp as AddressInfo).port;
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    silentPort = (silent.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await dns.close();
    silent.close();
  });

  const check = (name: string, extra: Record<string, unknown> = {}, server = `127.0.0.1:${port}`) =>
    compileCheck({ kind: 'dns', name, type: 'A', server, ...extra } as never, '127.0.0.1', 500);

  it('passes on an answer and on the expected value', async () => {
    expect(await check('app.example.com').run()).toMatchObject({ ok: true, detail: 'answer 192.0.2.7' });
    expect((await check('app.example.com', { expect: '192.0.2.7' }).run()).ok).toBe(true);
  });

  it('fails on a wrong value, an empty answer and NXDOMAIN', async () => {
    expect((await check('app.example.com', { expect: '192.0.2.8' }).run()).detail).toMatch(
      /does not contain/,
    );
    expect((await check('other.example.com').run()).detail).toMatch(/no A answer/);
    expect((await check('missing.example.com').run()).detail).toMatch(/rcode 3/);
  });

  it('times out when the server does not answer', async () => {
    const out = await check('app.example.com', { timeout: 200 }, `127.0.0.1:${silentPort}`).run();
    expect(out).toMatchObject({ ok: false });
    expect(out.detail).toMatch(/timeout after 200 ms/);
  });
});
