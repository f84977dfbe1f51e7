// TSIG (RFC 8945): signs DNS requests and verifies responses, single messages and multi-message
// streams (AXFR), with hmac-sha256 / hmac-sha512 from node:crypto. Self-contained on purpose (it needs
// only a message's bytes), so it can be shared with the builtin server's signed zone transfers.
// dns-packet knows the TSIG type number but has no TSIG encoder, decoder or MAC, hence this file.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TsigAlgorithm = 'hmac-sha256' | 'hmac-sha512';

export interface TsigKey {
  /** Key name as the servers know it (e.g. `geofailover-key`). */
  name: string;
  algorithm: TsigAlgorithm;
  secret: Buffer;
}

/** TSIG error field values (RFC 8945 §5.3.2 and the DNS rcode registry). */
export const TSIG_ERRORS: Record<number, string> = {
  0: 'NOERROR',
  16: 'BADSIG',
  17: 'BADKEY',
  18: 'BADTIME',
  22: 'BADTRUNC',
};

const TSIG_TYPE = 250;
const CLASS_ANY = 255;
const DEFAULT_FUDGE = 300;

export type TsigProblem = 'missing' | 'bad-mac' | 'bad-time' | 'wrong-key' | 'server-error' | 'malformed';

/** A response that cannot be trusted: unsigned, wrong MAC, out of time, or the server's TSIG error. */
export class TsigError extends Error {
  constructor(
    readonly problem: TsigProblem,
    message: string,
    /** The TSIG error the server put in its response (BADSIG, BADKEY, BADTIME), if any. */
    readonly serverError?: string,
  ) {
    super(message);
    this.name = 'TsigError';
  }
}

