// Client location lookup for geo answers: the config's CIDR table first (longest prefix wins), then
// a MaxMind-format database when configured. Returns the location and the prefix length it holds
// for (the ECS scope we answer with).
import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';
import type { Reader, Response } from 'maxmind';
import { continentOf } from './continents.ts';

export interface Location {
  continent?: string;
  country?: string;
  subdivision?: string;
}

export interface Located {
  location: Location | undefined;
  /** Prefix length of the matching network (0 when nothing matched: the answer is the default everywhere). */
  prefix: number;
  /** A short stable key of the location: answers are cached per key. */
  key: string;
}

export interface GeoNetwork {
  cidr: string;
  continent?: string;
  country?: string;
  subdivision?: string;
}

export const UNKNOWN: Located = Object.freeze({ location: undefined, prefix: 0, key: '-' });

interface Table {
  /** Prefix lengths present, longest first. */
  lengths: number[];
  /** `${length}/${hex of the masked address}` → the answer for that network (IPv6). */
  nets: Map<string, Located>;
}

/** IPv4 networks by prefix length, keyed by the masked address as an integer: no strings per query. */
interface Table4 {
  lengths: number[];
  byLength: Map<number, Located>[];
}

export class GeoLocator {
  private readonly v4: Table4 = { lengths: [], byLength: [] };
  private readonly v6: Table = { lengths: [], nets: new Map() };
  /** The same networks as binary tries, for the ECS scope (see scope()). */
  private readonly trie4 = new ScopeTrie();
  private readonly trie6 = new ScopeTrie();
  private readonly mmdb: Reader<Response> | undefined;

  constructor(networks: readonly GeoNetwork[], mmdb?: Reader<Response>) {
    for (const n of networks) {
      const [ip, lenText] = n.cidr.split('/');
      const len = Number(lenText);
      const bytes = ipBytes(ip ?? '');
      if (!bytes) throw new Error(`geoip.networks: ${n.cidr} is not a CIDR`);
      if (!(len >= 0 && len <= bytes.length * 8)) {
        throw new Error(`geoip.networks: ${n.cidr} has a bad prefix length`);
      }
      const location: Location = {};
      const continent = n.continent ?? (n.country ? continentOf(n.country) : undefined);
      if (continent) location.continent = continent;
      if (n.country) location.country = n.country;
      if (n.subdivision) location.subdivision = n.subdivision;
      const located: Located = Object.freeze({ location, prefix: len, key: locationKey(location) });
      // The first entry for a network wins, as in a routing table built from config order.
      if (bytes.length === 4) {
        let map = this.v4.byLength[len];
        if (!map) {
          map = new Map();
          this.v4.byLength[len] = map;
        }
        const key = mask4(bytes.readUInt32BE(0), len);
        if (!map.has(key)) {
          map.set(key, located);
          this.trie4.add(bytes, len, located.key);
        }
        if (!this.v4.lengths.includes(len)) this.v4.lengths.push(len);
      } else {
        const key = maskedKey(bytes, len);
        if (!this.v6.nets.has(key)) {
          this.v6.nets.set(key, located);
          this.trie6.add(bytes, len, located.key);
        }
        if (!this.v6.lengths.includes(len)) this.v6.lengths.push(len);
      }
    }
    this.v4.lengths.sort((a, b) => b - a);
    this.v6.lengths.sort((a, b) => b - a);
    this.mmdb = mmdb;
  }

  /** Locate an address given as bytes (4 or 16; shorter means zero-padded, as in ECS). */
  locate(family: 1 | 2, address: Buffer): Located {
    if (family === 1) {
      // The ECS address may be shorter than 4 octets: read what is there, zero the rest.
      let ip = 0;
      for (let i = 0; i < 4; i++) ip = ip * 256 + (address[i] ?? 0);
      for (const len of this.v4.lengths) {
        const found = this.v4.byLength[len]!.get(mask4(ip, len));
        if (found) return found;
      }
      return this.mmdb ? this.fromMmdb(1, address) : UNKNOWN;
    }
    let bytes = address;
    if (bytes.length < 16) {
      bytes = Buffer.alloc(16);
      address.copy(bytes);
    }
    // IPv4-mapped IPv6 (::ffff:a.b.c.d) is an IPv4 client.
    if (isMapped(bytes)) return this.locate(1, bytes.subarray(12));
    for (const len of this.v6.lengths) {
      const found = this.v6.nets.get(maskedKey(bytes, len));
      if (found) return found;
    }
    return this.mmdb ? this.fromMmdb(2, bytes) : UNKNOWN;
  }

  /**
   * The ECS scope prefix for an answer given to `address` located as `found` (RFC 7871 §7.2.1): the
   * shortest prefix, at least the matched network's, whose network around the address holds no
   * table network with another location. A resolver may reuse the answer for the whole scope, so it
   * must never be wider than a nested network that gets a different answer.
   */
  scope(family: 1 | 2, address: Buffer, found: Located): number {
    if (family === 2) {
      let bytes = address;
      if (bytes.length < 16) {
        bytes = Buffer.alloc(16);
        address.copy(bytes);
      }
      if (isMapped(bytes)) return 96 + this.trie4.scope(bytes.subarray(12), 32, found);
      return this.trie6.scope(bytes, 128, found);
    }
    return this.trie4.scope(address, 32, found);
  }

