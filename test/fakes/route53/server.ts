// A strict in-process Route 53 REST/XML API on 127.0.0.1 for what moto gets wrong: compare-and-swap
// DELETEs, atomic batches, request limits, pagination with identifiers, PENDING changes, throttling.
// The real SDK talks to it through `endpoint`; every request is logged for spies and benchmarks.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, applyBatch, parseChangeRequest } from './rules.ts';
import { document, parseXml, type XmlValue } from './xml.ts';
import { type FakeRRSet, FakeZone, plainName, sortKey, wireName } from './zone.ts';

export type FakeOp =
  | 'GetHostedZone'
  | 'ListResourceRecordSets'
  | 'ChangeResourceRecordSets'
  | 'GetChange'
  | 'Unknown';

export interface LoggedRequest {
  at: number;
  method: string;
  path: string;
  op: FakeOp;
  status: number;
  code?: string;
  /** ChangeResourceRecordSets: the names the batch changes (as sent). */
  names?: string[];
}

export interface FakeOptions {
  /** GetChange answers PENDING this many times per change before INSYNC. */
  pendingPolls?: number;
  /** The real API sends InvalidChangeBatch as <InvalidChangeBatch><Messages>; moto as <ErrorResponse>. */
  invalidChangeBatchShape?: 'messages' | 'error-response';
  /** Server-side rate limit (token bucket); over it, HTTP 400 Throttling. */
  rateLimit?: { rate: number; burst: number };
}

interface Fault {
  op: FakeOp | 'any';
  code: string;
  status: number;
  remaining: number;
}

export class FakeRoute53 {
  readonly log: LoggedRequest[] = [];
  readonly zones = new Map<string, FakeZone>();
  private readonly changes = new Map<string, { polls: number; submittedAt: string; comment?: string }>();
  private faults: Fault[] = [];
  private server: Server | undefined;
  private tokens = 0;
  private lastRefill = performance.now();
  url = '';

