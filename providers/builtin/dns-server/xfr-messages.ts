// Zone transfer responses as raw DNS messages (before TSIG): AXFR (RFC 5936: SOA first and last,
// split over as many messages as it takes) and IXFR (RFC 1995: one condensed diff from the client's
// serial, or the whole zone when the journal cannot answer, or one SOA when the client is current).
// Records are encoded once per zone version with dns-packet and spliced in, so a transfer costs
// copying, not encoding.
import dnsPacket, { type Answer } from 'dns-packet';

/** Largest transfer message we build, leaving room for the TSIG record and OPT (max 65,535). */
export const XFR_MESSAGE_LIMIT = 16_384;
const TSIG_ROOM = 400;

/** One resource record in wire form, no name compression (so it can go anywhere). */
export function encodeRR(answer: Answer): Buffer {
  return Buffer.from(dnsPacket.encode({ answers: [answer] }).subarray(12));
}

export interface ResponseHead {
  id: number;
  /** The question section exactly as the client sent it. */
  question: Buffer;
  /** Copy RD from the query (RFC 5936 §2.2.1). */
  rd: boolean;
  /** An OPT record to add (when the query had EDNS), appended after the answers. */
  opt?: Buffer;
}

const QR = 0x8000;
const AA = 0x0400;
const RD = 0x0100;

function header(head: ResponseHead, rcode: number, qd: number, an: number, ar: number): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(head.id, 0);
  h.writeUInt16BE(QR | (rcode === 0 ? AA : 0) | (head.rd ? RD : 0) | (rcode & 0xf), 2);
  h.writeUInt16BE(qd, 4);
  h.writeUInt16BE(an, 6);
  h.writeUInt16BE(0, 8);
  h.writeUInt16BE(ar, 10);
  return h;
}

/** A response with no records (REFUSED, NOTAUTH, FORMERR). */
export function errorResponse(head: ResponseHead, rcode: number): Buffer {
  const ar = head.opt ? 1 : 0;
  return Buffer.concat([header(head, rcode, 1, 0, ar), head.question, ...(head.opt ? [head.opt] : [])]);
}

/**
 * Pack `records` into messages of at most `limit` octets: the question in the first message only
 * (RFC 5936 §2.2.1 allows that), the OPT record in each.
 */
export function packMessages(
  head: ResponseHead,
  records: readonly Buffer[],
  limit = XFR_MESSAGE_LIMIT,
): Buffer[] {
  const out: Buffer[] = [];
  const room = limit - TSIG_ROOM - (head.opt?.length ?? 0);
  let batch: Buffer[] = [];
  let size = 12 + head.question.length;
  const flush = () => {
    const first = out.length === 0;
    const ar = head.opt ? 1 : 0;
    out.push(
      Buffer.concat([
        header(head, 0, first ? 1 : 0, batch.length, ar),
        ...(first ? [head.question] : []),
        ...batch,
        ...(head.opt ? [head.opt] : []),
      ]),
    );
    batch = [];
    size = 12;
  };
  for (const rr of records) {
    if (batch.length > 0 && size + rr.length > room) flush();
    batch.push(rr);
    size += rr.length;
  }
  if (batch.length > 0 || out.length === 0) flush();
  return out;
}

/** AXFR (and an IXFR answered with the whole zone): SOA, every record, SOA. */
export function fullTransfer(soa: Buffer, records: readonly Buffer[]): Buffer[] {
  return [soa, ...records, soa];
}

/**
 * IXFR with one condensed difference sequence (RFC 1995 §4): new SOA, old SOA, deletions, new SOA,
 * additions, new SOA.
 */
export function incrementalTransfer(
  newSoa: Buffer,
  oldSoa: Buffer,
  before: readonly Buffer[],
  after: readonly Buffer[],
): Buffer[] {
  const key = (b: Buffer) => b.toString('latin1');
  const was = new Set(before.map(key));
  const now = new Set(after.map(key));
  const removed = before.filter((b) => !now.has(key(b)));
  const added = after.filter((b) => !was.has(key(b)));
  return [newSoa, oldSoa, ...removed, newSoa, ...added, newSoa];
}

/** A minimal OPT record: our UDP payload size, version 0, no options. */
export function optRecord(payload: number): Buffer {
  const b = Buffer.alloc(11);
  b.writeUInt16BE(41, 1);
  b.writeUInt16BE(payload, 3);
  return b;
}
