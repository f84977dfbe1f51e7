// The RFC 2136 provider's pure parts: what validate says about policies (geo refused, weighted a
// warning, weighted CNAME refused, one TSIG secret source), TSIG signing and verification (single
// messages and streams), and the UPDATE planning (weighted sets in the marker, drift, conflicts,
// splitting). The wire against real servers is covered in test/integration/rfc2136.
import { describe, expect, it } from 'vitest';
import {
  buildAxfr,
  findTsig,
  logicalRecords,
  packGroups,
  planUpdate,
  signRequest,
  signResponse,
  snapshotOf,
  type TsigKey,
  TsigVerifier,
  txtData,
} from '../../../providers/rfc2136/index.ts';
import { configWarnings, parseConfig } from '../../../src/config/index.ts';
import { ConflictError, InvalidChangeError, type RecordSet } from '../../../src/model/index.ts';

function yaml(record: string, tsig = '{ name: gf-key, secretEnv: TSIG_SECRET }'): string {
  return `owner: t
regions:
  - id: a
    endpoints: [{ id: a1, address: 192.0.2.1, check: { kind: tcp, port: 80 } }]
  - id: b
    endpoints: [{ id: b1, address: 192.0.2.2, check: { kind: tcp, port: 80 } }]
providers:
  dns: { kind: rfc2136, server: "127.0.0.1:53", tsig: ${tsig} }
zones:
  - name: example.com
    provider: dns
    records:
      - ${record}
`;
}

describe('rfc2136 validate', () => {
  it('refuses geo, naming the builtin server and Route 53 / Cloudflare', () => {
    expect(() =>
      parseConfig(
        yaml(
          '{ name: w.example.com, type: A, ttl: 60, policy: { kind: geo, rules: [{ match: default, regions: [a] }] } }',
        ),
        'x.yaml',
      ),
    ).toThrow(
      /x\.yaml:\d+: zones\[0\]\.records\[0\]\.policy\.kind: a geo policy cannot be expressed.*builtin.*Route 53 or Cloudflare/,
    );
  });

  it('accepts weighted with a warning that says what it becomes and the alternative', () => {
    const text = yaml(
      '{ name: w.example.com, type: A, ttl: 60, policy: { kind: weighted, weights: { a: 70, b: 30 } } }',
    );
    const config = parseConfig(text, 'x.yaml');
    const warnings = configWarnings(config, text);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.path).toBe('zones[0].records[0].policy.weights');
    expect(warnings[0]!.message).toMatch(/standard DNS has no weights.*weight > 0.*builtin server, Route 53/);
  });

  it('refuses a weighted CNAME', () => {
    expect(() =>
      parseConfig(
        yaml('{ name: w.example.com, type: CNAME, ttl: 60, policy: { kind: weighted, weights: { a: 1 } } }'),
      ),
    ).toThrow(/weighted CNAME cannot be published/);
  });

  it('wants exactly one of secretEnv and secretFile', () => {
    const rec = '{ name: w.example.com, type: A, ttl: 60, policy: { kind: failover, order: [a, b] } }';
    expect(() => parseConfig(yaml(rec, '{ name: k, secretEnv: A, secretFile: /x }'))).toThrow(
      /exactly one of secretEnv or secretFile/,
    );
    expect(() => parseConfig(yaml(rec, '{ name: k }'))).toThrow(/exactly one of secretEnv or secretFile/);
    const c = parseConfig(yaml(rec, '{ name: k, algorithm: hmac-sha512, secretFile: /run/secrets/tsig }'));
    const p = c.providers.dns;
    expect(p?.kind === 'rfc2136' && p.tsig.algorithm).toBe('hmac-sha512');
    expect(p?.kind === 'rfc2136' && p.timeouts.response).toBe(10_000);
  });
});

