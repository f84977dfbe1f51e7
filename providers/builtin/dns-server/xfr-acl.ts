// allowTransfer: which clients may transfer a zone. An entry names an address or network, a TSIG
// key, or both (then both must match). Parsed once from config; matching is a pure function.
import { isIP } from 'node:net';
import { absoluteName } from '../../dnswire/index.ts';

export interface AclEntry {
  net?: { family: 4 | 6; bytes: Buffer; prefix: number };
  /** Canonical key name (lower case, trailing dot). */
  key?: string;
}

export function parseAcl(entries: readonly { address?: string; key?: string }[]): AclEntry[] {
  return entries.map((e) => ({
    ...(e.address === undefined ? {} : { net: parseNet(e.address) }),
    ...(e.key === undefined ? {} : { key: absoluteName(e.key) }),
  }));
}

function parseNet(text: string): { family: 4 | 6; bytes: Buffer; prefix: number } {
  const [ip, prefix] = text.split('/');
  const bytes = addressBytes(ip!);
  if (!bytes) throw new Error(`allowTransfer address ${text} is not an IP address or CIDR`);
  const family = bytes.length === 4 ? 4 : 6;
  return { family, bytes, prefix: prefix === undefined ? bytes.length * 8 : Number(prefix) };
}

/** Address octets; an IPv4-mapped IPv6 address (::ffff:a.b.c.d, as dual-stack sockets report) is IPv4. */
export function addressBytes(text: string): Buffer | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  const ip = mapped ? mapped[1]! : text.replace(/%.*$/, '');
  const family = isIP(ip);
  if (family === 4) return Buffer.from(ip.split('.').map(Number));
  if (family !== 6) return undefined;
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const parts = (s: string | undefined) => (s ? s.split(':') : []);
  let h = parts(head);
  let t = parts(tail);
  // A trailing dotted quad stands for the last two groups.
  const quad = (arr: string[]) => {
    const last = arr[arr.length - 1];
    if (last?.includes('.')) {
      const b = last.split('.').map(Number);
      arr.splice(arr.length - 1, 1, ((b[0]! << 8) | b[1]!).toString(16), ((b[2]! << 8) | b[3]!).toString(16));
    }
    return arr;
  };
  if (tail === undefined) h = quad(h);
  else t = quad(t);
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(Number.parseInt(g || '0', 16), i * 2);
  });
  return out;
}

function inNet(addr: Buffer, net: NonNullable<AclEntry['net']>): boolean {
  if (addr.length !== net.bytes.length) return false;
  const full = Math.floor(net.prefix / 8);
  for (let i = 0; i < full; i++) if (addr[i] !== net.bytes[i]) return false;
  const rest = net.prefix % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (addr[full]! & mask) === (net.bytes[full]! & mask);
}

/** May `peer`, having signed with verified key `key` (or unsigned), transfer? */
export function allowed(acl: readonly AclEntry[], peer: string, key: string | undefined): boolean {
  const addr = addressBytes(peer);
  return acl.some(
    (e) =>
      (e.key === undefined || e.key === key) &&
      (e.net === undefined || (addr !== undefined && inNet(addr, e.net))),
  );
}
