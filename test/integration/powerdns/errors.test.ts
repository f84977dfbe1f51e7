// One clear error each, against a real pdns_server: a wrong key in a key file, a zone the server does
// not have, the server down (connection refused), a server that never answers (timeout), a missing key
// variable, a write whose answer is lost. Each message names the provider, the zone and what to do,
// never the key (a wrong key from the environment is a conformance case); each test ends with a
// working provider planning again to zero changes.
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyZonePlan } from '../../../src/controller/index.ts';
import { ProviderError } from '../../../src/model/index.ts';
import { converge, dnsAnswer, failover, makeConfig, open, plan } from './harness.ts';
import { missing, type PdnsServer, startPdns } from './pdns-server.ts';

const why = missing();
if (why) console.warn(`skipping PowerDNS error tests: ${why}`);

async function error(p: Promise<unknown>): Promise<ProviderError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProviderError);
  return e as ProviderError;
}

describe.skipIf(why !== undefined)('powerdns adapter errors', () => {
  let pdns: PdnsServer;
  let zone = '';
  beforeAll(async () => {
    pdns = await startPdns();
    zone = 'errors.example.com';
    await pdns.createZone(zone);
  }, 30_000);
  afterAll(async () => {
    await pdns?.stop();
  });

  const records = () => [failover(`app.${zone}`, ['us-east', 'eu-west'])];

  /** The working provider converges and re-plans to zero changes: the error left nothing behind. */
  const convergesAfter = async () => {
    const config = makeConfig(pdns.url, zone, records());
    const p = await open(config, pdns.apiKey);
    await converge(config, p);
    expect((await plan(config, p)).changes).toEqual([]);
  };

  it('a key file is read, and a wrong key in it names the file', async () => {
    const { writeFileSync } = await import('node:fs');
    const file = `${pdns.dir}/api-key`;
    writeFileSync(file, `${pdns.apiKey}\n`);
    const config = makeConfig(pdns.url, zone, records(), { apiKeyEnv: undefined, apiKeyFile: file });
    const p = await open(config, 'unused');
    expect((await plan(config, p)).provider).toBe('pdns');
    writeFileSync(file, 'wrong\n');
    const bad = await open(config, 'unused');
    expect((await error(plan(config, bad))).context.remedy).toContain(`the file ${file}`);
    await convergesAfter();
  });

  it('a missing key variable is one clear error before any request', async () => {
    const config = makeConfig(pdns.url, zone, records());
    await expect(open(config, '')).rejects.toThrow(
      /providers\.pdns\.apiKeyEnv: environment variable PDNS_TEST_API_KEY is not set/,
    );
    await convergesAfter();
  });

  it('a zone the server does not have is one clear error with the fix', async () => {
    const config = makeConfig(pdns.url, 'nosuch.example.org', [
      failover('app.nosuch.example.org', ['us-east']),
    ]);
    const p = await open(config, pdns.apiKey);
    const e = await error(plan(config, p));
    expect(e.message).toBe(
      `powerdns provider pdns, zone nosuch.example.org.: zone nosuch.example.org. does not exist on PowerDNS server "localhost" at ${pdns.url} (HTTP 404); nothing was read or written`,
    );
    expect(e.context.remedy).toMatch(/pdnsutil create-zone nosuch\.example\.org/);
    await convergesAfter();
  });

  it('the server down (connection refused) is one clear, retryable error', async () => {
    // a port that was just free: nothing listens there
    const idle = createServer();
    await new Promise<void>((r) => idle.listen(0, '127.0.0.1', r));
    const port = (idle.address() as { port: number }).port;
    await new Promise<void>((r) => idle.close(() => r()));
    const config = makeConfig(`http://127.0.0.1:${port}`, zone, records());
    const p = await open(config, pdns.apiKey);
    const e = await error(plan(config, p));
    expect(e.message).toBe(
      `powerdns provider pdns, zone ${zone}.: read failed: cannot reach the PowerDNS API (ECONNREFUSED) at http://127.0.0.1:${port}; nothing was read or written`,
    );
    expect(e.retryable).toBe(true);
    expect(e.context.remedy).toMatch(/api=yes and webserver=yes/);
    await convergesAfter();
  });

  it('a server that accepts but never answers is one timeout error, also for a write', async () => {
    const held: Socket[] = [];
    const silent: Server = createServer((s) => held.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    try {
      const config = makeConfig(url, zone, records(), { timeout: '300ms' });
      const p = await open(config, pdns.apiKey);
      const e = await error(plan(config, p));
      expect(e.message).toBe(
        `powerdns provider pdns, zone ${zone}.: read failed: no answer within 300 ms at ${url}; nothing was read or written`,
      );
      expect(e.context.remedy).toMatch(/raise providers\.pdns\.timeout/);
      // a plan made against the real server, applied through an adapter whose server hangs
      const real = makeConfig(pdns.url, zone, records());
      const zp = await plan(real, await open(real, pdns.apiKey), { 'us-east': 'down' });
      const w = await error(applyZonePlan({ ...zp }, p, { mode: 'apply' }));
      expect(w.message).toMatch(
        /pre-write read failed: no answer within 300 ms.*nothing was read or written/,
      );
    } finally {
      for (const s of held) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
    await convergesAfter();
  });

  it('a write whose answer is lost says it may have been applied, and the next plan converges', async () => {
    // A proxy that passes requests to pdns_server but cuts the connection instead of answering a
    // PATCH: the write happens, the adapter never hears of it (a network error mid-request).
    const target = new URL(pdns.url);
    const proxy = createHttpServer((req, res) => {
      const up = httpRequest(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          if (req.method === 'PATCH') {
            answer.resume();
            answer.on('end', () => res.socket?.destroy());
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    try {
      const config = makeConfig(url, zone, records());
      const p = await open(config, pdns.apiKey);
      await convergesAfter();
      const zp = await plan(config, p, { 'us-east': 'down' });
      const e = await error(applyZonePlan(zp, p, { mode: 'apply' }));
      expect(e.message).toMatch(
        /write of 1 RRset\(s\) failed: cannot reach the PowerDNS API \(.+\) at http:\/\/127\.0\.0\.1:\d+; the write may or may not have been applied; the next plan reads the zone again and shows what is left/,
      );
      expect(e.retryable).toBe(true);
      // it was applied: the next plan sees that and has nothing left to do
      expect(await dnsAnswer(pdns.dnsPort, `app.${zone}`, 'A')).toEqual(['198.51.100.20']);
      expect((await plan(config, p, { 'us-east': 'down' })).changes).toEqual([]);
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
    }
    await convergesAfter();
  });
});
