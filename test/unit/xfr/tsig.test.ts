// TSIG (RFC 8945) sign/verify over raw messages: round trips for requests, responses and
// multi-message streams, and each failure (BADKEY, BADSIG, BADTIME, truncated MACs, unsigned
// messages in a stream, a malformed record) reported as such, never trusted.
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import {
  readTsig,
  sign,
  signNext,
  TSIG_ERROR,
  TsigStreamVerifier,
  tsigKey,
  tsigRecordSize,
  unsignedError,
  verify,
} from '../../../providers/tsig/index.ts';

const KEY = tsigKey('Xfr-Key', 'hmac-sha256', Buffer.alloc(32, 7).toString('base64'));
const KEY512 = tsigKey('xfr-key', 'hmac-sha512', Buffer.alloc(64, 3).toString('base64'));
const find = (k: typeof KEY) => (name: string) => (name === k.name ? k : undefined);
const NOW = 1_800_000_000;

const query = () =>
  Buffer.from(
    dnsPacket.encode({ type: 'query', id: 4321, questions: [{ name: 'example.com', type: 'AXFR' }] }),
  );
const response = (id: number, n: number) =>
  Buffer.from(
    dnsPacket.encode({
      type: 'response',
      id,
      answers: [{ name: `r${n}.example.com`, type: 'A', ttl: 60, data: `192.0.2.${n}` }],
    }),
  );

