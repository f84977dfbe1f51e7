// Idle TCP connections must not lock new clients out. 600 idle
// connections are held open (more than the per-process limit of 512); a new client's query over
// TCP is still answered, because the least recently active connections are closed to make room.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../unit/builtin/packets.ts';
import { type Fixture, startFixture } from './fixture.ts';

let fx: Fixture;
beforeAll(async () => {
  // One worker: every connection lands on the same process, so its limit is what is tested.
  fx = await startFixture(undefined, '', { workers: 1 });
});
afterAll(async () => {
  await fx?.close();
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
}

function askTcp(s: Socket, q: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const t = setTimeout(() => reject(new Error('no TCP answer within 5 s')), 5000);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(t);
        resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      }
    });
    s.once('close', () => reject(new Error('connection closed without an answer')));
    const framed = Buffer.alloc(2 + q.length);
    framed.writeUInt16BE(q.length, 0);
    q.copy(framed, 2);
    s.write(framed);
  });
}

describe('TCP with 600 idle connections held open', () => {
  it('answers a new client, closing the oldest idle connections first', async () => {
    const idle: Socket[] = [];
    const closed = new Set<number>();
    try {
      for (let i = 0; i < 600; i++) {
        const s = await open(fx.port);
        s.on('error', () => undefined);
        s.on('close', () => closed.add(i));
        idle.push(s);
      }
      // The newest idle connection still works (it was not the oldest)...
      const recent = await askTcp(idle[599]!, query('app.example.com', { id: 7 }));
      expect(recent.readUInt16BE(0)).toBe(7);
      // ...and a brand-new client is answered.
      const fresh = await open(fx.port);
      const answer = await askTcp(fresh, query('app.example.com', { id: 42 }));
      expect(answer.readUInt16BE(0)).toBe(42);
      expect(answer.readUInt16BE(2) & 0xf).toBe(0); // NOERROR
      expect(answer.readUInt16BE(6)).toBe(2); // both A records
      fresh.destroy();
      // The ones closed to make room were the oldest.
      await new Promise((r) => setTimeout(r, 200));
      expect(closed.size).toBeGreaterThanOrEqual(600 + 1 - 512);
      expect(Math.max(...closed)).toBeLessThan(600 - 500);
    } finally {
      for (const s of idle) s.destroy();
    }
  }, 60_000);
});
