// The default tcp check of an endpoint whose address is a host name (a load balancer's name, an alias
// or CNAME target) connects to that name, resolved by the system resolver at each check: a listener
// on loopback is reached through `localhost` (from /etc/hosts: no traffic leaves the machine).
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/index.ts';
import { compileCheck } from '../../../src/probe/index.ts';

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('tcp check of a host-name endpoint', () => {
  it('resolves the endpoint address (no host given) and connects', async () => {
    const check = configSchema.shape.regions.element.shape.endpoints.element.shape.check.unwrap().parse({
      kind: 'tcp',
      port,
    });
    const c = compileCheck(check, 'localhost', 2000);
    expect(c.description).toBe(`tcp localhost:${port}`);
    const out = await c.run();
    expect(out).toMatchObject({ ok: true, detail: 'connected' });
  });
});
