// The complete decoder, dns2's Packet.parse, for every query the fast scanner declined: compressed
// names, several questions or OPT records, extra records, partial packets. It decides FORMERR and
// NOTIMP and turns what is left into the same Query the fast path produces.
import { isIPv4 } from 'node:net';
import { Packet } from 'dns2';

type Message = InstanceType<typeof Packet>;
type Resource = Message['answers'][number];

import { labelsToName } from './names.ts';
import { type ClientSubnet, type Edns, OPTION_ECS, type Query, TYPE } from './query.ts';

/** What to do with a packet: answer `query`, or drop it (no usable header, or it is a response). */
export type SlowDecode = { query: Query } | { drop: string };

type OptResource = Resource & {
  version?: number;
  doFlag?: boolean;
  rdata?: {
    ednsCode?: number;
    family?: number;
    sourcePrefixLength?: number;
    scopePrefixLength?: number;
    ip?: string;
  }[];
};

export function decodeSlow(buf: Buffer): SlowDecode {
  if (buf.length < 12) return { drop: 'shorter than a DNS header' };
  let packet: Message;
  try {
    packet = Packet.parse(buf);
  } catch {
    return { drop: 'undecodable header' };
  }
  const h = packet.header;
  if (h.qr) return { drop: 'a response, not a query' };
  const query: Query = { id: h.id, opcode: h.opcode, rd: !!h.rd, cd: !!(h as { cd?: number }).cd };
  const q = packet.questions.length === 1 ? packet.questions[0] : undefined;
  if (q && typeof q.name === 'string' && packet.errors.every((e) => e.section !== 'questions')) {
    const original = q.name.split('.').filter((l) => l.length > 0);
    const labels = original.map((l) => l.toLowerCase());
    const parts: number[] = [];
    for (const l of original) {
      parts.push(l.length);
      for (let i = 0; i < l.length; i++) parts.push(l.charCodeAt(i) & 0xff);
    }
    parts.push(0, q.type >>> 8, q.type & 0xff, q.class >>> 8, q.class & 0xff);
    query.question = {
      wire: Buffer.from(parts),
      name: labelsToName(labels),
      labels,
      type: q.type,
      qclass: q.class,
    };
  }
  const opts = packet.additionals.filter((r) => r && r.type === TYPE.OPT) as OptResource[];
  if (opts.length === 1) query.edns = toEdns(opts[0]!, query);

  if (packet.errors.length > 0) query.formerr = packet.errors[0]!.message;
  else if (h.qdcount !== 1) query.formerr = `${h.qdcount} questions (exactly one is allowed)`;
  else if (opts.length > 1) query.formerr = 'more than one OPT record (RFC 6891 §6.1.1)';
  else if (opts.length === 1 && opts[0]!.name !== '') query.formerr = 'OPT record not at the root name';
  return { query };
}

function toEdns(opt: OptResource, query: Query): Edns {
  const edns: Edns = { payload: opt.class, version: opt.version ?? 0, dnssecOk: !!opt.doFlag };
  const subnets = (opt.rdata ?? []).filter((o) => o.ednsCode === OPTION_ECS);
  if (subnets.length > 1) query.formerr = 'two client subnet options';
  const s = subnets[0];
  if (s) {
    const ecs = toClientSubnet(s);
    if (typeof ecs === 'string') query.formerr = ecs;
    else edns.ecs = ecs;
  }
  return edns;
}

function toClientSubnet(s: NonNullable<OptResource['rdata']>[number]): ClientSubnet | string {
  const family = s.family ?? 0;
  const sourcePrefix = s.sourcePrefixLength ?? 0;
  const scopePrefix = s.scopePrefixLength ?? 0;
  const max = family === 1 ? 32 : family === 2 ? 128 : 0;
  if (max === 0) return `client subnet family ${family} is not IPv4 or IPv6`;
  if (sourcePrefix > max) return 'client subnet source prefix too long';
  if (scopePrefix !== 0) return 'client subnet scope prefix must be 0 in a query';
  const full = family === 1 ? ipv4Bytes(s.ip ?? '') : ipv6Bytes(s.ip ?? '');
  if (!full) return 'client subnet address unreadable';
  return { family, sourcePrefix, scopePrefix, address: full.subarray(0, Math.ceil(sourcePrefix / 8)) };
}

function ipv4Bytes(ip: string): Buffer | undefined {
  return isIPv4(ip) ? Buffer.from(ip.split('.').map(Number)) : undefined;
}

function ipv6Bytes(ip: string): Buffer | undefined {
  const segs = ip.split(':');
  if (segs.length !== 8) return undefined;
  const out = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) {
    const v = Number.parseInt(segs[i]!, 16);
    if (!Number.isFinite(v) || v < 0 || v > 0xffff) return undefined;
    out.writeUInt16BE(v, i * 2);
  }
  return out;
}
