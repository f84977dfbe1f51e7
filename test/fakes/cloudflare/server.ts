// A stateful fake of the Cloudflare v4 API on 127.0.0.1 (real HTTP, exercised through the real SDK via
// baseURL): DNS records with the batch endpoint, Load Balancing pools/monitors/load balancers, token
// auth, result_info pagination, the 1,200 / 5 min rate limit, injectable 429/5xx faults, and a spy
// that counts every request by method and path.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DnsZone } from './dns.ts';
import { CfHttpError, cfError, errorBody, okBody, paginate } from './envelope.ts';
import { Account, LbZone } from './lb.ts';

export interface FakeZone {
  id: string;
  name: string;
  /** Account the zone belongs to (load balancers use its pools). */
  accountId?: string;
}

export interface FakeOptions {
  token: string;
  zones: FakeZone[];
  accounts?: { id: string; loadBalancing: boolean }[];
  /** Enterprise zones allow DNS-only TTLs down to 30. */
  enterprise?: boolean;
  /** Operations per batch (Free: 200). */
  maxBatch?: number;
  /** The server-side rate limit (Cloudflare: 1,200 per 300 s). */
  rateLimit?: { limit: number; windowMs: number };
}

export interface SpyCall {
  method: string;
  path: string;
  query: string;
  status: number;
  apiVersion: string | undefined;
  at: number;
}

export interface Fault {
  status: number;
  retryAfter?: number;
  times: number;
  /** Matching requests to let through before failing (e.g. fail the second batch). */
  skip?: number;
  /** Error code and message in the body (defaults: 971 for 429, 10001 otherwise). */
  code?: number;
  message?: string;
  match?: (method: string, path: string) => boolean;
}

export class FakeCloudflare {
  readonly zones = new Map<string, DnsZone>();
  readonly lbZones = new Map<string, LbZone>();
  readonly accounts = new Map<string, Account>();
  readonly calls: SpyCall[] = [];
  /** Requests refused because the client went over the rate limit (the thing a client must avoid). */
  overLimit = 0;
  private faults: Fault[] = [];
  private readonly windowLog: number[] = [];
  private server: Server | undefined;
  private zoneAccount = new Map<string, string | undefined>();
  url = '';

