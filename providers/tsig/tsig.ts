// TSIG (RFC 8945): sign and verify DNS messages with a shared HMAC key, over the exact bytes sent.
// dns-packet has no TSIG codec, so the record is built here and the MAC is computed with node:crypto
// over the encoded message: that works for messages from any encoder (dns-packet, dns2, hand-built).
import { absoluteName } from '../dnswire/index.ts';
import { canonicalName, HEADER, layout, readName, WireError } from './wire.ts';

// node:crypto is loaded on first use, not with this module: validate and plan import this file
// whether or not the config uses it, and loading Node's TLS and crypto adds ~15 ms to every command.
const crypto = () => process.getBuiltinModule('node:crypto');

export const TSIG_TYPE = 250;
const CLASS_ANY = 255;
/** DNS rcode of a response whose request failed TSIG checks (the detail is in the TSIG error). */
export const RCODE_NOTAUTH = 9;
export const TSIG_ERROR = { NOERROR: 0, BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;
export const DEFAULT_FUDGE = 300;

/** The algorithms we sign and verify with (config schemas offer exactly these). */
export const TSIG_ALGORITHMS = ['hmac-sha256', 'hmac-sha512'] as const;
export type TsigAlgorithm = (typeof TSIG_ALGORITHMS)[number];
const DIGEST: Record<TsigAlgorithm, { hash: string; size: number }> = {
  'hmac-sha256': { hash: 'sha256', size: 32 },
  'hmac-sha512': { hash: 'sha512', size: 64 },
};

export interface TsigKey {
  /** Key name as configured on both ends (a domain name, e.g. "xfr-key."). */
  name: string;
  algorithm: TsigAlgorithm;
  /** The decoded secret (configs hold it base64, as Knot and BIND do). */
  secret: Buffer;
}

/** A received TSIG record, plus the message as it was before it was signed. */
export interface TsigRecord {
  keyName: string;
  algorithm: string;
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  otherData: Buffer;
  /** The message without its TSIG record, ARCOUNT one less and the original ID: what was MACed. */
  unsigned: Buffer;
}

export function tsigErrorName(code: number): string {
  const hit = Object.entries(TSIG_ERROR).find(([, v]) => v === code);
  return hit ? hit[0] : `TSIG error ${code}`;
}

/**
 * Where a message's TSIG record is (RFC 8945 §5.2): none, the last additional record as it must be,
 * or 'misplaced' (in another position, or more than one), which a server answers FORMERR. Throws
 * WireError when a record runs past the end of the message.
 */
export function tsigPlacement(msg: Buffer): 'none' | 'last' | 'misplaced' {
  const l = layout(msg);
  const records = l.an + l.ns + l.ar;
  if (records === 0) return 'none';
  let off = HEADER;
  for (let i = 0; i < l.qd; i++) off = skipNameAt(msg, off) + 4;
  let seen = 0;
  let last = false;
  for (let i = 0; i < records; i++) {
    const type = skipNameAt(msg, off);
    if (msg.readUInt16BE(type) === TSIG_TYPE) {
      seen++;
      last = i === records - 1 && i >= l.an + l.ns;
    }
    off = type + 10 + msg.readUInt16BE(type + 8);
  }
  if (seen === 0) return 'none';
  return seen === 1 && last ? 'last' : 'misplaced';
}

/** The TSIG record of a message (its last additional record), or undefined if it has none. */
export function readTsig(msg: Buffer): TsigRecord | undefined {
  const l = layout(msg);
  if (l.lastRecord === undefined) return undefined;
  const at = l.lastRecord;
  let off = skipNameAt(msg, at);
  if (msg.readUInt16BE(off) !== TSIG_TYPE) return undefined;
  const keyName = readName(msg, at);
  const rdlen = msg.readUInt16BE(off + 8);
  const rdata = off + 10;
  const end = rdata + rdlen;
  off = rdata;
  const algorithm = readName(msg, off);
  off = skipNameAt(msg, off);
  need(msg, off + 10, end);
  const timeSigned = msg.readUInt16BE(off) * 2 ** 32 + msg.readUInt32BE(off + 2);
  const fudge = msg.readUInt16BE(off + 6);
  const macSize = msg.readUInt16BE(off + 8);
  off += 10;
  need(msg, off + macSize + 6, end);
  const mac = Buffer.from(msg.subarray(off, off + macSize));
  off += macSize;
  const originalId = msg.readUInt16BE(off);
  const error = msg.readUInt16BE(off + 2);
  const otherLen = msg.readUInt16BE(off + 4);
  off += 6;
  need(msg, off + otherLen, end);
  const otherData = Buffer.from(msg.subarray(off, off + otherLen));
  const unsigned = Buffer.from(msg.subarray(0, at));
  unsigned.writeUInt16BE(originalId, 0);
  unsigned.writeUInt16BE(l.ar - 1, 10);
  return { keyName, algorithm, timeSigned, fudge, mac, originalId, error, otherData, unsigned };
}

function skipNameAt(msg: Buffer, off: number): number {
  for (;;) {
    const len = msg[off];
    if (len === undefined) throw new WireError('name runs past the end of the message');
    if (len === 0) return off + 1;
    if ((len & 0xc0) === 0xc0) return off + 2;
    off += 1 + len;
  }
}

function need(msg: Buffer, upTo: number, end: number): void {
  if (upTo > end || upTo > msg.length) throw new WireError('TSIG record is shorter than its fields');
}

function time48(seconds: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUInt16BE(Math.floor(seconds / 2 ** 32) & 0xffff, 0);
  b.writeUInt32BE((seconds % 2 ** 32) >>> 0, 2);
  return b;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n, 0);
  return b;
}

