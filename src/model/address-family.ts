// IP address families of endpoints: which address of an endpoint a record type publishes, and which
// family a record type or an address belongs to. A dual-stack endpoint (`addresses: {ipv4, ipv6}`)
// is probed and judged per family, so that a broken IPv6 path withdraws its AAAA answers only.
import { isIP } from 'node:net';

export type AddressFamily = 'ipv4' | 'ipv6';

export const ADDRESS_FAMILIES: readonly AddressFamily[] = ['ipv4', 'ipv6'];

/** The endpoint fields this file reads (the config's endpoint has them). */
export interface EndpointAddressing {
  /** One address: IPv4 (A), IPv6 (AAAA) or a host name (CNAME); checks run as written. */
  address?: string | undefined;
  /** Per family: each is probed on its own, with the check connecting to that address. */
  addresses?: { ipv4?: string | undefined; ipv6?: string | undefined } | undefined;
}

/** "IPv4" / "IPv6", as people write them. */
export function familyName(f: AddressFamily): string {
  return f === 'ipv4' ? 'IPv4' : 'IPv6';
}

/** The family of an IP address; undefined for a host name (or anything else). */
export function familyOfAddress(address: string): AddressFamily | undefined {
  const v = isIP(address.trim());
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
}

/** The family whose addresses a record type publishes: A → IPv4, AAAA → IPv6, others none. */
export function familyOfType(type: string): AddressFamily | undefined {
  return type === 'A' ? 'ipv4' : type === 'AAAA' ? 'ipv6' : undefined;
}

/** The record type that publishes a family's addresses. */
export function typeOfFamily(f: AddressFamily): 'A' | 'AAAA' {
  return f === 'ipv4' ? 'A' : 'AAAA';
}

/** Is the endpoint probed per family (written with `addresses`)? */
export function probedPerFamily(e: EndpointAddressing): boolean {
  return e.addresses !== undefined;
}

/** Every address the endpoint has, with its family (undefined: a host name), IPv4 first. */
export function endpointAddresses(e: EndpointAddressing): { family?: AddressFamily; address: string }[] {
  if (e.addresses) {
    return ADDRESS_FAMILIES.flatMap((family) => {
      const address = e.addresses![family];
      return address === undefined ? [] : [{ family, address }];
    });
  }
  if (e.address === undefined) return [];
  const family = familyOfAddress(e.address);
  return family === undefined ? [{ address: e.address }] : [{ family, address: e.address }];
}

/** The endpoint's address in a record of this type (A: IPv4, AAAA: IPv6, CNAME: a host name), if any. */
export function addressFor(e: EndpointAddressing, type: string): string | undefined {
  const want = familyOfType(type);
  if (want === undefined && type !== 'CNAME') return undefined;
  return endpointAddresses(e).find((a) => a.family === want)?.address;
}

/** The families an endpoint is judged on separately (none for a single `address`). */
export function probedFamilies(e: EndpointAddressing): AddressFamily[] {
  return probedPerFamily(e) ? endpointAddresses(e).map((a) => a.family!) : [];
}

/** All its addresses in one string, for people: "192.0.2.10, 2001:db8::10". */
export function addressText(e: EndpointAddressing): string {
  return endpointAddresses(e)
    .map((a) => a.address)
    .join(', ');
}
