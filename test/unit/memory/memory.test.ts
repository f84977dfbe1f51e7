// The strict memory provider: atomic batches that refuse create-of-existing, update/delete of a
// missing or changed record and duplicate keys; records() returns exactly what provider.ts promises.
import { describe, expect, it } from 'vitest';
import { createProvider, MemoryProvider } from '../../../providers/memory/index.ts';
import type { Config } from '../../../src/config/index.ts';
import {
  type Change,
  ConflictError,
  InvalidChangeError,
  markerRecord,
  type RecordSet,
} from '../../../src/model/index.ts';

const A = (name: string, values: string[], extra: Partial<RecordSet> = {}): RecordSet => ({
  name,
  type: 'A',
  ttl: 30,
  values,
  ...extra,
});

const ZONE = 'example.com';

function seeded(): MemoryProvider {
  return new MemoryProvider('mem', 'shop-prod', [
    markerRecord('app.example.com', 'shop-prod'),
    A('app.example.com', ['192.0.2.10']),
    { name: 'app.example.com', type: 'TXT', ttl: 300, values: ['v=user-owned'] },
    markerRecord('other.example.com', 'someone-else'),
    A('other.example.com', ['192.0.2.99']),
    A('user.example.com', ['192.0.2.50']),
    A('elsewhere.example.org', ['192.0.2.60']),
  ]);
}

async function rejects(
  p: Promise<unknown>,
  cls: typeof ConflictError | typeof InvalidChangeError,
  text: string,
) {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(cls);
  expect((err as Error).message).toContain(text);
  return err as ConflictError;
}

describe('MemoryProvider.records', () => {
  it('returns markers of any owner, every record at our names, and records at the asked names only', async () => {
    const p = seeded();
    const names = (rs: RecordSet[]) => rs.map((r) => `${r.name} ${r.type}`);
    expect(names(await p.records(ZONE))).toEqual([
      '_geofailover.app.example.com. TXT',
      '_geofailover.other.example.com. TXT',
      'app.example.com. A',
      'app.example.com. TXT',
    ]);
    expect(names(await p.records(ZONE, { names: ['USER.example.com'] }))).toContain('user.example.com. A');
    expect(names(await p.records(ZONE, { names: ['other.example.com.'] }))).toContain('other.example.com. A');
    expect(names(await p.records('example.org'))).toEqual([]);
    expect(p.readCalls).toBe(4);
  });

  it('normalises what it stores and returns copies', async () => {
    const p = new MemoryProvider('mem', 'o', [A('X.Example.COM', ['192.0.2.2', ' 192.0.2.1'])]);
    const [r] = p.all(ZONE);
    expect(r).toEqual(A('x.example.com.', ['192.0.2.1', '192.0.2.2']));
    r!.values.push('mutated');
    expect(p.all(ZONE)[0]!.values).toHaveLength(2);
    expect(p.capabilities).toEqual({
      weighted: true,
      geo: true,
      multiValue: true,
      atomicBatch: true,
      sharedAcrossProcesses: false,
      copyPerReplica: false,
      servedOverDns: false,
    });
  });
});

