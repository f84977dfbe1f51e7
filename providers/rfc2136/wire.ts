// DNS wire pieces for RFC 2136 UPDATE and AXFR: building the request messages and decoding answers.
// dns-packet encodes and decodes record data (A, AAAA, CNAME, TXT, ...) and whole responses, but its
// encoder cannot write the UPDATE forms RFC 2136 needs: class NONE (254) is unknown to it and every
// record must carry data, while "RRset does not exist" and "delete an RRset" are RRs with RDLENGTH 0
// (§2.4.3, §2.5.2). So the message frame and RR headers are written here, the RDATA by dns-packet.
import * as dnsPacket from 'dns-packet';

export const CLASS = { IN: 1, NONE: 254, ANY: 255 } as const;
export const TYPE: Record<string, number> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  TXT: 16,
  AAAA: 28,
  AXFR: 252,
  ANY: 255,
};
export const RCODES: Record<number, string> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
};
const OPCODE_UPDATE = 5;

// dns-packet's per-type record codecs are public (`record(type)`) but not in its type definitions.
interface RdataCodec {
  encode(data: unknown): Buffer;
}
const codecs = dnsPacket as unknown as { record(type: string): RdataCodec };

/** One RR of an UPDATE: `data` undefined means RDLENGTH 0 (the class ANY / NONE forms). */
export interface WireRR {
  name: string;
  type: string;
  class: number;
  ttl: number;
  data?: unknown;
}

export function encodeName(name: string): Buffer {
  const labels = name
    .replace(/\.$/, '')
    .split('.')
    .filter((l) => l.length > 0);
  const parts: Buffer[] = [];
  for (const l of labels) {
    const b = Buffer.from(l, 'utf8');
    if (b.length > 63) throw new RangeError(`label "${l}" of ${name} is longer than 63 bytes`);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  if (out.length > 255) throw new RangeError(`name ${name} is longer than 255 bytes`);
  return out;
}

/** TXT data as character-strings of at most 255 bytes (dns-packet writes longer ones with a wrong length byte). */
export function txtData(value: string): Buffer[] {
  const b = Buffer.from(value, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += 255) out.push(b.subarray(i, i + 255));
  return out.length > 0 ? out : [Buffer.alloc(0)];
}

function typeCode(type: string): number {
  const t = TYPE[type];
  if (t === undefined) throw new RangeError(`record type ${type} is not written by this adapter`);
  return t;
}

export function encodeRR(rr: WireRR): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(typeCode(rr.type), 0);
  head.writeUInt16BE(rr.class, 2);
  head.writeUInt32BE(rr.ttl, 4);
  // The codec writes RDLENGTH followed by RDATA.
  const rdata = rr.data === undefined ? Buffer.alloc(2) : codecs.record(rr.type).encode(rr.data);
  return Buffer.concat([encodeName(rr.name), head, rdata]);
}

function header(id: number, flags: number, counts: [number, number, number, number]): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(flags, 2);
  for (const [i, c] of counts.entries()) h.writeUInt16BE(c, 4 + 2 * i);
  return h;
}

/** An UPDATE message (RFC 2136 §2): zone section (SOA IN), prerequisites, updates; unsigned. */
export function buildUpdate(
  id: number,
  zone: string,
  prereqs: readonly Buffer[],
  updates: readonly Buffer[],
): Buffer {
  const zoneSection = Buffer.concat([encodeName(zone), Buffer.from([0, TYPE.SOA!, 0, CLASS.IN])]);
  return Buffer.concat([
    header(id, OPCODE_UPDATE << 11, [1, prereqs.length, updates.length, 0]),
    zoneSection,
    ...prereqs,
    ...updates,
  ]);
}

/** An AXFR query for `zone` (RFC 5936), unsigned. */
export function buildAxfr(id: number, zone: string): Buffer {
  return Buffer.concat([
    header(id, 0, [1, 0, 0, 0]),
    encodeName(zone),
    Buffer.from([0, TYPE.AXFR!, 0, CLASS.IN]),
  ]);
}

/** Header fields of a response. */
export function responseHeader(msg: Buffer): { id: number; qr: boolean; opcode: number; rcode: number } {
  const flags = msg.readUInt16BE(2);
  return {
    id: msg.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    rcode: flags & 0xf,
  };
}

export function rcodeName(rcode: number): string {
  return RCODES[rcode] ?? `rcode ${rcode}`;
}

/** A decoded answer record (AXFR), as dns-packet gives it. */
export interface DecodedRR {
  name: string;
  type: string;
  class?: string;
  ttl?: number;
  data?: unknown;
}

export function decodeMessage(msg: Buffer): {
  questions: { name: string; type: string }[];
  answers: DecodedRR[];
} {
  const p = dnsPacket.decode(msg);
  return {
    questions: (p.questions ?? []).map((q) => ({ name: q.name, type: q.type })),
    answers: (p.answers ?? []) as DecodedRR[],
  };
}

/** A decoded record's data as our model's text value (TXT character-strings are joined). */
export function valueText(type: string, data: unknown): string | undefined {
  if (type === 'A' || type === 'AAAA' || type === 'CNAME' || type === 'NS') return String(data);
  if (type === 'TXT') {
    const parts = Array.isArray(data) ? data : [data];
    return parts.map((p) => (Buffer.isBuffer(p) ? p.toString('utf8') : String(p))).join('');
  }
  return undefined;
}
