// `geofailover dns-server` as its own process: it serves the store file, picks up writes another
// process makes, keeps the last good data when the file turns bad, stops cleanly on SIGTERM, and
// fails with one line and exit 1 when its port is taken or its store file is missing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packet } from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuiltinProvider, ZoneStore } from '../../../providers/builtin/index.ts';
import type { RecordSet } from '../../../src/model/index.ts';
import { query } from '../../unit/builtin/packets.ts';
import { runCli, type ServerProcess, startServerProcess } from './cli.ts';
import { askUdp, configYaml, dig, has } from './fixture.ts';

const hasDig = has('dig');
if (!hasDig) console.warn('skipping dns-server CLI tests: dig (bind9-dnsutils) is not installed');

const rec = (v: string): RecordSet => ({ name: 'app.example.com.', type: 'A', ttl: 30, values: [v] });

let dir: string;
let configFile: string;
let provider: BuiltinProvider;
let server: ServerProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gf-dnscli-'));
  const storeFile = join(dir, 'zones.json');
  configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, configYaml(storeFile));
  const store = new ZoneStore(storeFile);
  store.loadOrEmpty();
  provider = new BuiltinProvider('local', 'me', store);
  await provider.apply('example.com', [
    { kind: 'create', after: rec('192.0.2.1'), reason: { code: 'config' } },
  ]);
});
afterAll(async () => {
  await server?.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function answer(port: number): Promise<string[]> {
  return (await dig('dig', port, ['+short', 'app.example.com', 'A'])).raw.trim().split('\n').filter(Boolean);
}

async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe.skipIf(!hasDig)('geofailover dns-server', () => {
  it('serves the store, follows writes by another process, keeps the last good data on a bad file', async () => {
    server = await startServerProcess(configFile);
    expect(await answer(server.port)).toEqual(['192.0.2.1']);

    // This test process is "the controller": it writes the store file the server follows.
    await provider.apply('example.com', [
      { kind: 'update', before: rec('192.0.2.1'), after: rec('192.0.2.2'), reason: { code: 'region-down' } },
    ]);
    const written = performance.now();
    const addr = async () =>
      (Packet.parse(await askUdp(server!.port, query('app.example.com'))).answers[0] as { address?: string })
        ?.address;
    await eventually(async () => (await addr()) === '192.0.2.2');
    const ms = performance.now() - written;
    console.log(
      `store write by another process → new answer in ${ms.toFixed(1)} ms (fs.watch; stat poll every 1 s as fallback)`,
    );

    writeFileSync(join(dir, 'zones.json'), '{"version":1,"serial":99,"zones":{"exa');
    await eventually(async () => /zone store file is unusable/.test(server!.stderr()));
    expect(await answer(server.port)).toEqual(['192.0.2.2']);
    expect(server.stderr().match(/zone store file is unusable/g)).toHaveLength(1);

    // The controller's next write repairs the file from its last good data; the server picks it up.
    await provider.apply('example.com', [
      { kind: 'update', before: rec('192.0.2.2'), after: rec('192.0.2.3'), reason: { code: 'region-up' } },
    ]);
    await eventually(async () => (await answer(server!.port))[0] === '192.0.2.3');
  });

  it('a second server on the same port fails with one line and exit 1', async () => {
    const taken = join(dir, 'taken.yaml');
    writeFileSync(
      taken,
      configYaml(join(dir, 'zones.json')).replace('127.0.0.1:0', `127.0.0.1:${server!.port}`),
    );
    const r = await runCli(['dns-server', '--config', taken]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/cannot listen on 127\.0\.0\.1:\d+ \(udp\): address already in use/);
  });

  it('a missing store file is a clear startup error', async () => {
    const missing = join(dir, 'missing.yaml');
    writeFileSync(missing, configYaml(join(dir, 'nope', 'zones.json')));
    const r = await runCli(['dns-server', '--config', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/zone store .*nope\/zones\.json does not exist/);
  });

  it('SIGTERM stops it cleanly with exit 0', async () => {
    const code = await server!.stop('SIGTERM');
    expect(code).toBe(0);
    expect(server!.stderr()).toMatch(/dns server stopping/);
    server = undefined;
  });
});
