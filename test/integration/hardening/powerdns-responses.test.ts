// Hostile answers under the PowerDNS adapter, from a crafted HTTP server standing where the API
// should be (a proxy's page, another service, a broken server): zone documents of the wrong shape.
// Each is one ProviderError naming the provider, the zone, the URL path and what was wrong; none is
// a bare TypeError.
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
