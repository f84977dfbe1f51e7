// Port fallback: a free preferred port is kept; a taken one (TCP, or UDP for DNS) falls back.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { pickDnsPort, pickTcpPort } from '../../../src/demo/index.ts';

describe('port choice', () => {
  it('keeps a free preferred TCP port and falls back from a taken one', async () => {
    const free = await pickTcpPort('127.0.0.1', 0);
    const keep = await pickTcpPort('127.0.0.1', free.port);
    expect(keep).toEqual({ port: free.port, fellBack: false });

    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const taken = (srv.address() as { port: number }).port;
    try {
      const got = await pickTcpPort('127.0.0.1', taken);
      expect(got.fellBack).toBe(true);
      expect(got.port).not.toBe(taken);
    } finally {
      srv.close();
    }
  });

  it('falls back from a DNS port taken only for UDP', async () => {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const taken = sock.address().port;
    try {
      const got = await pickDnsPort('127.0.0.1', taken);
      expect(got.fellBack).toBe(true);
      expect(got.port).not.toBe(taken);
    } finally {
      sock.close();
    }
  });
});
