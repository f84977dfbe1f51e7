// A stateful fake of the Cloud DNS v1 REST API on 127.0.0.1, exercised through the real
// @google-cloud/dns client: managed zones, rrsets listing with pages, changes applied atomically with
// the exact-match rule on deletions (412 conditionNotMet) and alreadyExists on additions (409),
// changes that are `pending` until polled, self-signed service-account JWTs checked against the
// account's public key, errors in Google's JSON error format, and injectable throttling and
// dropped connections.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkBearer, type ServiceAccount } from './auth.ts';
import { canonical, checkAddition, GcpError, keyOf, type Rrset, stored } from './rrsets.ts';

export interface FakeManagedZone {
  name: string;
  dnsName: string;
  rrsets: Map<string, Rrset>;
  changes: Map<
    string,
    { id: string; status: 'pending' | 'done'; polls: number; additions: Rrset[]; deletions: Rrset[] }
  >;
}

export interface Fault {
  /** 'throttle': 429 rateLimitExceeded; 'drop-before'/'drop-after': close the connection before/after applying. */
  kind: 'throttle' | 'drop-before' | 'drop-after' | 'server-error';
  times: number;
  /** Matching requests to let through first. */
  skip?: number;
  match?: (method: string, path: string) => boolean;
}

export interface SpyCall {
  method: string;
  path: string;
  status: number;
}

const ROOT = /^\/dns\/v1\/projects\/([^/]+)\/managedZones\/([^/]+)(\/rrsets|\/changes(?:\/([^/]+))?)?$/;

export class FakeCloudDns {
  readonly zones = new Map<string, FakeManagedZone>();
  readonly calls: SpyCall[] = [];
  /** GETs of a change before it reports `done`. */
  pendingPolls = 1;
  private faults: Fault[] = [];
  private server: Server | undefined;
  private nextChange = 1;
  url = '';

  constructor(
    readonly project: string,
    readonly accounts: ServiceAccount[],
  ) {}

  addZone(name: string, dnsName: string): FakeManagedZone {
    const z: FakeManagedZone = { name, dnsName, rrsets: new Map(), changes: new Map() };
    z.rrsets.set(
      keyOf({ name: dnsName, type: 'NS' }),
      stored({
        name: dnsName,
        type: 'NS',
        ttl: 21600,
        rrdatas: ['ns-cloud-a1.googledomains.com.', 'ns-cloud-a2.googledomains.com.'],
      }),
    );
    z.rrsets.set(
      keyOf({ name: dnsName, type: 'SOA' }),
      stored({
        name: dnsName,
        type: 'SOA',
        ttl: 21600,
        rrdatas: ['ns-cloud-a1.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300'],
      }),
    );
    this.zones.set(name, z);
    return z;
  }

  /** Out-of-band write (another tool, a person in the console). */
  put(zone: string, r: Rrset): void {
    const z = this.zones.get(zone)!;
    z.rrsets.set(keyOf(r), stored(r));
  }

  inject(f: Fault): void {
    this.faults.push({ ...f });
  }

  clearFaults(): void {
    this.faults = [];
  }

