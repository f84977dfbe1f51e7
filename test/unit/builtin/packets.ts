// Hand-built DNS query packets for the builtin server's unit tests (byte-exact control over
// option order, counts and malformations that client libraries will not produce).

export interface QueryOptions {
  id?: number;
  type?: number;
  qclass?: number;
  rd?: boolean;
  /** EDNS: omit for no OPT record. */
  edns?: { payload?: number; version?: number; options?: Buffer[] };
}

export function nameWire(name: string): Buffer {
  const parts: number[] = [];
  for (const label of name.split('.').filter(Boolean)) {
    parts.push(label.length, ...Buffer.from(label, 'latin1'));
  }
  parts.push(0);
  return Buffer.from(parts);
}

export function option(code: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(code, 0);
  head.writeUInt16BE(body.length, 2);
  return Buffer.concat([head, body]);
}

/** ECS option body: family, source prefix, scope 0, the leftmost ceil(source/8) octets. */
export function ecsOption(ip: string, source: number): Buffer {
  const v4 = ip.includes('.');
  const bytes = v4 ? Buffer.from(ip.split('.').map(Number)) : ipv6(ip);
  const body = Buffer.alloc(4);
  body.writeUInt16BE(v4 ? 1 : 2, 0);
  body[2] = source;
  body[3] = 0;
  return option(8, Buffer.concat([body, bytes.subarray(0, Math.ceil(source / 8))]));
}

export function cookieOption(): Buffer {
  return option(10, Buffer.from('0123456789abcdef', 'hex'));
}

function ipv6(ip: string): Buffer {
  const [h, t] = ip.split('::');
  const head = h ? h.split(':') : [];
  const tail = t ? t.split(':') : [];
  const groups = ip.includes('::')
    ? [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail]
    : head;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  });
  return out;
}

export function opt(payload = 1232, version = 0, options: Buffer[] = []): Buffer {
  const rdata = Buffer.concat(options);
  const b = Buffer.alloc(11);
  b[0] = 0;
  b.writeUInt16BE(41, 1);
  b.writeUInt16BE(payload, 3);
  b.writeUInt32BE((version & 0xff) << 16, 5);
  b.writeUInt16BE(rdata.length, 9);
  return Buffer.concat([b, rdata]);
}

export function query(name: string, o: QueryOptions = {}): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(o.id ?? 0x1234, 0);
  header.writeUInt16BE(o.rd === false ? 0 : 0x0100, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(o.edns ? 1 : 0, 10);
  const q = Buffer.alloc(4);
  q.writeUInt16BE(o.type ?? 1, 0);
  q.writeUInt16BE(o.qclass ?? 1, 2);
  const parts = [header, nameWire(name), q];
  if (o.edns) parts.push(opt(o.edns.payload, o.edns.version, o.edns.options));
  return Buffer.concat(parts);
}

/** Header-only packet with arbitrary counts (e.g. 0xFFFF in every section). */
export function header(counts: [number, number, number, number], id = 0x4242, flags = 0): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(id, 0);
  b.writeUInt16BE(flags, 2);
  counts.forEach((c, i) => {
    b.writeUInt16BE(c, 4 + i * 2);
  });
  return b;
}
