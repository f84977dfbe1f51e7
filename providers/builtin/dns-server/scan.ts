// The fast query decoder: a strict, allocation-light reader for the shape nearly every query has
// (one uncompressed question, at most one OPT record). Anything else returns undefined and goes to
// dns2's full Packet.parse (decode-slow.ts), so this only has to be right, not complete.
import { readPlainName } from './names.ts';
import { type ClientSubnet, type Edns, OPTION_ECS, type Query, TYPE } from './query.ts';

export function scanQuery(buf: Buffer): Query | undefined {
  if (buf.length < 17) return undefined;
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) return undefined; // a response: the slow path decides (drops it)
  const opcode = (flags >>> 11) & 0xf;
  if (opcode !== 0) return undefined;
  if (buf.readUInt16BE(4) !== 1 || buf.readUInt16BE(6) !== 0 || buf.readUInt16BE(8) !== 0) return undefined;
  const arcount = buf.readUInt16BE(10);
  if (arcount > 1) return undefined;
  const name = readPlainName(buf, 12);
  if (!name || name.end + 4 > buf.length) return undefined;
  const qend = name.end + 4;
  const query: Query = {
    id: buf.readUInt16BE(0),
    opcode,
    rd: (flags & 0x0100) !== 0,
    cd: (flags & 0x0010) !== 0,
    question: {
      wire: buf.subarray(12, qend),
      name: name.name,
      labels: name.labels,
      type: buf.readUInt16BE(name.end),
      qclass: buf.readUInt16BE(name.end + 2),
    },
  };
  if (arcount === 0) return qend === buf.length ? query : undefined;
  // One additional record: only a well-formed OPT at the root is handled here.
  if (qend + 11 > buf.length || buf[qend] !== 0 || buf.readUInt16BE(qend + 1) !== TYPE.OPT) return undefined;
  const payload = buf.readUInt16BE(qend + 3);
  const ttl = buf.readUInt32BE(qend + 5);
  const rdlen = buf.readUInt16BE(qend + 9);
  const rdata = qend + 11;
  if (rdata + rdlen !== buf.length) return undefined;
  const edns: Edns = { payload, version: (ttl >>> 16) & 0xff, dnssecOk: (ttl & 0x8000) !== 0 };
  let pos = rdata;
  while (pos < buf.length) {
    if (pos + 4 > buf.length) return undefined;
    const code = buf.readUInt16BE(pos);
    const len = buf.readUInt16BE(pos + 2);
    const body = pos + 4;
    if (body + len > buf.length) return undefined;
    if (code === OPTION_ECS) {
      if (edns.ecs) {
        query.formerr = 'two client subnet options';
      } else {
        const ecs = readClientSubnet(buf, body, len);
        if (typeof ecs === 'string') query.formerr = ecs;
        else edns.ecs = ecs;
      }
    }
    pos = body + len;
  }
  query.edns = edns;
  return query;
}

/** RFC 7871 §6 and §7.1.1: a malformed option earns FORMERR. */
export function readClientSubnet(buf: Buffer, at: number, len: number): ClientSubnet | string {
  if (len < 4) return 'client subnet option shorter than 4 octets';
  const family = buf.readUInt16BE(at);
  const sourcePrefix = buf[at + 2]!;
  const scopePrefix = buf[at + 3]!;
  const max = family === 1 ? 32 : family === 2 ? 128 : 0;
  if (max === 0) return `client subnet family ${family} is not IPv4 or IPv6`;
  if (sourcePrefix > max) return 'client subnet source prefix too long';
  if (scopePrefix !== 0) return 'client subnet scope prefix must be 0 in a query';
  const octets = Math.ceil(sourcePrefix / 8);
  if (len - 4 !== octets) return 'client subnet address length does not match its prefix';
  // A view, not a copy: the query lives only while it is being answered.
  const address = buf.subarray(at + 4, at + 4 + octets);
  // Bits beyond the source prefix must be zero (RFC 7871 §6).
  if (sourcePrefix % 8 !== 0 && octets > 0) {
    const mask = 0xff >>> (sourcePrefix % 8);
    if ((address[octets - 1]! & mask) !== 0) return 'client subnet address has bits set beyond its prefix';
  }
  return { family, sourcePrefix, scopePrefix, address };
}
