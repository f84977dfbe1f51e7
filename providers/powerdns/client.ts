// The PowerDNS Authoritative HTTP API over fetch: GET a zone with its RRsets, PATCH RRsets. One
// request each, bounded by the configured timeout and the caller's signal; a zone document is checked
// against its schema before it is used. The key goes only into the X-API-Key header (never into a
// message, a log line or an error's context).
import { normaliseName } from '../../src/model/index.ts';
import { badDocument, httpError, networkError, type Where } from './errors.ts';
import { documentProblems, type ZoneDocument, zoneDocument } from './schemas.ts';

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
    let res: Response;
    let text: string;
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
      text = await res.text();
    } catch (err) {
      if (signal?.aborted) throw err;
      throw networkError(err, w, this.o.timeoutMs);
    }
    if (!res.ok) throw httpError(res.status, text, w);
    return text;
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
