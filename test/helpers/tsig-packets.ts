// Test helper: TSIG-signed DNS queries built byte by byte, and the malformed placements RFC 8945 §5.2
// answers FORMERR (a TSIG before another additional record, in the answer section, or twice), plus
// UDP and TCP round trips to a server on loopback.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { readTsig, sign, type TsigKey, tsigKey } from '../../providers/tsig/index.ts';
import { opt, query } from '../unit/builtin/packets.ts';

/** A key the servers under test do not know (the secret does not matter). */
export const STRANGER = tsigKey('stranger-key', 'hmac-sha256', Buffer.alloc(32, 3).toString('base64'));

export const rcodeOf = (m: Buffer): number => m.readUInt16BE(2) & 0xf;

/** A query for `name` (type A unless given) signed with `key`; EDNS unless `edns: false`. */
export function signedQuery(
  name: string,
  key: TsigKey,
  o: { id?: number; type?: number; edns?: boolean; now?: number } = {},
): { message: Buffer; mac: Buffer } {
  const q = query(name, {
    id: o.id ?? 0x2468,
    type: o.type ?? 1,
    ...(o.edns === false ? {} : { edns: {} }),
  });
  return sign(q, key, o.now === undefined ? {} : { now: o.now });
}

/** The message with one more additional record at its end. */
export function appendAdditional(msg: Buffer, rr: Buffer): Buffer {
  const out = Buffer.concat([msg, rr]);
  out.writeUInt16BE(msg.readUInt16BE(10) + 1, 10);
  return out;
}

/** Signed, then an OPT record after the TSIG: the TSIG is no longer last. */
export function tsigBeforeOpt(name: string, key: TsigKey): Buffer {
  return appendAdditional(signedQuery(name, key, { edns: false }).message, opt());
}

/** Signed without EDNS, with the TSIG record moved from the additional to the answer section. */
export function tsigInAnswer(name: string, key: TsigKey): Buffer {
  const m = Buffer.from(signedQuery(name, key, { edns: false }).message);
  m.writeUInt16BE(1, 6);
  m.writeUInt16BE(0, 10);
  return m;
}

/** Signed twice: two TSIG records, the first of them not last. */
export function twoTsigs(name: string, key: TsigKey): Buffer {
  return sign(signedQuery(name, key).message, key).message;
}

export function askUdp(port: number, msg: Buffer, host = '127.0.0.1'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4'); // a new socket each time: a new source port (another worker, perhaps)
    const t = setTimeout(() => {
      s.close();
      reject(new Error('no UDP answer within 3 s'));
    }, 3000);
    s.once('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(m);
    });
    s.send(msg, port, host);
  });
}

/** One message over TCP; resolves with the first response message. */
export function askTcp(port: number, msg: Buffer, host = '127.0.0.1'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host });
    let buf = Buffer.alloc(0);
    const t = setTimeout(() => {
      s.destroy();
      reject(new Error('no TCP answer within 3 s'));
    }, 3000);
    s.on('error', (err) => {
      clearTimeout(t);
      reject(err);
    });
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(t);
        s.destroy();
        resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      }
    });
    s.write(Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 0xff]), msg]));
  });
}

/** The rcode and TSIG error of a response (tsig: undefined when it carries no TSIG record). */
export function verdict(m: Buffer): { rcode: number; tsigError: number | undefined; macLength?: number } {
  const t = readTsig(m);
  return {
    rcode: rcodeOf(m),
    tsigError: t?.error,
    ...(t ? { macLength: t.mac.length } : {}),
  };
}
