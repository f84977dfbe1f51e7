// A small DNS wire codec for the conformance tests: builds queries with byte-level control (opcode,
// counts, OPT records, options, letter case) and reads responses into a comparable form. Written
// here, not taken from a library, because the malformed queries are the point.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

export interface QuerySpec {
  name: string;
  type: number;
  qclass?: number;
  id?: number;
  opcode?: number;
  rd?: boolean;
  cd?: boolean;
  qr?: boolean;
  /** Questions to write (default 1; 0 writes none, 2 writes the question twice). */
  qdcount?: number;
  /** EDNS OPT record(s): none when undefined. */
  edns?: { payload?: number; version?: number; do?: boolean; options?: Buffer[] };
  /** A second OPT record (FORMERR test). */
  secondOpt?: boolean;
}

export function nameToWire(name: string): Buffer {
  const parts: number[] = [];
  for (const label of name.split('.').filter(Boolean))
    parts.push(label.length, ...Buffer.from(label, 'latin1'));
  parts.push(0);
  return Buffer.from(parts);
}

export function ednsOption(code: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(code, 0);
  head.writeUInt16BE(body.length, 2);
  return Buffer.concat([head, body]);
}

/** ECS option: family, source prefix, scope 0, ceil(source/8) address octets (RFC 7871 §6). */
export function ecs(address: number[], source: number, family = address.length === 4 ? 1 : 2): Buffer {
  const body = Buffer.from([0, family, source, 0, ...address.slice(0, Math.ceil(source / 8))]);
  return ednsOption(8, body);
}

function optRecord(e: NonNullable<QuerySpec['edns']>): Buffer {
  const rdata = Buffer.concat(e.options ?? []);
  const b = Buffer.alloc(11);
  b.writeUInt16BE(41, 1);
  b.writeUInt16BE(e.payload ?? 1232, 3);
  b[6] = e.version ?? 0;
  b.writeUInt16BE(e.do ? 0x8000 : 0, 7);
  b.writeUInt16BE(rdata.length, 9);
  return Buffer.concat([b, rdata]);
}

export function buildQuery(q: QuerySpec): Buffer {
  const qd = q.qdcount ?? 1;
  const opts = q.edns ? (q.secondOpt ? 2 : 1) : 0;
  const h = Buffer.alloc(12);
  h.writeUInt16BE(q.id ?? 0x2b2b, 0);
  let flags = ((q.opcode ?? 0) & 0xf) << 11;
  if (q.qr) flags |= 0x8000;
  if (q.rd !== false) flags |= 0x0100;
  if (q.cd) flags |= 0x0010;
  h.writeUInt16BE(flags, 2);
  h.writeUInt16BE(qd, 4);
  h.writeUInt16BE(opts, 10);
  const question = Buffer.concat([
    nameToWire(q.name),
    Buffer.from([q.type >> 8, q.type & 0xff, 0, q.qclass ?? 1]),
  ]);
  const parts: Buffer[] = [h, ...Array.from({ length: qd }, () => question)];
  if (q.edns) parts.push(optRecord(q.edns));
  if (q.edns && q.secondOpt) parts.push(optRecord(q.edns));
  return Buffer.concat(parts);
}

// ---- reading responses --------------------------------------------------------------------------

export interface Parsed {
  id: number;
  opcode: number;
  /** Full rcode: header 4 bits plus the OPT's extended 8 bits. */
  rcode: number;
  flags: string[];
  /** The question names exactly as echoed (letter case kept). */
  questions: string[];
  answer: string[];
  authority: string[];
  additional: string[];
  opt?: { version: number; payload: number; do: boolean; options: string[] };
}

function readName(buf: Buffer, at: number): { name: string; end: number } {
  const labels: string[] = [];
  let pos = at;
  let end = -1;
  for (let hops = 0; hops < 128; hops++) {
    const len = buf[pos]!;
    if (len === 0) {
      if (end < 0) end = pos + 1;
      return { name: `${labels.join('.')}.`, end };
    }
    if ((len & 0xc0) === 0xc0) {
      if (end < 0) end = pos + 2;
      pos = buf.readUInt16BE(pos) & 0x3fff;
      continue;
    }
    labels.push(buf.toString('latin1', pos + 1, pos + 1 + len));
    pos += len + 1;
  }
  throw new Error('name loop');
}

