// The PowerDNS Authoritative HTTP API over fetch: GET a zone with its RRsets, PATCH RRsets. One
// request each, its answer (headers and the whole body) bounded by the configured timeout and the
// caller's signal; an error body is read only up to MAX_ERROR_BODY bytes; a zone document is checked
// against its schema before it is used. The key goes only into the X-API-Key header (never into a
// message, a log line or an error's context).
import { groupDigits, normaliseName } from '../../src/model/index.ts';
import { badDocument, httpError, networkError, type Where } from './errors.ts';
import { documentProblems, type ZoneDocument, zoneDocument } from './schemas.ts';

/** Bytes of an error body read at most: enough for any PowerDNS error, little for a hostile one. */
export const MAX_ERROR_BODY = 64 * 1024;

/** A body as read: its text, and when it was cut at the bound, what the whole was. */
export interface ReadBody {
  text: string;
  /** Set when only part was read: "5,242,880 bytes" (from content-length) or "more than 65,536 bytes". */
  whole?: string;
}

/** Reads at most `limit` bytes of the body and drops the rest (closing the connection). */
export async function readBounded(res: Response, limit: number): Promise<ReadBody> {
  if (!res.body) return { text: '' };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode() };
    const take = value.subarray(0, Math.max(0, limit - read));
    read += value.length;
    text += decoder.decode(take, { stream: true });
    if (read > limit) {
      await reader.cancel().catch(() => undefined);
      const declared = Number(res.headers.get('content-length'));
      const whole =
        Number.isSafeInteger(declared) && declared > limit
          ? `${groupDigits(declared)} bytes`
          : `more than ${groupDigits(limit)} bytes`;
      return { text, whole };
    }
  }
}

/** An RRset as the API sends and takes it. */
export interface PdnsRRset {
  name: string;
  type: string;
  ttl?: number;
  records: { content: string; disabled?: boolean }[];
  changetype?: 'REPLACE' | 'DELETE';
  comments?: unknown[];
}

/** A zone as GET answers it (checked against its schema). */
export type PdnsZone = ZoneDocument;

export interface ClientOptions {
  provider: string;
  url: string;
  serverId: string;
  apiKey: string;
  keySource: string;
  timeoutMs: number;
}

export class PdnsClient {
  /** Requests sent, for tests and logs. */
  readonly stats = { get: 0, patch: 0 };

  constructor(private readonly o: ClientOptions) {}

  zoneUrl(zone: string): string {
    const base = this.o.url.replace(/\/+$/, '');
    return `${base}/api/v1/servers/${encodeURIComponent(this.o.serverId)}/zones/${encodeURIComponent(normaliseName(zone))}`;
  }

  where(zone: string, operation: string, writing = false): Where {
    return {
      provider: this.o.provider,
      zone: normaliseName(zone),
      url: this.o.url,
      serverId: this.o.serverId,
      keySource: this.o.keySource,
      operation,
      writing,
    };
  }

  /** The request's path (no host, no key), as errors name it. */
  private path(zone: string): string {
    return new URL(this.zoneUrl(zone)).pathname;
  }

  private async send(
    method: 'GET' | 'PATCH',
    zone: string,
    operation: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<string> {
    const writing = method === 'PATCH';
    const w = this.where(zone, operation, writing);
    const timeout = AbortSignal.timeout(this.o.timeoutMs);
    let res: Response | undefined;
    let answer: ReadBody;
    try {
      res = await fetch(this.zoneUrl(zone), {
        method,
        headers: {
          'X-API-Key': this.o.apiKey,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      // The signal bounds the body too: a body that trickles in ends at the same timeout.
      answer = res.ok ? { text: await res.text() } : await readBounded(res, MAX_ERROR_BODY);
    } catch (err) {
      if (signal?.aborted) throw err;
      throw networkError(err, w, this.o.timeoutMs, res?.status);
    }
    if (!res.ok) throw httpError(res.status, answer.text, w, answer.whole);
    return answer.text;
  }

  async getZone(zone: string, operation: string, signal?: AbortSignal): Promise<PdnsZone> {
    this.stats.get++;
    const text = await this.send('GET', zone, operation, undefined, signal);
    const request = `GET ${this.path(zone)}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw badDocument(this.where(zone, operation), request, [
        `the body is not JSON (${(err as Error).message}); it starts with ${JSON.stringify(text.slice(0, 120))}`,
      ]);
    }
    const checked = zoneDocument.safeParse(parsed);
    if (!checked.success)
      throw badDocument(this.where(zone, operation), request, documentProblems(parsed, checked.error));
    return checked.data;
  }

  async patch(zone: string, rrsets: readonly PdnsRRset[], signal?: AbortSignal): Promise<void> {
    this.stats.patch++;
    await this.send('PATCH', zone, `write of ${rrsets.length} RRset(s)`, { rrsets }, signal);
  }
}