  count(filter: { method?: string; path?: RegExp } = {}): number {
    return this.calls.filter(
      (c) => (!filter.method || c.method === filter.method) && (!filter.path || filter.path.test(c.path)),
    ).length;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) =>
        this.send(res, req, 500, errorBody(500, 'internalError', String(err))),
      );
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private fault(method: string, path: string): Fault | undefined {
    const f = this.faults.find((x) => x.times > 0 && (!x.match || x.match(method, path)));
    if (!f) return undefined;
    if (f.skip && f.skip > 0) {
      f.skip--;
      return undefined;
    }
    f.times--;
    return f;
  }

  private send(res: ServerResponse, req: IncomingMessage, status: number, body: unknown): void {
    this.calls.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0]!, status });
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const fail = (e: GcpError) => this.send(res, req, e.status, errorBody(e.status, e.reason, e.message));
    const why = checkBearer(req.headers.authorization, this.accounts);
    if (why) {
      this.send(res, req, 401, {
        error: {
          code: 401,
          message:
            'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
          errors: [
            {
              message: 'Invalid Credentials',
              domain: 'global',
              reason: 'authError',
              location: 'Authorization',
              locationType: 'header',
            },
          ],
          status: 'UNAUTHENTICATED',
        },
      });
      return;
    }
    const m = ROOT.exec(url.pathname);
    if (!m) return fail(new GcpError(404, 'notFound', `Not Found: ${url.pathname}`));
    const [, project, zoneName, sub, changeId] = m;
    const f = this.fault(method, url.pathname);
    if (f?.kind === 'throttle')
      return this.send(res, req, 429, {
        error: {
          code: 429,
          message:
            "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service 'dns.googleapis.com'.",
          errors: [{ message: 'Rate Limit Exceeded', domain: 'usageLimits', reason: 'rateLimitExceeded' }],
          status: 'RESOURCE_EXHAUSTED',
        },
      });
    if (f?.kind === 'server-error') return fail(new GcpError(503, 'backendError', 'Backend Error'));
    if (f?.kind === 'drop-before') {
      req.socket.destroy();
      return;
    }
    const zone = project === this.project ? this.zones.get(zoneName!) : undefined;
    if (!zone)
      return fail(
        new GcpError(
          404,
          'notFound',
          `The 'parameters.managedZone' resource named '${zoneName}' does not exist.`,
        ),
      );
    try {
      if (!sub && method === 'GET')
        return this.send(res, req, 200, {
          kind: 'dns#managedZone',
          name: zone.name,
          dnsName: zone.dnsName,
          id: '1234567890123456789',
          description: '',
          visibility: 'public',
          nameServers: ['ns-cloud-a1.googledomains.com.', 'ns-cloud-a2.googledomains.com.'],
          creationTime: '2026-01-01T00:00:00.000Z',
        });
      if (sub === '/rrsets' && method === 'GET')
        return this.send(res, req, 200, this.list(zone, url.searchParams));
      if (sub === '/changes' && method === 'POST') {
        if (!/^application\/json/.test(req.headers['content-type'] ?? ''))
          throw new GcpError(400, 'parseError', 'This API does not support parsing form-encoded input.');
        const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as {
          additions?: Rrset[];
          deletions?: Rrset[];
        };
        const change = this.change(zone, body);
        if (f?.kind === 'drop-after') {
          req.socket.destroy();
          return;
        }
        return this.send(res, req, 200, this.changeBody(change));
      }
      if (sub?.startsWith('/changes/') && method === 'GET') {
        const c = zone.changes.get(changeId!);
        if (!c)
          throw new GcpError(
            404,
            'notFound',
            `The 'parameters.changeId' resource named '${changeId}' does not exist.`,
          );
        if (++c.polls >= this.pendingPolls) c.status = 'done';
        return this.send(res, req, 200, this.changeBody(c));
      }
      throw new GcpError(405, 'httpMethodNotAllowed', `Method ${method} not allowed on ${url.pathname}`);
    } catch (err) {
      if (err instanceof GcpError) return fail(err);
      if (err instanceof SyntaxError) return fail(new GcpError(400, 'parseError', 'Parse Error'));
      throw err;
    }
  }

  private list(zone: FakeManagedZone, q: URLSearchParams) {
    const max = Number(q.get('maxResults') ?? 1000);
    if (!Number.isInteger(max) || max < 1 || max > 1000)
      throw new GcpError(400, 'invalid', `Invalid value for 'maxResults': '${q.get('maxResults')}'`);
    const name = q.get('name');
    const type = q.get('type');
    if (type && !name)
      throw new GcpError(400, 'invalid', "Invalid value for 'type': a type filter needs a name filter");
    const all = [...zone.rrsets.values()]
      .filter((r) => (!name || r.name === name) && (!type || r.type === type))
      .sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
    const start = Number(q.get('pageToken') ?? 0);
    const page = all.slice(start, start + max);
    return {
      kind: 'dns#resourceRecordSetsListResponse',
      rrsets: page,
      ...(start + max < all.length ? { nextPageToken: String(start + max) } : {}),
    };
  }

  /** Validates the whole change, then applies it at once (or not at all). */
  private change(zone: FakeManagedZone, body: { additions?: Rrset[]; deletions?: Rrset[] }) {
    const additions = body.additions ?? [];
    const deletions = body.deletions ?? [];
    if (additions.length === 0 && deletions.length === 0)
      throw new GcpError(400, 'required', "The 'entity.change' parameter is required but was missing.");
    if (additions.length > 1000 || deletions.length > 1000)
      throw new GcpError(
        403,
        'quotaExceeded',
        'The change has more additions or deletions than the quota allows (1000).',
      );
    const next = new Map(zone.rrsets);
    const deleted = new Set<string>();
    for (const [i, d] of deletions.entries()) {
      const k = keyOf(d);
      const cur = next.get(k);
      if (deleted.has(k))
        throw new GcpError(
          400,
          'invalid',
          `Invalid value for 'entity.change.deletions[${i}]': '${d.name} (${d.type})' is deleted twice`,
        );
      if (!cur)
        throw new GcpError(
          404,
          'notFound',
          `The 'entity.change.deletions[${i}]' resource named '${d.name} (${d.type})' does not exist.`,
        );
      if (canonical(cur) !== canonical(d))
        throw new GcpError(
          412,
          'conditionNotMet',
          `Precondition not met for 'entity.change.deletions[${i}]'`,
        );
      if (d.type === 'SOA' || (d.type === 'NS' && d.name === zone.dnsName))
        if (!additions.some((a) => keyOf(a) === k))
          throw new GcpError(
            400,
            'invalid',
            `Invalid value for 'entity.change.deletions[${i}]': the apex ${d.type} of '${d.name}' cannot be deleted`,
          );
      next.delete(k);
      deleted.add(k);
    }
    const added = new Set<string>();
    for (const [j, a] of additions.entries()) {
      const k = keyOf(a);
      checkAddition(a, zone.dnsName, j);
      if (added.has(k))
        throw new GcpError(
          400,
          'invalid',
          `Invalid value for 'entity.change.additions[${j}]': '${a.name} (${a.type})' is added twice`,
        );
      if (next.has(k))
        throw new GcpError(
          409,
          'alreadyExists',
          `The resource 'entity.change.additions[${j}]' named '${a.name} (${a.type})' already exists`,
        );
      next.set(k, stored(a));
      added.add(k);
    }
    for (const r of next.values()) {
      if (r.type !== 'CNAME') continue;
      const others = [...next.values()].filter((o) => o.name === r.name && o.type !== 'CNAME');
      if (others.length > 0)
        throw new GcpError(
          400,
          'cnameResourceRecordSetConflict',
          `The resource 'entity.change.additions[${Math.max(
            0,
            additions.findIndex((a) => a.name === r.name),
          )}]' named '${r.name} (CNAME)' is only permitted to have one record`,
        );
    }
    zone.rrsets.clear();
    for (const [k, v] of next) zone.rrsets.set(k, v);
    const id = String(this.nextChange++);
    const change = {
      id,
      status: 'pending' as const,
      polls: 0,
      additions: additions.map(stored),
      deletions: deletions.map(stored),
    };
    zone.changes.set(id, change);
    return change;
  }

  private changeBody(c: { id: string; status: string; additions: Rrset[]; deletions: Rrset[] }) {
    return {
      kind: 'dns#change',
      id: c.id,
      status: c.status,
      startTime: '2026-01-01T00:00:00.000Z',
      additions: c.additions,
      deletions: c.deletions,
    };
  }
}

export function errorBody(code: number, reason: string, message: string) {
  return { error: { code, message, errors: [{ message, domain: 'global', reason }] } };
}
