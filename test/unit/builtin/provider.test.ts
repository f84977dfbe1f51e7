// BuiltinProvider: the records() contract and strict, atomic apply() over a real store file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuiltinProvider, readStoreFile, ZoneStore } from '../../../providers/builtin/index.ts';
import {
  type Change,
  ConflictError,
  InvalidChangeError,
  markerRecord,
  type RecordSet,
} from '../../../src/model/index.ts';

const Z = 'example.com.';
const a = (name: string, value: string, extra: Partial<RecordSet> = {}): RecordSet => ({
  name,
  type: 'A',
  ttl: 30,
  values: [value],
  ...extra,
});
const create = (after: RecordSet): Change => ({ kind: 'create', after, reason: { code: 'config' } });
const del = (before: RecordSet): Change => ({ kind: 'delete', before, reason: { code: 'config' } });
const upd = (before: RecordSet, after: RecordSet): Change => ({
  kind: 'update',
  before,
  after,
  reason: { code: 'config' },
});

let dir: string;
let provider: BuiltinProvider;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gf-prov-'));
  provider = new BuiltinProvider('local', 'me', new ZoneStore(join(dir, 'zones.json')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('BuiltinProvider', () => {
  it('starts empty without a file, creates it on first apply, bumps the serial per write', async () => {
    expect(await provider.records(Z)).toEqual([]);
    await provider.apply(Z, [
      create(markerRecord('app.example.com', 'me')),
      create(a('app.example.com.', '192.0.2.1')),
    ]);
    expect(readStoreFile(join(dir, 'zones.json')).serial).toBe(1);
    await provider.apply(Z, [upd(a('app.example.com.', '192.0.2.1'), a('app.example.com.', '192.0.2.2'))]);
    expect(readStoreFile(join(dir, 'zones.json')).serial).toBe(2);
    expect(provider.capabilities).toEqual({
      weighted: true,
      geo: true,
      multiValue: true,
      atomicBatch: true,
      sharedAcrossProcesses: true,
      copyPerReplica: true,
      servedOverDns: true,
    });
  });

  it('records(): markers of any owner, records at our names and at the query names only', async () => {
    await provider.apply(Z, [
      create(markerRecord('app.example.com', 'me')),
      create(a('app.example.com.', '192.0.2.1')),
      create(markerRecord('other.example.com', 'someone-else')),
      create(a('other.example.com.', '192.0.2.3')),
      create(a('user.example.com.', '192.0.2.4')),
      create(a('unrelated.example.com.', '192.0.2.5')),
    ]);
    const got = await provider.records('EXAMPLE.com', { names: ['User.Example.com'] });
    expect(got.map((r) => `${r.name} ${r.type}`)).toEqual([
      '_geofailover.app.example.com. TXT',
      '_geofailover.other.example.com. TXT',
      'app.example.com. A',
      'user.example.com. A',
    ]);
  });

  it('apply is strict and atomic: conflicts and invalid changes write nothing', async () => {
    await provider.apply(Z, [create(a('app.example.com.', '192.0.2.1'))]);
    const file = join(dir, 'zones.json');
    const cases: [Change[], typeof ConflictError | typeof InvalidChangeError][] = [
      [
        [create(a('new.example.com.', '192.0.2.8')), create(a('app.example.com.', '192.0.2.9'))],
        ConflictError,
      ],
      [[del(a('missing.example.com.', '192.0.2.1'))], ConflictError],
      [[del(a('app.example.com.', '192.0.2.99'))], ConflictError],
      [
        [upd(a('app.example.com.', '192.0.2.1', { ttl: 60 }), a('app.example.com.', '192.0.2.2'))],
        ConflictError,
      ],
      [[create(a('www.other.org.', '192.0.2.1'))], InvalidChangeError],
      [
        [create({ name: 'example.com.', type: 'NS', ttl: 30, values: ['ns1.example.com.'] })],
        InvalidChangeError,
      ],
      [
        [create({ name: 'app.example.com.', type: 'CNAME', ttl: 30, values: ['x.example.net.'] })],
        InvalidChangeError,
      ],
      [[create({ name: 'e.example.com.', type: 'A', ttl: 30, values: [] })], InvalidChangeError],
      [[create(a('bad-a.example.com.', '300.1.2.3'))], InvalidChangeError],
      [
        [create({ name: 'bad6.example.com.', type: 'AAAA', ttl: 30, values: ['192.0.2.1'] })],
        InvalidChangeError,
      ],
      [[create(a(`${'x'.repeat(64)}.example.com.`, '192.0.2.1'))], InvalidChangeError],
    ];
    for (const [changes, type] of cases) {
      await expect(provider.apply(Z, changes)).rejects.toBeInstanceOf(type);
      expect(readStoreFile(file).serial).toBe(1);
    }
    expect((await provider.records(Z, { names: ['new.example.com'] })).length).toBe(0);
  });

  it('weighted and geo sets; applying the same plan twice conflicts, re-reading gives what was written', async () => {
    const w1 = a('api.example.com.', '192.0.2.1', { setId: 'us', weight: 70 });
    const w2 = a('api.example.com.', '192.0.2.2', { setId: 'eu', weight: 30 });
    const g1 = a('www.example.com.', '192.0.2.1', { setId: 'd', geo: 'default' });
    const g2 = a('www.example.com.', '192.0.2.2', { setId: 'eu', geo: { continent: 'EU' } });
    await provider.apply(Z, [create(w1), create(w2), create(g1), create(g2)]);
    await expect(provider.apply(Z, [create(w1)])).rejects.toBeInstanceOf(ConflictError);
    const got = await provider.records(Z, { names: ['api.example.com', 'www.example.com'] });
    expect(got).toHaveLength(4);
    expect(got.find((r) => r.setId === 'us' && r.name === 'api.example.com.')).toEqual(w1);
    // two geo records with the same location are refused
    await expect(
      provider.apply(Z, [
        create(a('www.example.com.', '192.0.2.3', { setId: 'eu2', geo: { continent: 'EU' } })),
      ]),
    ).rejects.toBeInstanceOf(InvalidChangeError);
  });
});