  /** Locate a textual address (a UDP/TCP peer). */
  locateText(ip: string): Located {
    const bytes = ipBytes(ip);
    if (!bytes) return UNKNOWN;
    return this.locate(bytes.length === 4 ? 1 : 2, bytes);
  }

  private fromMmdb(family: 1 | 2, bytes: Buffer): Located {
    const text = family === 1 ? [0, 1, 2, 3].map((i) => bytes[i] ?? 0).join('.') : ipv6Text(bytes);
    let found: [Response | null, number];
    try {
      found = this.mmdb!.getWithPrefixLength(text);
    } catch {
      return UNKNOWN;
    }
    const [record, prefix] = found;
    if (!record) return { ...UNKNOWN, prefix: family === 1 ? Math.max(0, prefix - 96) : prefix };
    const location = fromRecord(record as Record<string, unknown>);
    if (!location) return UNKNOWN;
    // The reader reports IPv4 prefixes inside its IPv6 tree (::/96) for some databases.
    const len = family === 1 && prefix > 32 ? prefix - 96 : prefix;
    return { location, prefix: Math.max(0, len), key: locationKey(location) };
  }
}

const MIXED = '\u0000mixed';

interface TrieNode {
  zero?: TrieNode;
  one?: TrieNode;
  /** The location key of the table network that ends exactly here, if one does. */
  own?: string;
  /**
   * The one answer every address below this node gets, or MIXED. It counts what addresses are
   * answered, not which networks exist: a network wholly covered by longer ones of another answer
   * answers nobody, and must not narrow the scope.
   */
  only: string;
}

/** A binary trie of the table's networks, each node knowing whether its subtree answers one location. */
class ScopeTrie {
  private root: TrieNode | undefined;
  private settled = true;

  add(bytes: Buffer, len: number, key: string): void {
    this.root ??= { only: MIXED };
    let node = this.root;
    for (let d = 0; d < len; d++) {
      const side = bit(bytes, d) ? 'one' : 'zero';
      node[side] ??= { only: MIXED };
      node = node[side]!;
    }
    // The first of two equal networks wins, as in the lookup table.
    node.own ??= key;
    this.settled = false;
  }

  scope(address: Buffer, max: number, found: Located): number {
    if (!this.settled) {
      if (this.root) settle(this.root, UNKNOWN.key);
      this.settled = true;
    }
    const m = found.prefix;
    let node = this.root;
    for (let d = 0; d < max; d++) {
      // No table network at or below client/d: nothing inside answers differently.
      if (!node) return Math.max(d, m);
      if (d >= m && node.only === found.key) return d;
      node = bit(address, d) ? node.one : node.zero;
    }
    return max;
  }
}

/** Sets `only` on a subtree whose addresses outside any network below answer `inherited`. */
function settle(node: TrieNode, inherited: string): string {
  const here = node.own ?? inherited;
  const zero = node.zero ? settle(node.zero, here) : here;
  const one = node.one ? settle(node.one, here) : here;
  node.only = zero === one ? zero : MIXED;
  return node.only;
}

/** Bit `i` (from the most significant) of an address; octets past the end read as zero (ECS). */
function bit(bytes: Buffer, i: number): number {
  return ((bytes[i >>> 3] ?? 0) >>> (7 - (i & 7))) & 1;
}

/** Reads GeoLite2/GeoIP2 (country.iso_code, continent.code, subdivisions) and ip-location-db (country_code). */
function fromRecord(r: Record<string, unknown>): Location | undefined {
  const get = (o: unknown, k: string): unknown =>
    o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined;
  const country =
    (get(get(r, 'country'), 'iso_code') as string | undefined) ??
    (get(r, 'country_code') as string | undefined);
  const continent =
    (get(get(r, 'continent'), 'code') as string | undefined) ?? (country ? continentOf(country) : undefined);
  const subs = get(r, 'subdivisions');
  const subdivision = Array.isArray(subs) ? (get(subs[0], 'iso_code') as string | undefined) : undefined;
  if (!country && !continent) return undefined;
  const out: Location = {};
  if (continent) out.continent = continent;
  if (country) out.country = country.toUpperCase();
  if (subdivision) out.subdivision = subdivision.toUpperCase();
  return out;
}

export function locationKey(l: Location): string {
  return `${l.continent ?? ''}/${l.country ?? ''}/${l.subdivision ?? ''}`;
}

function mask4(ip: number, len: number): number {
  return len === 0 ? 0 : ip >>> (32 - len);
}

function maskedKey(bytes: Buffer, len: number): string {
  let out = `${len}/`;
  const full = len >>> 3;
  for (let i = 0; i < full; i++) out += HEX[bytes[i]!];
  const rest = len & 7;
  if (rest) out += HEX[bytes[full]! & (0xff << (8 - rest)) & 0xff];
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function isMapped(b: Buffer): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

export function ipBytes(ip: string): Buffer | undefined {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  if (!isIPv6(ip)) return undefined;
  let text = ip;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const o = v4[1]!.split('.').map(Number);
    text = `${text.slice(0, v4.index)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return undefined;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(Number.parseInt(g || '0', 16), i * 2);
  });
  return out;
}

function ipv6Text(b: Buffer): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(b.readUInt16BE(i).toString(16));
  return parts.join(':');
}

/** Path of the CC0 country database installed as a dependency (`geoip.mmdb: bundled`). */
export function bundledMmdbPath(): string {
  return createRequire(import.meta.url).resolve(
    '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb',
  );
}