describe('rfc2136 TSIG', () => {
  const key: TsigKey = { name: 'gf-key', algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 1) };
  const req = buildAxfr(0x1234, 'example.com');

  it('a signed request carries a TSIG RR that names the key; a signed response verifies', () => {
    const signed = signRequest(req, key, { now: 1_000_000 });
    const t = findTsig(signed.wire);
    expect(t).toMatchObject({
      keyName: 'gf-key',
      algorithm: 'hmac-sha256',
      timeSigned: 1_000_000,
      originalId: 0x1234,
    });
    expect(t?.mac.equals(signed.mac)).toBe(true);
    const res = Buffer.from(req);
    res.writeUInt16BE(0x8000, 2);
    const answer = signResponse(res, key, signed.mac, { now: 1_000_001 });
    expect(() => new TsigVerifier(key, signed.mac, { now: 1_000_002 }).verify(answer.wire)).not.toThrow();
  });

  it('rejects a tampered, a foreign-key, an unsigned and an out-of-time response', () => {
    const { mac } = signRequest(req, key, { now: 1_000_000 });
    const res = Buffer.from(req);
    res.writeUInt16BE(0x8000, 2);
    const good = signResponse(res, key, mac, { now: 1_000_000 }).wire;
    const tampered = Buffer.from(good);
    tampered[3] = tampered[3]! ^ 1;
    const v = () => new TsigVerifier(key, mac, { now: 1_000_000 });
    expect(() => v().verify(tampered)).toThrow(/MAC does not verify/);
    const other = signResponse(res, { ...key, secret: Buffer.alloc(32, 2) }, mac, { now: 1_000_000 }).wire;
    expect(() => v().verify(other)).toThrow(/MAC does not verify/);
    expect(() => v().verify(res)).toThrow(/no TSIG signature/);
    expect(() => new TsigVerifier(key, mac, { now: 1_000_000 + 301 }).verify(good)).toThrow(/fudge/);
    // A response MAC'd over another request's MAC does not verify either (replay).
    expect(() => new TsigVerifier(key, Buffer.alloc(32), { now: 1_000_000 }).verify(good)).toThrow(/MAC/);
  });

  it('verifies a stream with unsigned messages between signed ones, and wants it to end signed', () => {
    const { mac } = signRequest(req, key, { now: 5 });
    const msg = (n: number) => {
      const m = Buffer.from(req);
      m.writeUInt16BE(0x8000, 2);
      m[12 + 1] = n; // a different byte in each message
      return m;
    };
    const first = signResponse(msg(1), key, mac, { now: 5 });
    // The third message's MAC covers the unsigned second message too (RFC 8945 §5.3.1).
    const second = msg(2);
    const third = signResponse(Buffer.concat([second, msg(3)]), key, first.mac, { now: 5, later: true });
    const thirdWire = Buffer.concat([msg(3), third.wire.subarray(second.length + msg(3).length)]);
    thirdWire.writeUInt16BE(1, 10);
    const verifier = new TsigVerifier(key, mac, { now: 5 });
    verifier.verify(first.wire);
    verifier.verify(second);
    expect(() => verifier.finish()).toThrow(/unsigned/);
    verifier.verify(thirdWire);
    expect(() => verifier.finish()).not.toThrow();
  });
});