describe('TSIG', () => {
  it('signs a request that verifies, with the key name canonical and ARCOUNT bumped', () => {
    const { message, mac } = sign(query(), KEY, { now: NOW });
    expect(message.readUInt16BE(10)).toBe(1);
    expect(message.length - query().length).toBe(tsigRecordSize(KEY));
    const t = readTsig(message)!;
    expect(t).toMatchObject({ keyName: 'xfr-key.', algorithm: 'hmac-sha256.', timeSigned: NOW, fudge: 300 });
    expect(t.mac).toEqual(mac);
    expect(t.unsigned).toEqual(query());
    expect(verify(message, find(KEY), { now: NOW + 10 })).toMatchObject({ ok: true });
    const big = sign(query(), KEY512, { now: NOW });
    expect(verify(big.message, find(KEY512), { now: NOW })).toMatchObject({ ok: true });
    expect(big.mac).toHaveLength(64);
  });

  it('reports an unknown key or algorithm as BADKEY, a changed byte as BADSIG, clock skew as BADTIME', () => {
    const { message } = sign(query(), KEY, { now: NOW });
    expect(verify(message, () => undefined, { now: NOW })).toMatchObject({
      ok: false,
      error: TSIG_ERROR.BADKEY,
    });
    expect(verify(message, () => ({ ...KEY, algorithm: 'hmac-sha512' }), { now: NOW })).toMatchObject({
      ok: false,
      error: TSIG_ERROR.BADKEY,
    });
    const tampered = Buffer.from(message);
    tampered.writeUInt8(tampered.readUInt8(14) ^ 1, 14); // a byte of the question name
    expect(verify(tampered, find(KEY), { now: NOW })).toMatchObject({ ok: false, error: TSIG_ERROR.BADSIG });
    const other = tsigKey('xfr-key', 'hmac-sha256', Buffer.alloc(32, 8).toString('base64'));
    expect(verify(message, find(other), { now: NOW })).toMatchObject({ ok: false, error: TSIG_ERROR.BADSIG });
    expect(verify(message, find(KEY), { now: NOW + 301 })).toMatchObject({
      ok: false,
      error: TSIG_ERROR.BADTIME,
    });
    expect(verify(query(), find(KEY))).toBeUndefined();
  });

  it('accepts a MAC truncated to half the digest, rejects shorter ones', () => {
    const { message } = sign(query(), KEY, { now: NOW });
    const t = readTsig(message)!;
    const rebuild = (size: number) => {
      const base = t.unsigned;
      const alg = Buffer.from([11, ...Buffer.from('hmac-sha256'), 0]);
      const rdata = Buffer.alloc(alg.length + 10 + size + 6);
      alg.copy(rdata, 0);
      rdata.writeUInt16BE(0, alg.length);
      rdata.writeUInt32BE(NOW, alg.length + 2);
      rdata.writeUInt16BE(300, alg.length + 6);
      rdata.writeUInt16BE(size, alg.length + 8);
      t.mac.copy(rdata, alg.length + 10, 0, size);
      rdata.writeUInt16BE(base.readUInt16BE(0), alg.length + 10 + size);
      const name = Buffer.from([7, ...Buffer.from('xfr-key'), 0]);
      const head = Buffer.alloc(10);
      head.writeUInt16BE(250, 0);
      head.writeUInt16BE(255, 2);
      head.writeUInt16BE(rdata.length, 8);
      const msg = Buffer.concat([base, name, head, rdata]);
      msg.writeUInt16BE(1, 10);
      return msg;
    };
    expect(verify(rebuild(16), find(KEY), { now: NOW })).toMatchObject({ ok: true });
    expect(verify(rebuild(12), find(KEY), { now: NOW })).toMatchObject({
      ok: false,
      error: TSIG_ERROR.BADSIG,
    });
  });

  it('verifies a response against the request MAC, and the chained messages of a transfer', () => {
    const req = sign(query(), KEY, { now: NOW });
    const first = sign(response(4321, 1), KEY, { requestMac: req.mac, now: NOW });
    expect(verify(first.message, find(KEY), { requestMac: req.mac, now: NOW })).toMatchObject({ ok: true });
    // Without the request MAC the response does not verify (it is bound to its request).
    expect(verify(first.message, find(KEY), { now: NOW })).toMatchObject({
      ok: false,
      error: TSIG_ERROR.BADSIG,
    });

    const second = signNext([response(4321, 2)], KEY, first.mac, { now: NOW });
    const third = signNext([response(4321, 3), response(4321, 4)], KEY, second.mac, { now: NOW });
    const v = new TsigStreamVerifier(KEY, req.mac, () => NOW);
    expect(v.next(first.message)).toBeUndefined();
    expect(v.next(second.message)).toBeUndefined();
    expect(v.next(response(4321, 3))).toBeUndefined(); // unsigned, covered by the next MAC
    expect(v.next(third.message)).toBeUndefined();
    expect(v.finish()).toBeUndefined();

    const swapped = new TsigStreamVerifier(KEY, req.mac, () => NOW);
    expect(swapped.next(first.message)).toBeUndefined();
    expect(swapped.next(third.message)).toMatch(/MAC does not match/);

    const unsignedFirst = new TsigStreamVerifier(KEY, req.mac, () => NOW);
    expect(unsignedFirst.next(response(4321, 1))).toMatch(/first message .* not signed/);

    const unsignedLast = new TsigStreamVerifier(KEY, req.mac, () => NOW);
    unsignedLast.next(first.message);
    unsignedLast.next(response(4321, 2));
    expect(unsignedLast.finish()).toMatch(/last message .* not signed/);
  });

  it('builds the unsigned error answer of RFC 8945 §5.3.2 and reads it back as the peer verdict', () => {
    const req = sign(query(), KEY, { now: NOW });
    const answer = unsignedError(response(4321, 1), readTsig(req.message)!, TSIG_ERROR.BADSIG, NOW);
    const t = readTsig(answer)!;
    expect(t.mac).toHaveLength(0);
    expect(t.error).toBe(TSIG_ERROR.BADSIG);
    expect(verify(answer, find(KEY), { requestMac: req.mac, now: NOW })).toMatchObject({
      ok: false,
      error: TSIG_ERROR.BADSIG,
      reason: 'peer said BADSIG',
    });
  });

  it('throws a wire error on a truncated TSIG record instead of reading past it', () => {
    const { message } = sign(query(), KEY, { now: NOW });
    expect(() => readTsig(message.subarray(0, message.length - 20))).toThrow(/past the end|shorter/);
  });

  it('refuses a secret that is not base64', () => {
    expect(() => tsigKey('k', 'hmac-sha256', 'not base64!')).toThrow(/not base64/);
  });
});
