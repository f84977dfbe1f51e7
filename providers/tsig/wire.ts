// Minimal DNS message walking for TSIG: find where each resource record starts and ends without
// decoding it, so a MAC can be computed over exactly the bytes that were sent or received.

/** A message too short or with a name or record running past its end. */
export class WireError extends Error {}

export const HEADER = 12;

/** Offset just past the (possibly compressed) name at `off`. */
export function skipName(buf: Buffer, off: number): number {
  for (let hops = 0; hops < 128; hops++) {
    if (off >= buf.length) throw new WireError('name runs past the end of the message');
    const len = buf[off]!;
    if (len === 0) return off + 1;
    if ((len & 0xc0) === 0xc0) {
      if (off + 2 > buf.length) throw new WireError('compression pointer runs past the end');
      return off + 2;
    }
    if ((len & 0xc0) !== 0) throw new WireError(`unknown label type 0x${len.toString(16)}`);
    off += 1 + len;
  }
  throw new WireError('name has too many labels');
}

/** Offset just past the resource record at `off`. */
export function skipRecord(buf: Buffer, off: number): number {
  const rdata = skipName(buf, off) + 10;
  if (rdata > buf.length) throw new WireError('record header runs past the end of the message');
  const end = rdata + buf.readUInt16BE(rdata - 2);
  if (end > buf.length) throw new WireError('record data runs past the end of the message');
  return end;
}

export interface Layout {
  qd: number;
  an: number;
  ns: number;
  ar: number;
  /** Offset of the first additional record. */
  additional: number;
  /** Offset of the last additional record (undefined when ARCOUNT is 0). */
  lastRecord?: number;
}

/** Walk the sections; throws WireError on a truncated message. */
export function layout(buf: Buffer): Layout {
  if (buf.length < HEADER) throw new WireError('message shorter than a DNS header');
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  const ns = buf.readUInt16BE(8);
  const ar = buf.readUInt16BE(10);
  let off = HEADER;
  for (let i = 0; i < qd; i++) {
    off = skipName(buf, off) + 4;
    if (off > buf.length) throw new WireError('question runs past the end of the message');
  }
  for (let i = 0; i < an + ns; i++) off = skipRecord(buf, off);
  const additional = off;
  let lastRecord: number | undefined;
  for (let i = 0; i < ar; i++) {
    lastRecord = off;
    off = skipRecord(buf, off);
  }
  return { qd, an, ns, ar, additional, ...(lastRecord === undefined ? {} : { lastRecord }) };
}

/** A domain name in canonical wire form (RFC 4034 §6.2: lower case, uncompressed). */
export function canonicalName(name: string): Buffer {
  const labels = name
    .toLowerCase()
    .replace(/\.$/, '')
    .split('.')
    .filter((l) => l !== '');
  const parts: Buffer[] = [];
  for (const l of labels) {
    const b = Buffer.from(l, 'ascii');
    if (b.length > 63) throw new WireError(`label "${l}" is longer than 63 octets`);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** Read an uncompressed or compressed name as lower-case dotted text with a trailing dot. */
export function readName(buf: Buffer, off: number): string {
  const labels: string[] = [];
  for (let hops = 0; hops < 128; hops++) {
    if (off >= buf.length) throw new WireError('name runs past the end of the message');
    const len = buf[off]!;
    if (len === 0) return `${labels.join('.')}.`.toLowerCase();
    if ((len & 0xc0) === 0xc0) {
      if (off + 2 > buf.length) throw new WireError('compression pointer runs past the end');
      off = buf.readUInt16BE(off) & 0x3fff;
      continue;
    }
    if (off + 1 + len > buf.length) throw new WireError('label runs past the end of the message');
    labels.push(buf.toString('latin1', off + 1, off + 1 + len));
    off += 1 + len;
  }
  throw new WireError('name has too many labels or a compression loop');
}
