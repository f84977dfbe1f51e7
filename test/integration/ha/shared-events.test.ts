// Decisions shared through etcd: shared types are put under <prefix>events/, others are not, mirrored
// copies are never re-shared, and the history is trimmed to the newest `keep`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog } from '../../../src/controller/index.ts';
import { SharedEvents } from '../../../src/coordination/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { EtcdServer, etcdBinary } from './etcd-server.ts';
import { until } from './replicas.ts';

const bin = etcdBinary();
if (!bin) console.warn('skipping shared-events test: no `etcd` binary (Debian package etcd-server)');

describe.skipIf(!bin)('shared events', () => {
  let etcd: EtcdServer;
  let client: Etcd3;
  beforeAll(async () => {
    etcd = await EtcdServer.start(bin);
    client = new Etcd3({ hosts: `127.0.0.1:${etcd.clientPort}` });
  });
  afterAll(async () => {
    client?.close();
    await etcd?.close();
  });

  it('shares decisions only, never mirrors back, and keeps the newest N', async () => {
    const prefix = '/gf-test/events-a/events/';
    const log = new EventLog(mkdtempSync(join(tmpdir(), 'gf-ev-')));
    const shared = new SharedEvents({
      client,
      prefix,
      replica: 'a',
      events: log,
      opTimeoutMs: 1000,
      logger: silentLogger(),
      keep: 5,
    });
    shared.start();
    for (let i = 0; i < 8; i++) log.append('apply', { zone: 'example.com.', n: i });
    log.append('region-transition', { region: 'us-east' });
    log.append('apply', { zone: 'example.com.', origin: 'b' });
    const keys = () => client.getAll().prefix(prefix).keys();
    await until(keys, (k) => k.length === 8);
    await shared.trim();
    const kept = await client.getAll().prefix(prefix).strings();
    expect(Object.keys(kept)).toHaveLength(5);
    expect(Object.values(kept).map((v) => (JSON.parse(v) as { n: number }).n)).toEqual([3, 4, 5, 6, 7]);

    // Another replica's event is mirrored with its origin; our own is not.
    shared.mirror(
      JSON.stringify({ seq: 9, at: new Date().toISOString(), type: 'apply', replica: 'b', zone: 'z.' }),
    );
    shared.mirror(Object.values(kept)[0]!);
    const mirrored = log.since(0, 100).filter((e) => e.origin === 'b' && e.zone === 'z.');
    expect(mirrored).toHaveLength(1);
    expect(mirrored[0]).toMatchObject({ type: 'apply', originSeq: 9 });
    expect(log.since(0, 100).filter((e) => e.origin === 'a')).toEqual([]);
    shared.stop();
    log.close();
  });
});