  constructor(readonly options: FakeOptions) {
    for (const a of options.accounts ?? []) this.accounts.set(a.id, new Account(a.id, a.loadBalancing));
    for (const z of options.zones) {
      const rules = () => ({
        zoneName: z.name,
        minTtl: options.enterprise ? 30 : 60,
        maxCommentLength: options.enterprise ? 500 : 100,
      });
      this.zones.set(z.id, new DnsZone(z.id, z.name, rules));
      this.zoneAccount.set(z.id, z.accountId);
      this.lbZones.set(
        z.id,
        new LbZone(z.name, () => (z.accountId ? this.accounts.get(z.accountId) : undefined)),
      );
    }
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/client/v4`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Make the next `times` matching requests fail with `status` (429 carries retry-after seconds). */
  inject(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  /** Forget every fault not yet served. */
  clearFaults(): void {
    this.faults = [];
  }

  /** Requests counted by the spy, optionally filtered. */
  count(filter: { method?: string; path?: RegExp; mutating?: boolean } = {}): number {
    return this.calls.filter(
      (c) =>
        (filter.method === undefined || c.method === filter.method) &&
        (filter.path === undefined || filter.path.test(c.path)) &&
        (filter.mutating === undefined || (c.method !== 'GET') === filter.mutating),
    ).length;
  }

  /** Request counts by method and path shape (ids replaced by :id), e.g. "POST /zones/:id/dns_records/batch". */
  byRoute(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.calls) {
      const k = `${c.method} ${c.path.replace(/\/[0-9a-f]{32}(?=\/|$)/g, '/:id')}`;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  resetCalls(): void {
    this.calls.length = 0;
  }

  /** Most requests seen inside any window of the rate limit's length (sliding). */
  maxInWindow(windowMs: number): number {
    const t = this.calls.map((c) => c.at).sort((a, b) => a - b);
    let best = 0;
    let lo = 0;
    for (let hi = 0; hi < t.length; hi++) {
      while (t[hi]! - t[lo]! >= windowMs) lo++;
      best = Math.max(best, hi - lo + 1);
    }
    return best;
  }

  private rateLimited(now: number): number | undefined {
    const rl = this.options.rateLimit;
    if (!rl) return undefined;
    while (this.windowLog.length > 0 && this.windowLog[0]! <= now - rl.windowMs) this.windowLog.shift();
    if (this.windowLog.length >= rl.limit) {
      return Math.ceil((this.windowLog[0]! + rl.windowMs - now) / 1000);
    }
    this.windowLog.push(now);
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/^\/client\/v4/, '');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const call: SpyCall = {
      method,
      path,
      query: url.search,
      status: 200,
      apiVersion: req.headers['api-version'] as string | undefined,
      at: Date.now(),
    };
    this.calls.push(call);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      const wait = this.rateLimited(call.at);
      if (wait !== undefined) {
        this.overLimit++;
        throw new CfHttpError(
          429,
          [{ code: 971, message: 'Please wait and consider throttling your request speed' }],
          {
            'retry-after': String(wait),
          },
        );
      }
      const fault = this.faults.find((f) => f.times > 0 && (!f.match || f.match(method, path)));
      if (fault && (fault.skip ?? 0) > 0) fault.skip!--;
      else if (fault) {
        fault.times--;
        throw new CfHttpError(
          fault.status,
          [
            {
              code: fault.code ?? (fault.status === 429 ? 971 : 10001),
              message:
                fault.message ??
                (fault.status === 429
                  ? 'Please wait and consider throttling your request speed'
                  : 'Internal server error'),
            },
          ],
          fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) },
        );
      }
      if (req.headers.authorization !== `Bearer ${this.options.token}`)
        throw cfError(403, 10000, 'Authentication error');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(call.apiVersion ?? ''))
        throw cfError(400, 10400, 'api-version header must be a date');
      let body: unknown;
      if (raw !== '') {
        try {
          body = JSON.parse(raw);
        } catch {
          throw cfError(400, 9207, 'Request body is invalid JSON.');
        }
      }
      const out = this.route(method, path, url.searchParams, body);
      send(200, out);
    } catch (err) {
      if (err instanceof CfHttpError) send(err.status, errorBody(err.errors), err.headers);
      else send(500, errorBody([{ code: 10001, message: `fake: ${(err as Error).message}` }]));
    }
  }

  private zone(id: string): DnsZone {
    const z = this.zones.get(id);
    if (!z)
      throw cfError(400, 7003, `Could not route to /zones/${id}, perhaps your object identifier is invalid?`);
    return z;
  }

  private account(id: string): Account {
    const a = this.accounts.get(id);
    if (!a)
      throw cfError(
        400,
        7003,
        `Could not route to /accounts/${id}, perhaps your object identifier is invalid?`,
      );
    a.entitled();
    return a;
  }

  private route(method: string, path: string, query: URLSearchParams, body: unknown): unknown {
    const seg = path.split('/').filter(Boolean);
    const is = (m: string, n: number) => method === m && seg.length === n;
    if (seg[0] === 'zones' && seg[1]) {
      const zone = this.zone(seg[1]);
      if (is('GET', 2))
        return okBody({
          id: zone.id,
          name: zone.name,
          status: 'active',
          account: { id: this.zoneAccount.get(zone.id) },
        });
      if (seg[2] === 'dns_records') {
        if (is('GET', 3)) {
          const { result, info } = zone.list(query);
          return okBody(result, info);
        }
        if (is('POST', 3)) return okBody(zone.create(body));
        if (is('POST', 4) && seg[3] === 'batch')
          return okBody(zone.batch(body, this.options.maxBatch ?? 200));
        if (is('GET', 4)) return okBody(zone.get(seg[3]!));
        if (is('PUT', 4)) return okBody(zone.put(seg[3]!, body));
        if (is('PATCH', 4)) return okBody(zone.patch(seg[3]!, body));
        if (is('DELETE', 4)) return okBody(zone.delete(seg[3]!));
      }
      if (seg[2] === 'load_balancers') {
        const lbz = this.lbZones.get(zone.id)!;
        const acc = this.zoneAccount.get(zone.id);
        if (!acc) throw cfError(403, 1008, 'Load Balancing is not enabled for this zone.');
        this.account(acc);
        if (is('GET', 3)) return okBody([...lbz.lbs.values()]);
        if (is('POST', 3)) return okBody(lbz.create(body));
        if (is('GET', 4)) return okBody(lbz.get(seg[3]!));
        if (is('PUT', 4)) return okBody(lbz.update(seg[3]!, body, false));
        if (is('PATCH', 4)) return okBody(lbz.update(seg[3]!, body, true));
        if (is('DELETE', 4)) return okBody(lbz.delete(seg[3]!));
      }
    }
    if (seg[0] === 'accounts' && seg[1] && seg[2] === 'load_balancers') {
      const acc = this.account(seg[1]);
      if (seg[3] === 'pools') {
        if (is('GET', 4)) {
          const { result, info } = paginate([...acc.pools.values()], query, {
            perPage: 25,
            maxPerPage: 1000,
          });
          return okBody(result, info);
        }
        if (is('POST', 4)) return okBody(acc.createPool(body));
        if (is('GET', 5)) return okBody(acc.pool(seg[4]!));
        if (is('PUT', 5)) return okBody(acc.updatePool(seg[4]!, body, false));
        if (is('PATCH', 5)) return okBody(acc.updatePool(seg[4]!, body, true));
        if (is('DELETE', 5))
          return okBody(
            acc.deletePool(seg[4]!, (id) => [...this.lbZones.values()].some((z) => z.references(id))),
          );
      }
      if (seg[3] === 'monitors') {
        if (is('GET', 4)) return okBody([...acc.monitors.values()]);
        if (is('POST', 4)) return okBody(acc.createMonitor(body));
        if (is('GET', 5)) {
          const m = acc.monitors.get(seg[4]!);
          if (!m) throw cfError(404, 1003, 'Monitor not found.');
          return okBody(m);
        }
      }
    }
    throw cfError(404, 7000, `No route for that URI: ${method} ${path}`);
  }
}
