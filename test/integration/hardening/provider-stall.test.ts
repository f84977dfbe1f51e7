// A provider that stalls or loses answers, seen from the running controller (rfc2136 adapter, crafted
// TCP servers and a proxy in front of a real knotd): while an UPDATE trickles in a byte at a time,
// status shows the pass in progress (not the last pass's "changed") and the in-flight gauge ages;
// the response timeout then ends it and the provider shows as failing. An UPDATE whose answer is lost
// after knotd applied it is an error saying so, and the next pass reads the zone and finds nothing
// left to do.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { StatusDoc } from '../../../src/api/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerConfig, FAILOVER_2, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { HostileTally } from '../../helpers/hostile.ts';
import { round } from '../../helpers/reports.ts';
import {
  closeFakes,
  dropUpdateAnswers,
  fake,
  framed,
  goodAxfr,
  SECRET,
  signedUpdateResponse,
} from '../rfc2136/fake-server.ts';
import { hasBinary, KEY_NAME, startKnot } from '../rfc2136/servers.ts';

const tally = new HostileTally('provider-stall');
const dirs: string[] = [];
let ctl: RunningController | undefined;
afterEach(async () => {
  await ctl?.stop();
  ctl = undefined;
  await closeFakes();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  tally.record();
});

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`not met in ${ms} ms; last: ${JSON.stringify(v).slice(0, 3000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function start(provider: string, secret: string): Promise<RunningController> {
  const dir = mkdtempSync(join(tmpdir(), 'gf-stall-'));
  dirs.push(dir);
  ctl = await startController({
    config: controllerConfig({ owner: 'stall', stateDir: dir, provider, records: [FAILOVER_2] }),
    env: { ...KEY_ENV, GF_TSIG: secret },
    logger: silentLogger(),
  });
  return ctl;
}

const status = async (c: RunningController) =>
  (await (await fetch(`${c.url}/v1/status`)).json()) as StatusDoc;
const gauge = async (c: RunningController, name: string) => {
  const text = await (await fetch(`${c.url}/metrics`)).text();
  const m = new RegExp(`^${name}\\{[^}]*provider="p"[^}]*\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};

describe('a provider whose UPDATE answer trickles in', () => {
  it('shows the pass in progress while it waits, then failing once the response timeout ends it', async () => {
    const transfer = await fake(goodAxfr);
    let updateAt = 0;
    const server = await fake((req, _send, sock: Socket) => {
      updateAt ||= Date.now();
      // One byte every 100 ms: the whole answer would take about 11 s.
      const bytes = framed(signedUpdateResponse(req));
      let i = 0;
      const t = setInterval(
        () => (sock.destroyed || i >= bytes.length ? clearInterval(t) : sock.write(bytes.subarray(i, ++i))),
        100,
      );
      sock.on('close', () => clearInterval(t));
    });
    const c = await start(
      `{ kind: rfc2136, server: "${server}", transfer: "${transfer}", tsig: { name: ${KEY_NAME}, secretEnv: GF_TSIG }, timeouts: { connect: 1s, response: 2s, transfer: 2s } }`,
      SECRET,
    );
    const endpoints = ['use-a', 'euw-a'];
    for (let i = 0; i < 2; i++) await round(c.url, KEYS, endpoints);

    const writing = await until(
      () => status(c),
      (s) => s.zones[0]?.inProgress?.stage === 'write',
    );
    const running = writing.zones[0]!.inProgress!;
    expect(running.changes).toBeGreaterThan(0);
    expect(running.behind).toBe(false);
    expect(writing.zones[0]!.lastReconcile?.result).not.toBe('changed');
    const age = await until(
      () => gauge(c, 'geofailover_reconcile_in_flight_seconds'),
      (v) => v !== undefined && v > 0.5,
    );
    expect(age).toBeGreaterThan(0.5);

    const failed = await until(
      () => status(c),
      (s) => s.zones[0]?.failing !== undefined,
    );
    const failedAt = Date.now();
    const z = failed.zones[0]!;
    expect(z.failing!.message).toMatch(
      /UPDATE failed: no complete response within 2000 ms \(\d+ of \d+ bytes arrived\); the UPDATE was sent and its outcome is unknown/,
    );
    expect(z.lastReconcile?.result).toBe('error');
    expect(await gauge(c, 'geofailover_provider_failing')).toBe(1);
    // Connect (loopback, at once) + the 2 s response timeout, with slack for a busy machine.
    const heldFor = failedAt - updateAt;
    tally.add(heldFor < 3500 && z.failing !== undefined);
    expect(heldFor).toBeLessThan(3500);
  }, 60_000);
});

const noKnot = !hasBinary('knotd') || !hasBinary('kdig');
if (noKnot) console.warn('skipping the lost UPDATE answer controller test: knotd or kdig is not installed');

describe.skipIf(noKnot)('a provider that applies an UPDATE and loses the answer', () => {
  it('is an error saying the outcome is unknown; the next pass finds zero changes and recovers', async () => {
    const knot = await startKnot();
    const proxy = await dropUpdateAnswers(knot.port);
    try {
      const c = await start(
        `{ kind: rfc2136, server: "${proxy.address}", tsig: { name: ${KEY_NAME}, algorithm: ${knot.algorithm}, secretEnv: GF_TSIG } }`,
        knot.secret,
      );
      for (let i = 0; i < 2; i++) await round(c.url, KEYS, ['use-a', 'euw-a']);
      const recovered = await until(
        () => Promise.resolve(c.events.since(0, 1000, ['apply-error', 'apply-recovered'])),
        (e) => e.some((x) => x.type === 'apply-recovered'),
      );
      const error = recovered.find((e) => e.type === 'apply-error')!;
      expect(String(error.message)).toMatch(
        /UPDATE failed: the server closed the connection; the UPDATE was sent and its outcome is unknown/,
      );
      expect(String(error.message)).not.toContain('nothing was written');
      const s = await status(c);
      const last = s.zones[0]!.lastReconcile!;
      tally.add(last.result === 'ok' && last.changes === 0 && s.zones[0]!.failing === undefined);
      // The retry read what knotd holds and found nothing left: no second UPDATE was needed.
      expect(last.result).toBe('ok');
      expect(last.changes).toBe(0);
      expect(s.zones[0]!.failing).toBeUndefined();
      expect(c.events.since(0, 1000, ['apply'])).toHaveLength(0);
    } finally {
      await ctl?.stop();
      ctl = undefined;
      await new Promise<void>((r) => proxy.server.close(() => r()));
      await knot.stop();
    }
  }, 60_000);
});
