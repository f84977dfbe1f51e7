// The builtin server as a hidden primary of real secondaries (Knot, and BIND with the README's
// snippet): each transfers the zone with TSIG, our NOTIFY after a failover makes it pick the change
// up within a second of our own server (by IXFR, from the store's journal), and geo/weighted names
// arrive flattened.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeStoreFileSync } from '../../../providers/builtin/store-file.ts';
import { has } from '../dns/fixture.ts';
import { startBindSecondary } from './bind-secondary.ts';
import { KEY_NAME, SECRET, startXfrFixture, type XfrFixture } from './fixture.ts';
import { freePort, type Secondary, startKnotSecondary } from './knot-secondary.ts';
import { captureLogger } from './logs.ts';

const run = promisify(execFile);
const SECONDARIES = [
  { name: 'Knot', bin: 'knotd', start: startKnotSecondary },
  { name: 'BIND', bin: 'named', start: startBindSecondary },
];
for (const s of SECONDARIES)
  if (!has(s.bin) || !has('kdig'))
    console.warn(`skipping ${s.name} secondary tests: ${s.bin} or kdig not installed`);

async function ours(port: number, name: string, type: string): Promise<string[]> {
  const { stdout } = await run('kdig', [
    '@127.0.0.1',
    '-p',
    String(port),
    '+time=1',
    '+retry=0',
    '+short',
    name,
    type,
  ]);
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .sort();
}

async function until<T>(
  what: string,
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  boundMs = 20_000,
): Promise<T> {
  const start = Date.now();
  let last: T | undefined;
  while (Date.now() - start < boundMs) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after ${boundMs} ms`);
}

describe.each(SECONDARIES)('hidden primary with a $name secondary', ({ name, bin, start }) => {
  if (!has(bin) || !has('kdig')) {
    it.skip(`needs ${bin} and kdig`, () => {});
    return;
  }
  let fx: XfrFixture;
  let secondary: Secondary;
  const logs = captureLogger();

  beforeAll(async () => {
    const secondaryPort = await freePort();
    fx = await startXfrFixture({
      provider: `allowTransfer: [{ key: ${KEY_NAME} }]\nsecondaries: ["127.0.0.1:${secondaryPort}"]`,
      server: { logger: logs.logger },
    });
    secondary = await start({
      port: secondaryPort,
      primaryPort: fx.port,
      keyName: KEY_NAME,
      secret: SECRET,
    });
    const serial = fx.store.snapshot().serial;
    await until(
      `${name} bootstrap`,
      () => secondary.serial(),
      (s) => s === serial,
    );
  }, 30_000);

  afterAll(async () => {
    await secondary?.close();
    await fx?.close();
  });

  it('transfers the zone; geo names carry the default answer and weighted names every live value', async () => {
    expect(await secondary.answer('app.example.com', 'A')).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(await secondary.answer('www.example.com', 'A')).toEqual(['192.0.2.10']);
    expect(await secondary.answer('api.example.com', 'A')).toEqual(['192.0.2.20', '192.0.2.30']);
    expect(await secondary.answer('v6.deep.example.com', 'AAAA')).toEqual(['2001:db8::1']);
    expect(await secondary.answer('example.com', 'NS')).toEqual(['ns1.example.com.', 'ns2.example.net.']);
    const transfers = logs.lines().filter((l) => l.msg === 'zone transfer');
    expect(transfers.length).toBeGreaterThan(0);
    expect(transfers[0]).toMatchObject({ tsigKey: `${KEY_NAME}.`, zone: 'example.com.' });
  });

  it('after a failover (an apply) the secondary answers the new records within 1 s of our server', async () => {
    const before = fx.store.snapshot();
    const app = before.zones['example.com.']!.find((r) => r.name === 'app.example.com.' && r.type === 'A')!;
    await fx.provider.apply('example.com', [
      {
        kind: 'update',
        before: app,
        after: { ...app, values: ['192.0.2.99'] },
        reason: { code: 'region-down', region: 'us' },
      },
    ]);
    const applied = performance.now();
    const [oursAt, theirsAt] = await Promise.all([
      until(
        'our answer',
        () => ours(fx.port, 'app.example.com', 'A'),
        (v) => v.join() === '192.0.2.99',
      ).then(() => performance.now() - applied),
      until(
        `${name} answer`,
        () => secondary.answer('app.example.com', 'A'),
        (v) => v.join() === '192.0.2.99',
      ).then(() => performance.now() - applied),
    ]);
    console.log(
      `failover visible: ours after ${oursAt.toFixed(0)} ms, ${name} secondary after ${theirsAt.toFixed(0)} ms`,
    );
    expect(theirsAt - oursAt, `ours after ${oursAt} ms, Knot after ${theirsAt} ms`).toBeLessThan(1000);
    // The secondary got it by IXFR, from the journal, not a full transfer.
    const ixfr = logs
      .lines()
      .filter((l) => l.msg === 'zone transfer' && l.kind === 'IXFR' && l.serial === before.serial + 1);
    expect(ixfr.map((l) => l.result)).toContain('incremental');
    const acked = logs.lines().filter((l) => l.msg === 'secondary acknowledged NOTIFY');
    expect(acked.some((l) => l.serial === before.serial + 1)).toBe(true);
  });

  it('converges when the journal cannot answer (a foreign write without one): IXFR gets the whole zone', async () => {
    const snap = fx.store.snapshot();
    const zone = snap.zones['example.com.']!.map((r) =>
      r.name === 'app.example.com.' && r.type === 'A' ? { ...r, values: ['192.0.2.77'] } : r,
    );
    // Another writer (an old version, a restore) replaces the file with no journal.
    writeStoreFileSync(fx.store.file, {
      version: 1,
      serial: snap.serial + 1,
      zones: { 'example.com.': zone },
    });
    fx.store.check();
    await until(
      `${name} answer`,
      () => secondary.answer('app.example.com', 'A'),
      (v) => v.join() === '192.0.2.77',
    );
    const full = logs
      .lines()
      .filter((l) => l.msg === 'zone transfer' && l.serial === snap.serial + 1 && l.from === snap.serial);
    expect(full.map((l) => l.result)).toContain('full (the journal does not reach that serial)');
  });
});