function rdataText(buf: Buffer, type: number, at: number, len: number): string {
  switch (type) {
    case 1:
      return [...buf.subarray(at, at + 4)].join('.');
    case 28: {
      const g: string[] = [];
      for (let i = 0; i < 16; i += 2) g.push(buf.readUInt16BE(at + i).toString(16));
      return g.join(':');
    }
    case 2:
    case 5:
      return readName(buf, at).name.toLowerCase();
    case 6: {
      const m = readName(buf, at);
      const r = readName(buf, m.end);
      const n = [0, 4, 8, 12, 16].map((o) => buf.readUInt32BE(r.end + o));
      return `${m.name.toLowerCase()} ${r.name.toLowerCase()} ${n.join(' ')}`;
    }
    case 16: {
      const out: string[] = [];
      for (let p = at; p < at + len; p += buf[p]! + 1)
        out.push(JSON.stringify(buf.toString('utf8', p + 1, p + 1 + buf[p]!)));
      return out.join(' ');
    }
    default:
      return `\\# ${len} ${buf.toString('hex', at, at + len)}`;
  }
}

export function parseResponse(buf: Buffer): Parsed {
  const flagsWord = buf.readUInt16BE(2);
  const names: [number, string][] = [
    [0x8000, 'qr'],
    [0x0400, 'aa'],
    [0x0200, 'tc'],
    [0x0100, 'rd'],
    [0x0080, 'ra'],
    [0x0020, 'ad'],
    [0x0010, 'cd'],
  ];
  const out: Parsed = {
    id: buf.readUInt16BE(0),
    opcode: (flagsWord >> 11) & 0xf,
    rcode: flagsWord & 0xf,
    flags: names.filter(([bit]) => flagsWord & bit).map(([, n]) => n),
    questions: [],
    answer: [],
    authority: [],
    additional: [],
  };
  const counts = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o));
  let pos = 12;
  for (let i = 0; i < counts[0]!; i++) {
    const n = readName(buf, pos);
    out.questions.push(`${n.name} ${buf.readUInt16BE(n.end)} ${buf.readUInt16BE(n.end + 2)}`);
    pos = n.end + 4;
  }
  const sections = [out.answer, out.authority, out.additional];
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]!; i++) {
      const n = readName(buf, pos);
      const type = buf.readUInt16BE(n.end);
      const klass = buf.readUInt16BE(n.end + 2);
      const ttl = buf.readUInt32BE(n.end + 4);
      const len = buf.readUInt16BE(n.end + 8);
      const at = n.end + 10;
      if (type === 41) {
        const options: string[] = [];
        for (let p = at; p < at + len; p += 4 + buf.readUInt16BE(p + 2)) {
          const code = buf.readUInt16BE(p);
          const body = buf.subarray(p + 4, p + 4 + buf.readUInt16BE(p + 2));
          options.push(
            code === 8
              ? `ECS family=${body.readUInt16BE(0)} source=${body[2]} scope=${body[3]} address=${body.subarray(4).toString('hex')}`
              : `option ${code} ${body.toString('hex')}`,
          );
        }
        out.opt = { version: (ttl >>> 16) & 0xff, payload: klass, do: (ttl & 0x8000) !== 0, options };
        out.rcode |= (ttl >>> 24) << 4;
      } else {
        sections[s]!.push(`${n.name} ${ttl} ${klass} ${type} ${rdataText(buf, type, at, len)}`);
      }
      pos = at + len;
    }
  }
  for (const s of sections) s.sort();
  return out;
}

// ---- sending ---------------------------------------------------------------------------------------

export function udpExchange(
  host: string,
  port: number,
  q: Buffer,
  timeoutMs = 1500,
): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const t = setTimeout(() => {
      s.close();
      resolve(undefined);
    }, timeoutMs);
    s.on('error', (err) => {
      clearTimeout(t);
      s.close();
      reject(err);
    });
    s.once('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(m);
    });
    s.send(q, port, host);
  });
}

/** Several queries written at once on one TCP connection; the responses in the order they came. */
export function tcpExchange(
  host: string,
  port: number,
  queries: Buffer[],
  timeoutMs = 3000,
): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    const got: Buffer[] = [];
    let buf = Buffer.alloc(0);
    const t = setTimeout(() => {
      s.destroy();
      resolve(got);
    }, timeoutMs);
    s.on('error', (err) => {
      clearTimeout(t);
      reject(err);
    });
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        got.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (got.length === queries.length) {
        clearTimeout(t);
        s.destroy();
        resolve(got);
      }
    });
    s.on('connect', () => {
      s.write(
        Buffer.concat(queries.map((q) => Buffer.concat([Buffer.from([q.length >> 8, q.length & 0xff]), q]))),
      );
    });
  });
}