interface Variables {
  keyName: string;
  algorithm: string;
  timeSigned: number;
  fudge: number;
  error: number;
  otherData: Buffer;
}

/** RFC 8945 §4.3.3: the TSIG variables that follow the message in the MAC input. */
function variables(v: Variables): Buffer {
  return Buffer.concat([
    canonicalName(v.keyName),
    u16(CLASS_ANY),
    Buffer.alloc(4), // TTL 0
    canonicalName(v.algorithm),
    time48(v.timeSigned),
    u16(v.fudge),
    u16(v.error),
    u16(v.otherData.length),
    v.otherData,
  ]);
}

function hmac(key: TsigKey, parts: readonly Buffer[]): Buffer {
  const h = crypto().createHmac(DIGEST[key.algorithm].hash, key.secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

function withPrior(mac: Buffer | undefined): Buffer[] {
  return mac === undefined ? [] : [u16(mac.length), mac];
}

/** Append a TSIG record with `mac` to `msg` (bumping ARCOUNT). */
function append(msg: Buffer, v: Variables, mac: Buffer, originalId: number): Buffer {
  const algorithm = canonicalName(v.algorithm);
  const rdata = Buffer.concat([
    algorithm,
    time48(v.timeSigned),
    u16(v.fudge),
    u16(mac.length),
    mac,
    u16(originalId),
    u16(v.error),
    u16(v.otherData.length),
    v.otherData,
  ]);
  const rr = Buffer.concat([
    canonicalName(v.keyName),
    u16(TSIG_TYPE),
    u16(CLASS_ANY),
    Buffer.alloc(4),
    u16(rdata.length),
    rdata,
  ]);
  const out = Buffer.concat([msg, rr]);
  out.writeUInt16BE(msg.readUInt16BE(10) + 1, 10);
  return out;
}

export interface SignOptions {
  /** Seconds since the epoch (default: now). */
  now?: number;
  fudge?: number;
  /** For a response: the request's MAC (RFC 8945 §4.3.1). */
  requestMac?: Buffer;
  /** TSIG error to report (BADTIME responses are signed; BADKEY/BADSIG ones use unsignedError). */
  error?: number;
  otherData?: Buffer;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Sign a request, or the first (or only) message of a response. Returns the signed bytes and MAC. */
export function sign(msg: Buffer, key: TsigKey, options: SignOptions = {}): { message: Buffer; mac: Buffer } {
  if (msg.length < HEADER) throw new WireError('message shorter than a DNS header');
  const v: Variables = {
    keyName: key.name,
    algorithm: key.algorithm,
    timeSigned: options.now ?? nowSeconds(),
    fudge: options.fudge ?? DEFAULT_FUDGE,
    error: options.error ?? TSIG_ERROR.NOERROR,
    otherData: options.otherData ?? Buffer.alloc(0),
  };
  const mac = hmac(key, [...withPrior(options.requestMac), msg, variables(v)]);
  return { message: append(msg, v, mac, msg.readUInt16BE(0)), mac };
}

/**
 * Sign a later message of a multi-message response (RFC 8945 §5.3.1): the MAC covers the prior MAC,
 * every message since the last signed one, and the timers only.
 */
export function signNext(
  msgs: readonly Buffer[],
  key: TsigKey,
  priorMac: Buffer,
  options: { now?: number; fudge?: number } = {},
): { message: Buffer; mac: Buffer } {
  const last = msgs[msgs.length - 1];
  if (!last) throw new Error('signNext needs at least one message');
  const v: Variables = {
    keyName: key.name,
    algorithm: key.algorithm,
    timeSigned: options.now ?? nowSeconds(),
    fudge: options.fudge ?? DEFAULT_FUDGE,
    error: 0,
    otherData: Buffer.alloc(0),
  };
  const mac = hmac(key, [...withPrior(priorMac), ...msgs, time48(v.timeSigned), u16(v.fudge)]);
  return { message: append(last, v, mac, last.readUInt16BE(0)), mac };
}

/** A response to a request that failed BADKEY/BADSIG: a TSIG record with no MAC (RFC 8945 §5.3.2). */
export function unsignedError(
  msg: Buffer,
  request: Pick<TsigRecord, 'keyName' | 'algorithm'>,
  error: number,
  now = nowSeconds(),
): Buffer {
  const v: Variables = {
    keyName: request.keyName,
    algorithm: request.algorithm,
    timeSigned: now,
    fudge: DEFAULT_FUDGE,
    error,
    otherData: Buffer.alloc(0),
  };
  return append(msg, v, Buffer.alloc(0), msg.readUInt16BE(0));
}

export type VerifyFailure = { ok: false; error: number; reason: string; tsig: TsigRecord; key?: TsigKey };
export type VerifyOutcome = { ok: true; key: TsigKey; tsig: TsigRecord } | VerifyFailure;

/**
 * A server's answer to a request that failed verification, from `base` (the NOTAUTH response without
 * TSIG): BADTIME is signed, with our clock in Other Data so the client can see the skew (§5.2.3);
 * BADKEY and BADSIG carry a TSIG record without a MAC (§5.3.2).
 */
export function rejectionAnswer(base: Buffer, failure: VerifyFailure, now = nowSeconds()): Buffer {
  if (failure.error === TSIG_ERROR.BADTIME && failure.key) {
    const other = Buffer.alloc(6);
    other.writeUInt16BE(Math.floor(now / 2 ** 32), 0);
    other.writeUInt32BE(now % 2 ** 32, 2);
    return sign(base, failure.key, {
      requestMac: failure.tsig.mac,
      error: failure.error,
      otherData: other,
      now: failure.tsig.timeSigned,
    }).message;
  }
  return unsignedError(base, failure.tsig, failure.error, now);
}

function algorithmOf(name: string): TsigAlgorithm | undefined {
  const n = name.replace(/\.$/, '');
  return (TSIG_ALGORITHMS as readonly string[]).includes(n) ? (n as TsigAlgorithm) : undefined;
}

function checkMac(key: TsigKey, tsig: TsigRecord, parts: readonly Buffer[]): string | undefined {
  const full = hmac(key, parts);
  const size = tsig.mac.length;
  // RFC 8945 §5.2.2.1: a truncated MAC is accepted down to half the digest and never below 10 octets.
  if (size > full.length || size < Math.max(10, full.length / 2))
    return `MAC of ${size} octets (expected ${full.length})`;
  return crypto().timingSafeEqual(full.subarray(0, size), tsig.mac) ? undefined : 'MAC does not match';
}

function checkTime(tsig: TsigRecord, now: number): string | undefined {
  return Math.abs(now - tsig.timeSigned) > tsig.fudge
    ? `signed at ${tsig.timeSigned}, ${now - tsig.timeSigned} s from our clock (fudge ${tsig.fudge} s)`
    : undefined;
}

/**
 * Verify a signed message: a request (no requestMac) or the first response to our signed request.
 * Returns undefined when the message carries no TSIG. Throws WireError on a malformed record.
 */
export function verify(
  msg: Buffer,
  findKey: (name: string) => TsigKey | undefined,
  options: { requestMac?: Buffer; now?: number } = {},
): VerifyOutcome | undefined {
  const tsig = readTsig(msg);
  if (!tsig) return undefined;
  const key = findKey(tsig.keyName);
  if (!key || algorithmOf(tsig.algorithm) !== key.algorithm) {
    const reason = key
      ? `key ${tsig.keyName} is ${key.algorithm}, the message used ${tsig.algorithm}`
      : `unknown key ${tsig.keyName}`;
    return { ok: false, error: TSIG_ERROR.BADKEY, reason, tsig };
  }
  // A response carrying a TSIG error (BADKEY/BADSIG) has no MAC: report the peer's verdict.
  if (tsig.error !== 0 && tsig.mac.length === 0)
    return { ok: false, error: tsig.error, reason: `peer said ${tsigErrorName(tsig.error)}`, tsig, key };
  const bad = checkMac(key, tsig, [
    ...withPrior(options.requestMac),
    tsig.unsigned,
    variables({ ...tsig, algorithm: tsig.algorithm }),
  ]);
  if (bad) return { ok: false, error: TSIG_ERROR.BADSIG, reason: bad, tsig, key };
  const late = checkTime(tsig, options.now ?? nowSeconds());
  if (late) return { ok: false, error: TSIG_ERROR.BADTIME, reason: late, tsig, key };
  if (tsig.error !== 0)
    return { ok: false, error: tsig.error, reason: `peer said ${tsigErrorName(tsig.error)}`, tsig, key };
  return { ok: true, key, tsig };
}

/**
 * Why a message of a signed response was not trusted. `problem` sorts it for callers that word or
 * map it themselves (the RFC 2136 client's typed errors); `reason` is a ready sentence.
 */
export interface StreamFailure {
  problem: 'unsigned' | 'wrong-key' | 'peer-error' | 'bad-mac' | 'bad-time' | 'malformed';
  reason: string;
  /** The received TSIG record (absent for 'unsigned' and 'malformed'). */
  tsig?: TsigRecord;
  /** 'peer-error': the TSIG error code the peer put in its response (BADSIG, BADKEY, BADTIME, ...). */
  peerError?: number;
  /** 'bad-time': our clock, in seconds, when the message was checked. */
  now?: number;
  /** 'unsigned': how many unsigned messages are waiting for a signed one. */
  unsignedRun?: number;
}

/** Messages of a stream a peer may leave unsigned between two signed ones (RFC 8945 §5.3.1). */
export const MAX_UNSIGNED_RUN = 99;

/**
 * Verifies the messages of a multi-message response (an AXFR/IXFR answer) in order: the first with
 * the request MAC, later ones chained on the prior MAC; up to 99 unsigned messages may sit between
 * signed ones (RFC 8945 §5.3.1), and the last message must be signed (call finish()). A single
 * response (an UPDATE's, a NOTIFY's) is a stream of one.
 */
export class TsigStreamVerifier {
  private prior: Buffer;
  private first = true;
  private pending: Buffer[] = [];

  constructor(
    private readonly key: TsigKey,
    requestMac: Buffer,
    private readonly now: () => number = nowSeconds,
  ) {
    this.prior = requestMac;
  }

  /** Check one message; returns a reason when it fails. */
  next(msg: Buffer): string | undefined {
    return this.check(msg)?.reason;
  }

  /** After the last message: it must have been signed. */
  finish(): string | undefined {
    return this.checkEnd()?.reason;
  }

  /** Check one message; returns what is wrong with it, or undefined when it is trusted. */
  check(msg: Buffer): StreamFailure | undefined {
    const outcome = verifyStep(msg, this.key, this.first, this.prior, this.pending, this.now());
    if (outcome === 'unsigned') {
      if (this.first)
        return {
          problem: 'unsigned',
          reason: 'the first message of the response is not signed',
          unsignedRun: 1,
        };
      this.pending.push(msg);
      return this.pending.length > MAX_UNSIGNED_RUN
        ? {
            problem: 'unsigned',
            reason: `more than ${MAX_UNSIGNED_RUN} unsigned messages in a row`,
            unsignedRun: this.pending.length,
          }
        : undefined;
    }
    if (!Buffer.isBuffer(outcome)) return outcome;
    this.prior = outcome;
    this.first = false;
    this.pending = [];
    return undefined;
  }

  /** After the last message: what is wrong when it was not signed. */
  checkEnd(): StreamFailure | undefined {
    return this.pending.length > 0
      ? {
          problem: 'unsigned',
          reason: 'the last message of the response is not signed',
          unsignedRun: this.pending.length,
        }
      : undefined;
  }
}

function verifyStep(
  msg: Buffer,
  key: TsigKey,
  first: boolean,
  prior: Buffer,
  pending: readonly Buffer[],
  now: number,
): Buffer | StreamFailure | 'unsigned' {
  let tsig: TsigRecord | undefined;
  try {
    tsig = readTsig(msg);
  } catch (err) {
    return { problem: 'malformed', reason: `malformed TSIG record: ${(err as Error).message}` };
  }
  if (!tsig) return 'unsigned';
  const wrongKey = (): StreamFailure => ({
    problem: 'wrong-key',
    reason: `signed with key ${tsig.keyName} (${tsig.algorithm}), expected ${key.name} (${key.algorithm})`,
    tsig,
  });
  if (tsig.keyName !== absoluteName(key.name)) return wrongKey();
  // The peer's own TSIG error is reported before the algorithm check (the RFC 2136 client maps
  // BADKEY/BADTIME to its own remedies); a BADKEY/BADSIG answer has no MAC to check anyway.
  if (tsig.error !== 0)
    return {
      problem: 'peer-error',
      reason: `peer said ${tsigErrorName(tsig.error)}`,
      tsig,
      peerError: tsig.error,
    };
  if (algorithmOf(tsig.algorithm) !== key.algorithm) return wrongKey();
  const parts = first
    ? [...withPrior(prior), tsig.unsigned, variables(tsig)]
    : [...withPrior(prior), ...pending, tsig.unsigned, time48(tsig.timeSigned), u16(tsig.fudge)];
  const bad = checkMac(key, tsig, parts);
  if (bad) return { problem: 'bad-mac', reason: bad, tsig };
  const late = checkTime(tsig, now);
  if (late) return { problem: 'bad-time', reason: late, tsig, now };
  return tsig.mac;
}

/** Octets the TSIG record of a message signed with `key` adds (no Other Data). */
export function tsigRecordSize(key: TsigKey): number {
  return (
    canonicalName(key.name).length +
    10 +
    canonicalName(key.algorithm).length +
    16 +
    DIGEST[key.algorithm].size
  );
}

/** A key from its configured parts; the secret is base64 text (as in Knot and BIND configs). */
export function tsigKey(name: string, algorithm: TsigAlgorithm, secretBase64: string): TsigKey {
  const text = secretBase64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0)
    throw new Error(`TSIG key ${name}: the secret is not base64 text`);
  return { name: absoluteName(name), algorithm, secret: Buffer.from(text, 'base64') };
}