  constructor(readonly opts: FakeOptions = {}) {
    this.tokens = opts.rateLimit?.burst ?? 0;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  createZone(name: string, id = `Z${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`): FakeZone {
    const z = new FakeZone(id, plainName(name));
    z.put({ name: z.name, type: 'NS', ttl: 172800, values: ['ns-1.awsdns-01.org.', 'ns-2.awsdns-02.com.'] });
    z.put({
      name: z.name,
      type: 'SOA',
      ttl: 900,
      values: ['ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400'],
    });
    this.zones.set(id, z);
    return z;
  }

  /** The next `count` requests of `op` fail with `code` (Throttling, PriorRequestNotComplete, ...). */
  failNext(op: FakeOp | 'any', code: string, count: number, status = 400): void {
    this.faults.push({ op, code, status, remaining: count });
  }

  /** Forget every fault not yet served. */
  clearFaults(): void {
    this.faults = [];
  }

  count(op: FakeOp): number {
    return this.log.filter((l) => l.op === op).length;
  }

  /** Mutating requests so far (every ChangeResourceRecordSets, accepted or not). */
  writes(): number {
    return this.count('ChangeResourceRecordSets');
  }

  /** ChangeResourceRecordSets requests other than a controller's writer lease (its renewals). */
  recordWrites(): LoggedRequest[] {
    return this.log.filter(
      (l) =>
        l.op === 'ChangeResourceRecordSets' &&
        !l.names?.every((n) => n.split('.')[1] === '_geofailover-lease'),
    );
  }

  clearLog(): void {
    this.log.length = 0;
  }

  private rateLimited(): boolean {
    const rl = this.opts.rateLimit;
    if (!rl) return false;
    const now = performance.now();
    this.tokens = Math.min(rl.burst, this.tokens + ((now - this.lastRefill) / 1000) * rl.rate);
    this.lastRefill = now;
    if (this.tokens < 1) return true;
    this.tokens -= 1;
    return false;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/\/+$/, '');
    const entry: LoggedRequest = {
      at: performance.now(),
      method: req.method ?? '',
      path,
      op: 'Unknown',
      status: 200,
    };
    this.log.push(entry);
    const send = (status: number, xml: string) => {
      entry.status = status;
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
      res.end(xml);
    };
    const fail = (e: ApiError) => {
      entry.code = e.code;
      if (e.code === 'InvalidChangeBatch' && this.opts.invalidChangeBatchShape === 'messages')
        return send(
          e.status,
          document('InvalidChangeBatch', { Messages: { Message: e.messages }, RequestId: randomUUID() }),
        );
      send(
        e.status,
        document('ErrorResponse', {
          Error: { Type: e.status >= 500 ? 'Receiver' : 'Sender', Code: e.code, Message: e.message },
          RequestId: randomUUID(),
        }),
      );
    };
    try {
      const m = /^\/2013-04-01\/(hostedzone|change)\/([^/]+)(\/rrset)?$/.exec(path);
      const op: FakeOp = !m
        ? 'Unknown'
        : m[1] === 'change'
          ? 'GetChange'
          : m[3]
            ? req.method === 'POST'
              ? 'ChangeResourceRecordSets'
              : 'ListResourceRecordSets'
            : 'GetHostedZone';
      entry.op = op;
      if (!/^AWS4-HMAC-SHA256 Credential=/.test(req.headers.authorization ?? ''))
        throw new ApiError(403, 'MissingAuthenticationToken', 'Missing Authentication Token');
      const fault = this.faults.find((f) => f.remaining > 0 && (f.op === 'any' || f.op === op));
      if (fault) {
        fault.remaining--;
        const msg =
          fault.code === 'Throttling'
            ? 'Rate exceeded'
            : fault.code === 'PriorRequestNotComplete'
              ? 'The request was rejected because Route 53 was still processing a prior request.'
              : fault.code;
        throw new ApiError(fault.status, fault.code, msg);
      }
      if (this.rateLimited()) throw new ApiError(400, 'Throttling', 'Rate exceeded');
      if (op === 'Unknown')
        throw new ApiError(404, 'UnknownOperationException', `no operation at ${req.method} ${path}`);
      if (op === 'GetChange')
        return send(200, document('GetChangeResponse', { ChangeInfo: this.changeInfo(m![2]!, true) }));
      const zone = this.zones.get(m![2]!);
      if (!zone) throw new ApiError(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${m![2]}`);
      if (op === 'GetHostedZone') {
        if (req.method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', 'method not allowed');
        return send(
          200,
          document('GetHostedZoneResponse', {
            HostedZone: {
              Id: `/hostedzone/${zone.id}`,
              Name: zone.name,
              CallerReference: zone.id,
              Config: { PrivateZone: false },
              ResourceRecordSetCount: zone.rrsets.size,
            },
            DelegationSet: { NameServers: { NameServer: ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.com'] } },
          }),
        );
      }
      if (op === 'ListResourceRecordSets') return send(200, this.list(zone, url.searchParams));
      let doc: ReturnType<typeof parseXml>;
      try {
        doc = parseXml(body);
      } catch (e) {
        throw new ApiError(400, 'InvalidInput', `Invalid XML: ${(e as Error).message}`);
      }
      const batch = parseChangeRequest(doc);
      entry.names = batch.map((c) => c.rr.name);
      applyBatch(zone, batch);
      const id = `C${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`;
      this.changes.set(id, { polls: 0, submittedAt: new Date().toISOString() });
      return send(
        200,
        document('ChangeResourceRecordSetsResponse', { ChangeInfo: this.changeInfo(id, false) }),
      );
    } catch (e) {
      if (e instanceof ApiError) return fail(e);
      throw e;
    }
  }

  private changeInfo(id: string, poll: boolean): Record<string, XmlValue> {
    const c = this.changes.get(id.replace(/^\/?change\//, ''));
    if (!c)
      throw new ApiError(404, 'NoSuchChange', `A change with the specified change ID does not exist: ${id}`);
    const pending = c.polls < (this.opts.pendingPolls ?? 0);
    if (poll) c.polls++;
    return { Id: `/change/${id}`, Status: pending ? 'PENDING' : 'INSYNC', SubmittedAt: c.submittedAt };
  }

  private list(zone: FakeZone, q: URLSearchParams): string {
    const maxRaw = q.get('maxitems');
    const max = maxRaw === null ? 300 : Number(maxRaw);
    if (!Number.isInteger(max) || max < 1)
      throw new ApiError(400, 'InvalidInput', `maxitems ${maxRaw} is not a positive integer`);
    const pageSize = Math.min(max, 300);
    const startName = q.get('name');
    const startType = q.get('type');
    const startId = q.get('identifier');
    if (startType && !startName)
      throw new ApiError(400, 'InvalidInput', 'The input is not valid: type requires name');
    if (startId && !startType)
      throw new ApiError(400, 'InvalidInput', 'The input is not valid: identifier requires type');
    const all = zone.sorted();
    const from = startName ? sortKey(startName, startType ?? '', startId ?? '') : '';
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const r = all[mid]!;
      if (sortKey(r.name, r.type, r.setId) < from) lo = mid + 1;
      else hi = mid;
    }
    const page = all.slice(lo, lo + pageSize);
    const next = all[lo + pageSize];
    return document('ListResourceRecordSetsResponse', {
      ResourceRecordSets: { ResourceRecordSet: page.map(toWireXml) },
      IsTruncated: next !== undefined,
      ...(next
        ? {
            NextRecordName: wireName(next.name),
            NextRecordType: next.type,
            ...(next.setId !== undefined ? { NextRecordIdentifier: next.setId } : {}),
          }
        : {}),
      MaxItems: pageSize,
    });
  }
}

function toWireXml(r: FakeRRSet): Record<string, XmlValue> {
  return {
    Name: wireName(r.name),
    Type: r.type,
    SetIdentifier: r.setId,
    Weight: r.weight,
    GeoLocation: r.geo as XmlValue,
    Failover: r.failover,
    MultiValueAnswer: r.multiValue,
    TTL: r.alias ? undefined : r.ttl,
    ResourceRecords: r.alias ? undefined : { ResourceRecord: r.values.map((v) => ({ Value: v })) },
    AliasTarget: r.alias as XmlValue,
    HealthCheckId: r.healthCheckId,
  };
}