describe('rfc2136 UPDATE planning', () => {
  const scope = { provider: 'dns', zone: 'example.com.', server: '127.0.0.1:53' };
  const soa = {
    name: 'example.com',
    type: 'SOA',
    ttl: 300,
    data: {
      mname: 'ns1.example.com',
      rname: 'h.example.com',
      serial: 1,
      refresh: 1,
      retry: 1,
      expire: 1,
      minimum: 1,
    },
  };
  const weighted: RecordSet[] = [
    { name: 'api.example.com.', type: 'A', setId: 'a', weight: 70, ttl: 30, values: ['192.0.2.1'] },
    { name: 'api.example.com.', type: 'A', setId: 'b', weight: 0, ttl: 30, values: ['192.0.2.2'] },
  ];
  const marker: RecordSet = {
    name: '_geofailover.api.example.com.',
    type: 'TXT',
    ttl: 300,
    values: ['owner=t'],
  };

  it('publishes weighted sets as one RRset of the weight > 0 values, with the sets in the marker', () => {
    const empty = snapshotOf([soa, soa]);
    const changes = [...weighted, marker].map((after) => ({
      kind: 'create' as const,
      after,
      reason: { code: 'config' as const },
    }));
    const groups = planUpdate(empty, logicalRecords(empty, 't'), changes, scope);
    expect(groups).toHaveLength(1);
    const writes = groups[0]!.writes.map((w) => [w.name, w.type, w.after?.values]);
    expect(writes).toEqual([
      ['api.example.com.', 'A', ['192.0.2.1']],
      ['_geofailover.api.example.com.', 'TXT', ['owner=t', 'w=A:a:70:192.0.2.1', 'w=A:b:0:192.0.2.2']],
    ]);
    // Read back, the sets are what was written; a hand edit of the RRset makes it a plain record.
    const written = snapshotOf([
      soa,
      { name: 'api.example.com', type: 'A', ttl: 30, data: '192.0.2.1' },
      ...['owner=t', 'w=A:a:70:192.0.2.1', 'w=A:b:0:192.0.2.2'].map((v) => ({
        name: '_geofailover.api.example.com',
        type: 'TXT',
        ttl: 300,
        data: [Buffer.from(v)],
      })),
      soa,
    ]);
    expect(logicalRecords(written, 't').filter((r) => r.type === 'A')).toEqual(weighted);
    const edited = snapshotOf([
      soa,
      { name: 'api.example.com', type: 'A', ttl: 30, data: '192.0.2.9' },
      { name: '_geofailover.api.example.com', type: 'TXT', ttl: 300, data: [Buffer.from('owner=t')] },
      {
        name: '_geofailover.api.example.com',
        type: 'TXT',
        ttl: 300,
        data: [Buffer.from('w=A:a:70:192.0.2.1')],
      },
    ]);
    expect(logicalRecords(edited, 't').filter((r) => r.type === 'A')).toEqual([
      { name: 'api.example.com.', type: 'A', ttl: 30, values: ['192.0.2.9'] },
    ]);
  });

  it('a marker string longer than 255 bytes is written as several character-strings and read back whole', () => {
    const values = Array.from(
      { length: 12 },
      (_, i) => `2001:db8:ffff:ffff:ffff:ffff:ffff:${(i + 1).toString(16)}`,
    );
    const sets: RecordSet[] = [
      { name: 'v6.example.com.', type: 'AAAA', setId: 'a', weight: 1, ttl: 30, values },
    ];
    const empty = snapshotOf([soa]);
    const changes = [...sets, { ...marker, name: '_geofailover.v6.example.com.' }].map((after) => ({
      kind: 'create' as const,
      after,
      reason: { code: 'config' as const },
    }));
    const [group] = planUpdate(empty, logicalRecords(empty, 't'), changes, scope);
    const state = group!.writes.find((w) => w.type === 'TXT')!.after!.values.find((v) => v.startsWith('w='))!;
    expect(Buffer.byteLength(state)).toBeGreaterThan(255);
    const chunks = txtData(state);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.length <= 255)).toBe(true);
    const read = snapshotOf([
      soa,
      ...values.map((v) => ({ name: 'v6.example.com', type: 'AAAA', ttl: 30, data: v })),
      { name: '_geofailover.v6.example.com', type: 'TXT', ttl: 300, data: [Buffer.from('owner=t')] },
      { name: '_geofailover.v6.example.com', type: 'TXT', ttl: 300, data: chunks },
    ]);
    expect(logicalRecords(read, 't').filter((r) => r.type === 'AAAA')).toEqual(
      sets.map((r) => ({ ...r, values: [...values].sort() })),
    );
  });

  it('refuses a change whose before is not what was read (lost compare-and-swap), before sending anything', () => {
    const snap = snapshotOf([soa, { name: 'app.example.com', type: 'A', ttl: 30, data: '192.0.2.7' }]);
    const before: RecordSet = { name: 'app.example.com.', type: 'A', ttl: 30, values: ['192.0.2.1'] };
    const after: RecordSet = { ...before, values: ['192.0.2.2'] };
    expect(() =>
      planUpdate(
        snap,
        logicalRecords(snap, 't'),
        [{ kind: 'update', before, after, reason: { code: 'config' } }],
        scope,
      ),
    ).toThrow(ConflictError);
    expect(() =>
      planUpdate(
        snap,
        logicalRecords(snap, 't'),
        [{ kind: 'create', after, reason: { code: 'config' } }],
        scope,
      ),
    ).toThrow(/changed since the plan read it \(it now exists/);
  });

  it('packs names into messages without splitting a name; refuses a name larger than a message', () => {
    const empty = snapshotOf([soa]);
    const changes = Array.from({ length: 10 }, (_, i) => ({
      kind: 'create' as const,
      after: { name: `n${i}.example.com.`, type: 'A' as const, ttl: 30, values: ['192.0.2.1', '192.0.2.2'] },
      reason: { code: 'config' as const },
    }));
    const groups = planUpdate(empty, logicalRecords(empty, 't'), changes, scope);
    const messages = packGroups(groups, groups[0]!.size * 3, scope);
    expect(messages.map((m) => m.length)).toEqual([3, 3, 3, 1]);
    expect(() => packGroups(groups, groups[0]!.size - 1, scope)).toThrow(InvalidChangeError);
  });
});