/** A domain name in canonical wire form (lower case, uncompressed), as the MAC covers it. */
export function canonicalName(name: string): Buffer {
  const labels = name
    .toLowerCase()
    .replace(/\.$/, '')
    .split('.')
    .filter((l) => l.length > 0);
  const parts: Buffer[] = [];
  for (const l of labels) {
    const b = Buffer.from(l, 'ascii');
    if (b.length > 63) throw new TsigError('malformed', `label "${l}" of ${name} is longer than 63 bytes`);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u48(n: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(n, 0, 6);
  return b;
}

function hmac(key: TsigKey, parts: readonly Buffer[]): Buffer {
  const h = createHmac(key.algorithm === 'hmac-sha512' ? 'sha512' : 'sha256', key.secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Skips a (possibly compressed) name; returns the offset after it. */
function skipName(buf: Buffer, off: number): number {
  for (let hops = 0; hops < 256; hops++) {
    if (off >= buf.length) throw new TsigError('malformed', 'message ends inside a name');
    const len = buf[off]!;
    if (len === 0) return off + 1;
    if ((len & 0xc0) === 0xc0) return off + 2;
    if ((len & 0xc0) !== 0) throw new TsigError('malformed', `bad label type 0x${len.toString(16)}`);
    off += len + 1;
  }
  throw new TsigError('malformed', 'name longer than 255 labels');
}

function readName(buf: Buffer, off: number): string {
  const labels: string[] = [];
  for (let hops = 0; hops < 128; hops++) {
    if (off >= buf.length) throw new TsigError('malformed', 'message ends inside a name');
    const len = buf[off]!;
    if (len === 0) return labels.join('.').toLowerCase();
    if ((len & 0xc0) === 0xc0) {
      off = ((len & 0x3f) << 8) | buf[off + 1]!;
      continue;
    }
    labels.push(buf.subarray(off + 1, off + 1 + len).toString('ascii'));
    off += len + 1;
  }
  throw new TsigError('malformed', 'name compression loop');
}

export interface TsigRecord {
  /** Offset of the TSIG RR in the message: the MAC covers the bytes before it. */
  offset: number;
  keyName: string;
  algorithm: string;
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  otherData: Buffer;
}

/** Finds the TSIG RR (it must be the last additional record); undefined when the message has none. */
export function findTsig(msg: Buffer): TsigRecord | undefined {
  if (msg.length < 12)
    throw new TsigError('malformed', `message of ${msg.length} bytes is shorter than a header`);
  const qd = msg.readUInt16BE(4);
  const rrs = msg.readUInt16BE(6) + msg.readUInt16BE(8) + msg.readUInt16BE(10);
  if (msg.readUInt16BE(10) === 0) return undefined;
  let off = 12;
  for (let i = 0; i < qd; i++) off = skipName(msg, off) + 4;
  let last = -1;
  for (let i = 0; i < rrs; i++) {
    last = off;
    off = skipName(msg, off);
    if (off + 10 > msg.length) throw new TsigError('malformed', 'message ends inside a record');
    off += 10 + msg.readUInt16BE(off + 8);
    if (off > msg.length) throw new TsigError('malformed', 'record data runs past the end of the message');
  }
  if (last < 0) return undefined;
  const afterName = skipName(msg, last);
  if (msg.readUInt16BE(afterName) !== TSIG_TYPE) return undefined;
  let p = afterName + 10;
  const end = p + msg.readUInt16BE(afterName + 8);
  const algorithm = readName(msg, p);
  p = skipName(msg, p);
  if (p + 10 > end) throw new TsigError('malformed', 'TSIG record is truncated');
  const timeSigned = msg.readUIntBE(p, 6);
  const fudge = msg.readUInt16BE(p + 6);
  const macLen = msg.readUInt16BE(p + 8);
  p += 10;
  if (p + macLen + 6 > end) throw new TsigError('malformed', 'TSIG MAC runs past the record');
  const mac = Buffer.from(msg.subarray(p, p + macLen));
  p += macLen;
  const originalId = msg.readUInt16BE(p);
  const error = msg.readUInt16BE(p + 2);
  const otherLen = msg.readUInt16BE(p + 4);
  const otherData = Buffer.from(msg.subarray(p + 6, p + 6 + otherLen));
  return {
    offset: last,
    keyName: readName(msg, last),
    algorithm,
    timeSigned,
    fudge,
    mac,
    originalId,
    error,
    otherData,
  };
}

/** The TSIG variables of RFC 8945 §4.3.3 (all of them, or the timers only for later stream messages). */
function variables(
  key: TsigKey,
  time: number,
  fudge: number,
  error: number,
  other: Buffer,
  timersOnly: boolean,
): Buffer[] {
  if (timersOnly) return [u48(time), u16(fudge)];
  return [
    canonicalName(key.name),
    u16(CLASS_ANY),
    Buffer.alloc(4),
    canonicalName(key.algorithm),
    u48(time),
    u16(fudge),
    u16(error),
    u16(other.length),
    other,
  ];
}

export interface SignOptions {
  /** Seconds since the epoch; the clock by default. */
  now?: number;
  fudge?: number;
}

/** Appends a TSIG RR to `msg` (ARCOUNT + 1). Returns the signed message and its MAC (the response's is checked against it). */
export function signRequest(
  msg: Buffer,
  key: TsigKey,
  opts: SignOptions = {},
): { wire: Buffer; mac: Buffer } {
  const time = opts.now ?? Math.floor(Date.now() / 1000);
  const fudge = opts.fudge ?? DEFAULT_FUDGE;
  const mac = hmac(key, [msg, ...variables(key, time, fudge, 0, Buffer.alloc(0), false)]);
  const rr = tsigRR(key, time, fudge, mac, msg.subarray(0, 2));
  const wire = Buffer.concat([msg, rr]);
  wire.writeUInt16BE(msg.readUInt16BE(10) + 1, 10);
  return { wire, mac };
}

function tsigRR(key: TsigKey, time: number, fudge: number, mac: Buffer, originalId: Buffer): Buffer {
  const rdata = Buffer.concat([
    canonicalName(key.algorithm),
    u48(time),
    u16(fudge),
    u16(mac.length),
    mac,
    originalId,
    u16(0),
    u16(0),
  ]);
  return Buffer.concat([
    canonicalName(key.name),
    u16(TSIG_TYPE),
    u16(CLASS_ANY),
    Buffer.alloc(4),
    u16(rdata.length),
    rdata,
  ]);
}

/**
 * Signs a response (a server's side; tests' fake servers use it): the first message of a stream with
 * the request's MAC as `priorMac`, each later one with the previous response's MAC and `later: true`.
 */
export function signResponse(
  msg: Buffer,
  key: TsigKey,
  priorMac: Buffer,
  opts: SignOptions & { later?: boolean } = {},
): { wire: Buffer; mac: Buffer } {
  const time = opts.now ?? Math.floor(Date.now() / 1000);
  const fudge = opts.fudge ?? DEFAULT_FUDGE;
  const mac = hmac(key, [
    u16(priorMac.length),
    priorMac,
    msg,
    ...variables(key, time, fudge, 0, Buffer.alloc(0), opts.later === true),
  ]);
  const wire = Buffer.concat([msg, tsigRR(key, time, fudge, mac, msg.subarray(0, 2))]);
  wire.writeUInt16BE(msg.readUInt16BE(10) + 1, 10);
  return { wire, mac };
}

/** The message as the MAC covers it: without its TSIG RR, ARCOUNT one less, the original id. */
function stripped(msg: Buffer, t: TsigRecord): Buffer {
  const out = Buffer.from(msg.subarray(0, t.offset));
  out.writeUInt16BE(out.readUInt16BE(10) - 1, 10);
  out.writeUInt16BE(t.originalId, 0);
  return out;
}

/** Messages of a stream a server may leave unsigned between two signed ones (RFC 8945 §5.3.1). */
const MAX_UNSIGNED = 99;

/**
 * Verifies the responses to one signed request, in order: one for an UPDATE, many for an AXFR.
 * Every call either returns (the message is authentic) or throws a TsigError; call finish() after
 * the last message (a stream must end on a signed message).
 */
export class TsigVerifier {
  private priorMac: Buffer;
  private pending: Buffer[] = [];
  private first = true;

  constructor(
    private readonly key: TsigKey,
    requestMac: Buffer,
    private readonly opts: SignOptions = {},
  ) {
    this.priorMac = requestMac;
  }

  verify(msg: Buffer): void {
    const t = findTsig(msg);
    if (!t) {
      if (this.first)
        throw new TsigError('missing', 'the response carries no TSIG signature, so it cannot be trusted');
      this.pending.push(msg);
      if (this.pending.length > MAX_UNSIGNED)
        throw new TsigError(
          'missing',
          `more than ${MAX_UNSIGNED} unsigned messages in a row in a signed stream`,
        );
      return;
    }
    if (t.keyName !== this.key.name.toLowerCase().replace(/\.$/, ''))
      throw new TsigError(
        'wrong-key',
        `the response is signed with key "${t.keyName}", not "${this.key.name}"`,
      );
    if (t.error !== 0) {
      const name = TSIG_ERRORS[t.error] ?? `error ${t.error}`;
      throw new TsigError('server-error', `the server rejected our TSIG signature (${name})`, name);
    }
    if (t.algorithm !== this.key.algorithm)
      throw new TsigError(
        'wrong-key',
        `the response is signed with ${t.algorithm}, not ${this.key.algorithm}`,
      );
    const body = Buffer.concat([...this.pending, stripped(msg, t)]);
    const expected = hmac(this.key, [
      u16(this.priorMac.length),
      this.priorMac,
      body,
      ...variables(this.key, t.timeSigned, t.fudge, t.error, t.otherData, !this.first),
    ]);
    // Truncated MACs (RFC 8945 §5.2.2.1) are allowed down to half the hash and 10 bytes.
    const minLen = Math.max(10, expected.length / 2);
    if (
      t.mac.length < minLen ||
      t.mac.length > expected.length ||
      !timingSafeEqual(t.mac, expected.subarray(0, t.mac.length))
    )
      throw new TsigError('bad-mac', 'the response MAC does not verify with our key (BADSIG)');
    const now = this.opts.now ?? Math.floor(Date.now() / 1000);
    if (Math.abs(now - t.timeSigned) > t.fudge)
      throw new TsigError(
        'bad-time',
        `the response was signed at ${t.timeSigned}, ${now - t.timeSigned} s from our clock (fudge ${t.fudge} s)`,
      );
    this.priorMac = t.mac;
    this.pending = [];
    this.first = false;
  }

  /** A stream must end on a signed message. */
  finish(): void {
    if (this.pending.length > 0)
      throw new TsigError('missing', `the last ${this.pending.length} message(s) of the stream are unsigned`);
  }
}
