// Weighted answers over a real UDP socket: 3,000 queries, the split within 4 points of the weights
// (the 20,000-query check at 2 points runs in-process in test/unit/builtin/engine.test.ts).
import { createSocket } from 'node:dgram';
import { Packet } from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../unit/builtin/packets.ts';
import { type Fixture, startFixture } from './fixture.ts';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => {
  await fx?.close();
});

describe('weighted over UDP', () => {
  it('splits 70/30 and never answers the weight-0 member', async () => {
    const n = 3000;
    const sock = createSocket('udp4');
    const counts = new Map<string, number>();
    let got = 0;
    const done = new Promise<void>((resolve) => {
      sock.on('message', (m) => {
        const a = (Packet.parse(m).answers[0] as { address?: string } | undefined)?.address ?? 'none';
        counts.set(a, (counts.get(a) ?? 0) + 1);
        if (++got === n) resolve();
      });
    });
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    // Several server workers answer faster than this one reader drains a default-size buffer.
    sock.setRecvBufferSize(4 << 20);
    // Sent in small bursts so none is lost on a busy machine.
    for (let i = 0; i < n; i += 50) {
      for (let j = i; j < i + 50; j++) sock.send(query('api.example.com', { id: j }), fx.port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
    sock.close();
    expect(got).toBeGreaterThan(n * 0.95);
    expect(Math.abs((counts.get('192.0.2.20') ?? 0) / got - 0.7)).toBeLessThan(0.04);
    expect(Math.abs((counts.get('192.0.2.30') ?? 0) / got - 0.3)).toBeLessThan(0.04);
    expect(counts.has('192.0.2.40')).toBe(false);
  });
});
