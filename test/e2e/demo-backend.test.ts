// `geofailover demo-backend` as docker compose runs it: answers /healthz, switches mode through
// POST /mode/..., and exits 0 on SIGTERM.
import { describe, expect, it } from 'vitest';
import { spawnGeofailover } from './demo-helpers.ts';

describe('geofailover demo-backend', () => {
  it('serves /healthz, fails and heals on request, and exits 0 on SIGTERM', async () => {
    const p = spawnGeofailover(['demo-backend', '--host', '127.0.0.1', '--port', '0', '--name', 'us-east']);
    try {
      const url = (await p.waitForOutput(/listening on (http:\/\/\S+\/healthz)/))[1]!;
      const base = url.replace(/\/healthz$/, '');
      const ok = await fetch(url);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/^ok us-east/);
      expect((await fetch(`${base}/mode/fail`, { method: 'POST' })).status).toBe(200);
      expect((await fetch(url)).status).toBe(500);
      expect((await fetch(`${base}/mode/healthy`, { method: 'POST' })).status).toBe(200);
      expect((await fetch(url)).status).toBe(200);
      expect((await fetch(`${base}/mode/down`, { method: 'POST' })).status).toBe(404);
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exited).toEqual({ code: 0, signal: null });
  });
});
