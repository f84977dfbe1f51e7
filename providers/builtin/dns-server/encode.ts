// Encodes the answer and authority sections of one answer variant with dns2's encoder, laid out to
// follow the client's question at offset 12 (names compress against it), so the bytes can be cached
// and spliced after any query for the same name whatever its letter case or message id.
import { Packet } from 'dns2';
import { plainLabel } from './names.ts';
import type { RR, Variant } from './resolve.ts';

export interface EncodedVariant {
  rcode: number;
  an: number;
  ns: number;
  /** Answer + authority RRs, valid after a question of the same length at offset 12. */
  body: Buffer;
}

type Writer = InstanceType<typeof Packet.Writer> & { names?: Map<string, number> };

export function encodeVariant(questionWire: Buffer, labels: readonly string[], v: Variant): EncodedVariant {
  const writer = new Packet.Writer() as Writer;
  const names = new Map<string, number>();
  writer.names = names;
  for (let i = 0; i < 6; i++) writer.write(0, 16);
  for (const b of questionWire) writer.write(b, 8);
  // Let answers point at the question's name and its suffixes, as dns2 would after writing it.
  const offsets: number[] = [];
  let at = 12;
  for (const l of labels) {
    offsets.push(at);
    at += l.length + 1;
  }
  for (let i = labels.length - 1; i >= 0; i--) {
    if (!plainLabel(labels[i]!)) break;
    names.set(labels.slice(i).join('.'), offsets[i]!);
  }
  for (const rr of [...v.answer, ...v.authority]) Packet.Resource.encode(toResource(rr), writer);
  const full = writer.toBuffer();
  return {
    rcode: v.rcode,
    an: v.answer.length,
    ns: v.authority.length,
    body: Buffer.from(full.subarray(12 + questionWire.length)),
  };
}

type Resource = Parameters<typeof Packet.Resource.encode>[0];

function toResource(rr: RR): Resource {
  return { name: rr.name, type: rr.type, class: 1, ttl: rr.ttl, ...rr.rdata } as unknown as Resource;
}
