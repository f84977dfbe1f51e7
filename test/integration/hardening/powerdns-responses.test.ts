// Hostile answers under the PowerDNS adapter, from a crafted HTTP server standing where the API
// should be (a proxy's page, another service, a broken server): zone documents of the wrong shape,
// an error body of megabytes, a body that trickles in. Each is one ProviderError naming the provider,
// the zone, the URL path and what was wrong; none is a bare TypeError, none copies megabytes into a
// message, and none outlives the configured timeout.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsProvider } from '../../../providers/index.ts';
import { ProviderError } from '../../../src/model/index.ts';
import { HostileTally } from '../../helpers/hostile.ts';
import { failover, makeConfig, open, plan } from '../powerdns/harness.ts';

const tally = new HostileTally('powerdns-responses');
const ZONE = 'example.com';
const PATH = '/api/v1/servers/localhost/zones/example.com.';
const TIMEOUT_MS = 300;
const SLACK_MS = 700;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  tally.record();
});

function adapter(): Promise<{ p: DnsProvider; read: () => Promise<unknown> }> {
  const config = makeConfig(url, ZONE, [failover(`app.${ZONE}`, ['us-east', 'eu-west'])], {
    timeout: `${TIMEOUT_MS}ms`,
  });
  return open(config, 'test-key').then((p) => ({ p, read: () => plan(config, p) }));
}

async function failure(p: Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const t0 = performance.now();
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { err, ms: performance.now() - t0 };
}

const json = (body: string) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
};

/** [what, body, the field the message must name, what it must say was expected] */
const SHAPES: [string, string, string, RegExp][] = [
  [
    'an RRset without records',
    '{"name":"example.com.","rrsets":[{"name":"a.example.com.","type":"A","ttl":60}]}',
    'rrsets[0].records',
    /expected array/,
  ],
  ['rrsets a string', '{"rrsets":"none"}', 'rrsets', /expected array/],
  ['no rrsets at all', '{"name":"example.com."}', 'rrsets', /expected array/],
  ['an array for a zone', '[]', '(the document)', /expected object/],
  ['null for a zone', 'null', '(the document)', /expected object/],
  ['a number for a name', '{"rrsets":[{"name":5,"type":"A","records":[]}]}', 'rrsets[0].name', /string/],
  ['a null RRset', '{"rrsets":[null]}', 'rrsets[0]', /expected object/],
  [
    'a record without content',
    '{"rrsets":[{"name":"a.example.com.","type":"A","ttl":60,"records":[{}]}]}',
    'rrsets[0].records[0].content',
    /string/,
  ],
  [
    'a number for content',
    '{"rrsets":[{"name":"a.example.com.","type":"A","ttl":60,"records":[{"content":7}]}]}',
    'rrsets[0].records[0].content',
    /string/,
  ],
  [
    'a TTL as a string',
    '{"rrsets":[{"name":"a.example.com.","type":"A","ttl":"60","records":[{"content":"192.0.2.1"}]}]}',
    'rrsets[0].ttl',
    /number/,
  ],
  [
    'records an object',
    '{"rrsets":[{"name":"a.","type":"A","records":{"content":"x"}}]}',
    'rrsets[0].records',
    /expected array/,
  ],
];

describe('powerdns zone documents of the wrong shape', () => {
  it.each(SHAPES)(
    '%s: one error naming provider, zone, URL path, field and expectation',
    async (_w, body, field, expected) => {
      handler = json(body);
      const { read } = await adapter();
      const { err } = await failure(read());
      const m = err instanceof Error ? err.message : String(err);
      const held =
        err instanceof ProviderError &&
        m.includes('powerdns provider pdns') &&
        m.includes('zone example.com.') &&
        m.includes(PATH) &&
        m.includes(field) &&
        expected.test(m) &&
        !/Cannot read properties/.test(m);
      tally.add(held);
      expect(err, m).toBeInstanceOf(ProviderError);
      expect(m).toContain('powerdns provider pdns, zone example.com.');
      expect(m).toContain(`GET ${PATH}`);
      expect(m).toContain(field);
      expect(m).toMatch(expected);
      expect(m).not.toMatch(/Cannot read properties/);
      expect((err as ProviderError).context.remedy).toMatch(/providers\.pdns\.url/);
    },
  );

  it('a body that is not JSON names the path and says what it starts with', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Welcome to nginx!</body></html>');
    };
    const { read } = await adapter();
    const { err } = await failure(read());
    const m = (err as Error).message;
    tally.add(err instanceof ProviderError && m.includes(PATH) && /not JSON/.test(m));
    expect(m).toMatch(/is not JSON .*<html><body>Welcome to nginx!/);
    expect(m).toContain(`GET ${PATH}`);
  });
});

describe('powerdns error bodies are bounded', () => {
  const MB = 1024 * 1024;

  it('a 5 MB JSON error becomes a message of about 2,000 characters that says it was cut', async () => {
    const big = 'x'.repeat(5 * MB);
    handler = (_req, res) => {
      const body = JSON.stringify({ error: big });
      res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const { read } = await adapter();
    const { err } = await failure(read());
    const m = (err as Error).message;
    tally.add(err instanceof ProviderError && m.length < 3000 && /\(cut, /.test(m));
    expect(m.length).toBeLessThan(3000);
    expect(m).toMatch(/failed with HTTP 500 \(x{100,}… \(cut, 5,242,\d{3} bytes\)\)/);
  });

  it('a never-ending error body is read only up to a bound: the server sees the connection closed', async () => {
    let sent = 0;
    let closedEarly = false;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    handler = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      const pump = () => {
        while (!res.destroyed && sent < 512 * MB) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => {
        closedEarly = sent < 512 * MB;
      });
      pump();
    };
    const { read } = await adapter();
    const { err, ms } = await failure(read());
    const m = (err as Error).message;
    // Give the server's close event a moment to arrive.
    await new Promise((r) => setTimeout(r, 100));
    tally.add(err instanceof ProviderError && m.length < 3000 && closedEarly && ms < TIMEOUT_MS + SLACK_MS);
    expect(m.length).toBeLessThan(3000);
    expect(m).toMatch(/failed with HTTP 502 \(a{100,}… \(cut, more than 65,536 bytes\)\)/);
    expect(closedEarly).toBe(true);
    expect(sent).toBeLessThan(64 * MB);
  });

  it('a zone document sent one byte every 100 ms ends at the timeout', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const body = Buffer.from('{"rrsets":[]}                                           ');
      let i = 0;
      const t = setInterval(() => {
        if (res.destroyed || i >= body.length) {
          clearInterval(t);
          res.end();
          return;
        }
        res.write(body.subarray(i, i + 1));
        i++;
      }, 100);
      res.on('close', () => clearInterval(t));
    };
    const { read } = await adapter();
    const { err, ms } = await failure(read());
    const m = (err as Error).message;
    tally.add(err instanceof ProviderError && ms < TIMEOUT_MS + SLACK_MS);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(m).toMatch(
      /read failed: the answer \(HTTP 200\) did not complete within 300 ms at http:\/\/127\.0\.0\.1:\d+; nothing was read or written/,
    );
  });
});