describe('MemoryProvider.apply', () => {
  it('applies creates, updates and deletes', async () => {
    const p = seeded();
    const before = A('app.example.com.', ['192.0.2.10']);
    const res = await p.apply(ZONE, [
      { kind: 'update', before, after: { ...before, values: ['192.0.2.11'] }, reason: { code: 'config' } },
      { kind: 'create', after: A('new.example.com', ['192.0.2.12']), reason: { code: 'config' } },
      { kind: 'delete', before: A('user.example.com', ['192.0.2.50']), reason: { code: 'orphan' } },
    ]);
    expect(res).toEqual({ applied: 3, calls: 1 });
    const all = p.all(ZONE);
    expect(all.find((r) => r.name === 'app.example.com.' && r.type === 'A')!.values).toEqual(['192.0.2.11']);
    expect(all.some((r) => r.name === 'new.example.com.')).toBe(true);
    expect(all.some((r) => r.name === 'user.example.com.')).toBe(false);
    expect(p.applyCalls).toBe(1);
  });

  const cases: { what: string; changes: Change[]; cls: typeof ConflictError; text: string }[] = [
    {
      what: 'create of an existing key',
      changes: [{ kind: 'create', after: A('app.example.com', ['192.0.2.1']), reason: { code: 'config' } }],
      cls: ConflictError,
      text: 'already exists',
    },
    {
      what: 'update of a missing key',
      changes: [
        {
          kind: 'update',
          before: A('nope.example.com', ['192.0.2.1']),
          after: A('nope.example.com', ['192.0.2.2']),
          reason: { code: 'config' },
        },
      ],
      cls: ConflictError,
      text: 'does not exist',
    },
    {
      what: 'delete of a missing key',
      changes: [{ kind: 'delete', before: A('nope.example.com', ['192.0.2.1']), reason: { code: 'orphan' } }],
      cls: ConflictError,
      text: 'does not exist',
    },
    {
      what: 'update whose before differs from the stored record',
      changes: [
        {
          kind: 'update',
          before: A('app.example.com', ['192.0.2.99']),
          after: A('app.example.com', ['192.0.2.2']),
          reason: { code: 'config' },
        },
      ],
      cls: ConflictError,
      text: 'changed since it was read',
    },
    {
      what: 'delete whose before has another ttl',
      changes: [
        {
          kind: 'delete',
          before: A('app.example.com', ['192.0.2.10'], { ttl: 99 }),
          reason: { code: 'orphan' },
        },
      ],
      cls: ConflictError,
      text: 'changed since it was read',
    },
    {
      what: 'duplicate keys in one batch',
      changes: [
        { kind: 'create', after: A('dup.example.com', ['192.0.2.1']), reason: { code: 'config' } },
        { kind: 'create', after: A('DUP.example.com.', ['192.0.2.2']), reason: { code: 'config' } },
      ],
      cls: InvalidChangeError,
      text: 'twice in one batch',
    },
    {
      what: 'an empty record set',
      changes: [{ kind: 'create', after: A('empty.example.com', []), reason: { code: 'config' } }],
      cls: InvalidChangeError,
      text: 'no values',
    },
    {
      what: 'a record outside the zone',
      changes: [{ kind: 'create', after: A('x.example.net', ['192.0.2.1']), reason: { code: 'config' } }],
      cls: InvalidChangeError,
      text: 'outside zone',
    },
    {
      what: 'a weight outside 0-255',
      changes: [
        {
          kind: 'create',
          after: A('w.example.com', ['192.0.2.1'], { setId: 'a', weight: 256 }),
          reason: { code: 'config' },
        },
      ],
      cls: InvalidChangeError,
      text: 'outside 0-255',
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.what} and applies nothing of the batch`, async () => {
      const p = seeded();
      const snapshot = p.all(ZONE);
      // A valid change first: atomicity means it must not land either.
      const good: Change = {
        kind: 'create',
        after: A('good.example.com', ['192.0.2.3']),
        reason: { code: 'config' },
      };
      const err = await rejects(p.apply(ZONE, [good, ...c.changes]), c.cls, c.text);
      expect(err.context.provider).toBe('mem');
      expect(p.all(ZONE)).toEqual(snapshot);
      expect(p.applyCalls).toBe(1);
    });
  }

  it('failNextApply makes the next call fail without writing', async () => {
    const p = seeded();
    p.failNextApply(new Error('boom'));
    const change: Change = {
      kind: 'create',
      after: A('n.example.com', ['192.0.2.3']),
      reason: { code: 'config' },
    };
    await expect(p.apply(ZONE, [change])).rejects.toThrow('boom');
    expect(p.all(ZONE).some((r) => r.name === 'n.example.com.')).toBe(false);
    await p.apply(ZONE, [change]);
    expect(p.applyCalls).toBe(2);
  });

  it('honours an aborted signal', async () => {
    const p = seeded();
    await expect(p.records(ZONE, {}, AbortSignal.abort())).rejects.toThrow();
    await expect(p.apply(ZONE, [], AbortSignal.abort())).rejects.toThrow();
  });
});

describe('createProvider (memory)', () => {
  it('shares one store per provider id, each instance with its own owner', async () => {
    const config = { owner: 'a' } as Config;
    const one = await createProvider('shared-mem', { kind: 'memory' }, { owner: 'a', config, env: {} });
    const two = await createProvider('shared-mem', { kind: 'memory' }, { owner: 'b', config, env: {} });
    await one.apply(ZONE, [
      { kind: 'create', after: markerRecord('s.example.com', 'a'), reason: { code: 'ownership' } },
      { kind: 'create', after: A('s.example.com', ['192.0.2.1']), reason: { code: 'config' } },
    ]);
    expect((await one.records(ZONE)).map((r) => r.name)).toContain('s.example.com.');
    // Owner b sees the marker but not a's records at the name.
    expect((await two.records(ZONE)).map((r) => r.name)).toEqual(['_geofailover.s.example.com.']);
  });
});
