// Whole UDP responses by the exact bytes of their query after the message id: a repeated query (the
// same name in the same case, flags, EDNS options and client subnet) is answered by copying the
// response and patching the id, without decoding it again. Only answers that depend on nothing but
// those bytes and the zone data are kept (answer-engine.ts decides); cleared on every zone change; bounded.

export interface CachedResponse {
  wire: Buffer;
  /** The counter the answer bumps besides `answered` (answer-engine.ts's DnsStats). */
  counts: 'nxdomain' | 'refused' | undefined;
}

/** Queries longer than this are not kept (real queries are 30-80 octets; this bounds the key size). */
export const MAX_QUERY = 300;

export class ResponseCache {
  private byQuery = new Map<string, CachedResponse>();

  constructor(private readonly maxEntries = 10_000) {}

  /** The key of a query: its octets after the id, or undefined when it is not kept. */
  keyOf(query: Buffer): string | undefined {
    return query.length <= MAX_QUERY ? query.toString('latin1', 2) : undefined;
  }

  get(key: string): CachedResponse | undefined {
    return this.byQuery.get(key);
  }

  set(key: string, wire: Buffer, counts: CachedResponse['counts']): void {
    if (this.byQuery.size >= this.maxEntries) this.byQuery = new Map();
    this.byQuery.set(key, { wire, counts });
  }

  clear(): void {
    this.byQuery = new Map();
  }

  /** A copy of the cached response with the query's id: the copy is what gets sent (send may queue it). */
  static answer(cached: CachedResponse, query: Buffer): Buffer {
    const out = Buffer.allocUnsafe(cached.wire.length);
    cached.wire.copy(out, 0);
    out[0] = query[0]!;
    out[1] = query[1]!;
    return out;
  }
}
