// Assembles a response by splicing bytes: header (the query's id and flags), the client's question
// as sent, a cached answer body, and an OPT record built for this client (payload size, DO bit,
// client subnet echoed with its scope). This is the hot path; it allocates one buffer.
import { OPTION_ECS, type Query } from './query.ts';

export interface ResponseParts {
  rcode: number;
  aa: boolean;
  tc?: boolean;
  body?: Buffer;
  an?: number;
  ns?: number;
  /** ECS scope prefix to answer with; undefined: no ECS option in the response. */
  ecsScope?: number;
  /** Our advertised UDP payload size. */
  payload: number;
}

export function assemble(q: Query, parts: ResponseParts): Buffer {
  const question = q.question?.wire;
  const body = parts.tc ? undefined : parts.body;
  const ecs = q.edns?.ecs && parts.ecsScope !== undefined ? q.edns.ecs : undefined;
  const ecsLen = ecs ? 8 + ecs.address.length : 0;
  const optLen = q.edns ? 11 + ecsLen : 0;
  const size = 12 + (question?.length ?? 0) + (body?.length ?? 0) + optLen;
  const out = Buffer.allocUnsafe(size);
  out.writeUInt16BE(q.id, 0);
  let flags = 0x8000 | ((q.opcode & 0xf) << 11) | (parts.rcode & 0xf);
  if (parts.aa) flags |= 0x0400;
  if (parts.tc) flags |= 0x0200;
  if (q.rd) flags |= 0x0100;
  if (q.cd) flags |= 0x0010;
  out.writeUInt16BE(flags, 2);
  out.writeUInt16BE(question ? 1 : 0, 4);
  out.writeUInt16BE(body ? (parts.an ?? 0) : 0, 6);
  out.writeUInt16BE(body ? (parts.ns ?? 0) : 0, 8);
  out.writeUInt16BE(q.edns ? 1 : 0, 10);
  let pos = 12;
  if (question) pos += question.copy(out, pos);
  if (body) pos += body.copy(out, pos);
  if (q.edns) {
    out[pos] = 0; // root owner name
    out.writeUInt16BE(41, pos + 1);
    out.writeUInt16BE(parts.payload, pos + 3);
    out[pos + 5] = (parts.rcode >>> 4) & 0xff; // extended RCODE (BADVERS = 16 → 1)
    out[pos + 6] = 0; // we speak EDNS version 0
    out.writeUInt16BE(q.edns.dnssecOk ? 0x8000 : 0, pos + 7); // RFC 3225: DO copied
    out.writeUInt16BE(ecsLen, pos + 9);
    pos += 11;
    if (ecs) {
      out.writeUInt16BE(OPTION_ECS, pos);
      out.writeUInt16BE(4 + ecs.address.length, pos + 2);
      out.writeUInt16BE(ecs.family, pos + 4);
      out[pos + 6] = ecs.sourcePrefix;
      out[pos + 7] = parts.ecsScope!;
      ecs.address.copy(out, pos + 8);
      pos += ecsLen;
    }
  }
  return out;
}

/** The UDP size limit for this client: 512 without EDNS, else its payload size capped by ours. */
export function udpLimit(q: Query, ours: number): number {
  if (!q.edns) return 512;
  return Math.min(Math.max(512, q.edns.payload), ours);
}
