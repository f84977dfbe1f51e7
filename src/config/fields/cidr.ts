// CIDR checking for the geoip table: an address that parses, a prefix within its family, and no host
// bits set (81.1.2.0/8 is refused with "did you mean 81.0.0.0/8?", since a resolver and our longest-
// prefix match would both read it as the /8 and the writer probably meant something else).
import { isIP } from 'node:net';

/** The address's bytes (4 or 16), or undefined when it is not an IP address. */
function bytesOf(ip: string): number[] | undefined {
  const family = isIP(ip);
  if (family === 4) return ip.split('.').map(Number);
  if (family !== 6) return undefined;
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const parse = (s: string | undefined) => (s ? s.split(':') : []);
  let groups = parse(head);
  let rest = parse(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
  const v4 = (gs: string[]) => {
    const last = gs.at(-1);
    if (last?.includes('.')) {
      const b = last.split('.').map(Number);
      gs.splice(-1, 1, ((b[0]! << 8) | b[1]!).toString(16), ((b[2]! << 8) | b[3]!).toString(16));
    }
  };
  if (tail === undefined) v4(groups);
  else v4(rest);
  if (tail !== undefined) {
    const fill = 8 - groups.length - rest.length;
    groups = [...groups, ...Array<string>(fill).fill('0'), ...rest];
    rest = [];
  }
  return groups.flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

function format(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // Compress the longest run of zero groups, as RFC 5952 writes it.
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best[1]! && j - i > 1) best = [i, j - i];
    i = j;
  }
  if (best[0]! < 0) return groups.join(':');
  return `${groups.slice(0, best[0]).join(':')}::${groups.slice(best[0]! + best[1]!).join(':')}`;
}

/** Why `text` is not a usable CIDR, or undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(text);
  if (!m) return `${text} is not a CIDR such as 81.0.0.0/8 or 2001:db8::/32`;
  const [, ip, lenText] = m;
  const bytes = bytesOf(ip!);
  if (!bytes) return `${ip} is not an IP address (an IPv4 octet is 0-255)`;
  const max = bytes.length * 8;
  const len = Number(lenText);
  if (len > max)
    return `prefix /${len} is longer than an IPv${bytes.length === 4 ? 4 : 6} address (at most /${max})`;
  const network = bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, len - i * 8));
    return b & (0xff << (8 - keep)) & 0xff;
  });
  if (network.some((b, i) => b !== bytes[i])) {
    return `${text} has host bits set; did you mean ${format(network)}/${len}?`;
  }
  return undefined;
}
