// The demo backend: each mode answers as documented, `down` refuses connections and healing reopens
// the same port, and the standalone control endpoints switch modes.
import { afterEach, describe, expect, it } from 'vitest';
import { type DemoBackend, startDemoBackend } from '../../../src/demo/index.ts';

const open: DemoBackend[] = [];
afterEach(async () => {
  for (const b of open.splice(0)) await b.close();
});

async function start(opts: Parameters<typeof startDemoBackend>[0] = {}): Promise<DemoBackend> {
  const b = await startDemoBackend(opts);
  open.push(b);
  return b;
}

async function get(url: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

describe('DemoBackend', () => {
  it('answers /healthz with 200 ok while healthy, on an ephemeral port', async () => {
    const b = await start({ name: 'us-east/use-a' });
    expect(b.port).toBeGreaterThan(0);
    expect(b.url).toBe(`http://127.0.0.1:${b.port}/healthz`);
    const r = await get(b.url);
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^ok us-east\/use-a/);
  });

  it('answers 500 in fail mode and 200 again after heal', async () => {
    const b = await start();
    await b.setMode('fail');
    expect((await get(b.url)).status).toBe(500);
    await b.setMode('healthy');
    expect((await get(b.url)).status).toBe(200);
  });

  it('in slow mode answers only after slowMs, beyond a shorter check timeout', async () => {
    const b = await start({ slowMs: 3000 });
    await b.setMode('slow');
    await expect(get(b.url, 300)).rejects.toThrow();
    await b.setMode('healthy');
    expect((await get(b.url)).status).toBe(200);
  });

  it('in down mode refuses connections, and heals on the same port', async () => {
    const b = await start();
    const port = b.port;
    await b.setMode('down');
    const err = await get(b.url).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error & { cause?: { code?: string } }).cause?.code)).toBe('ECONNREFUSED');
    await b.setMode('healthy');
    expect(b.port).toBe(port);
    expect((await get(b.url)).status).toBe(200);
  });

  it('listens on another loopback address (127.0.0.11) where the OS allows', async () => {
    const b = await start({ host: '127.0.0.11' }).catch(() => undefined);
    if (!b) {
      console.warn('skipped: cannot bind 127.0.0.11 on this machine');
      return;
    }
    expect((await get(b.url)).status).toBe(200);
  });

  it('with control on, POST /mode/fail|healthy switches the mode; without it, 404', async () => {
    const b = await start({ control: true });
    const base = `http://127.0.0.1:${b.port}`;
    expect((await fetch(`${base}/mode/fail`, { method: 'POST' })).status).toBe(200);
    expect(b.mode).toBe('fail');
    expect((await get(b.url)).status).toBe(500);
    await fetch(`${base}/mode/healthy`, { method: 'POST' });
    expect((await get(b.url)).status).toBe(200);
    const plain = await start();
    expect((await fetch(`http://127.0.0.1:${plain.port}/mode/fail`, { method: 'POST' })).status).toBe(404);
    expect(plain.mode).toBe('healthy');
  });

  it('close() ends slow requests in flight instead of hanging', async () => {
    const b = await startDemoBackend({ slowMs: 60_000 });
    await b.setMode('slow');
    const pending = get(b.url, 30_000).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 100));
    await b.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});
