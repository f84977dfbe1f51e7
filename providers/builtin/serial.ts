// SOA serial arithmetic (RFC 1982, SERIAL_BITS = 32): serials wrap, and "newer" means less than
// 2^31 ahead. The store bumps the serial by one per write (skipping 0 on the wrap), which RFC 1982
// counts as an increase every time.

/** -1 when a is older than b, 0 when equal, 1 when newer; undefined when they are exactly 2^31 apart. */
export function serialCompare(a: number, b: number): -1 | 0 | 1 | undefined {
  const x = a >>> 0;
  const y = b >>> 0;
  if (x === y) return 0;
  const d = (x - y + 2 ** 32) % 2 ** 32;
  if (d === 2 ** 31) return undefined;
  return d < 2 ** 31 ? 1 : -1;
}
