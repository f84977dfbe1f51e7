// Any process that follows the store file can serve transfers: a second server (as another worker
// process would) reads the records and the journal from the file the provider writes, and answers
// AXFR and IXFR exactly as the writer's own server does.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer } from '../../../providers/builtin/dns-server/index.ts';
import { has } from '../dns/fixture.ts';
import { ENV, KEY_NAME, SECRET, startXfrFixture, type XfrFixture } from './fixture.ts';

const run = promisify(execFile);
const hasKdig = has('kdig');
if (!hasKdig) console.warn('skipping follower transfer test: kdig not installed');

async function transfer(port: number, kind: string): Promise<string[]> {
  const { stdout } = await run('kdig', [
    '@127.0.0.1',
    '-p',
    String(port),
    '+time=3',
    '+retry=0',
    '-y',
    `hmac-sha256:${KEY_NAME}:${SECRET}`,
    kind,
    'example.com',
  ]);
  return stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';') && !/\sTSIG\s/.test(l));
}

describe.skipIf(!hasKdig)('transfers from a process that only follows the store file', () => {
  let fx: XfrFixture;
  let follower: Awaited<ReturnType<typeof startDnsServer>>;
  beforeAll(async () => {
    fx = await startXfrFixture({ provider: `allowTransfer: [{ key: ${KEY_NAME} }]` });
    // Its own ZoneStore on the same file, following it through the watcher: like another worker.
    follower = await startDnsServer({ config: fx.config, listen: '127.0.0.1:0', env: ENV, notify: false });
  });
  afterAll(async () => {
    await follower?.close();
    await fx?.close();
  });

  it('answers AXFR and IXFR like the writer, from the journal in the file', async () => {
    const from = fx.store.snapshot().serial;
    const app = fx.store.snapshot().zones['example.com.']!.find((r) => r.name === 'app.example.com.')!;
    await fx.provider.apply('example.com', [
      {
        kind: 'update',
        before: app,
        after: { ...app, values: ['192.0.2.55'] },
        reason: { code: 'region-down' },
      },
    ]);
    const port = follower.addresses[0]!.port;
    const end = Date.now() + 10_000;
    let ixfr: string[] = [];
    while (Date.now() < end) {
      ixfr = await transfer(port, `IXFR=${from}`);
      if (ixfr.length > 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(ixfr).toEqual(await transfer(fx.port, `IXFR=${from}`));
    expect(ixfr.some((l) => l.endsWith('192.0.2.55'))).toBe(true);
    expect(await transfer(port, 'AXFR')).toEqual(await transfer(fx.port, 'AXFR'));
  });
});
