// A stateful fake of Azure Resource Manager's DNS API (api-version 2018-05-01) and of the Entra ID
// token endpoint, over HTTPS on 127.0.0.1, exercised through the real @azure/arm-dns and
// @azure/identity clients: zones, record sets listed in pages with nextLink, ETags on every set with
// If-Match / If-None-Match: * (412 PreconditionFailed), bearer tokens it issued itself for the right
// client secret, errors in ARM's and Entra's formats, and injectable throttling and dropped connections.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ArmError, checkPut, type StoredSet } from './recordsets.ts';
import type { TestCert } from './tls.ts';

export const API_VERSION = '2018-05-01';

export interface FakeZone {
  name: string;
  resourceGroup: string;
  sets: Map<string, StoredSet>;
}

export interface Fault {
  kind: 'throttle' | 'drop-before' | 'drop-after';
  times: number;
  /** Seconds a throttle answer asks the client to wait (Retry-After; default 1). */
  retryAfter?: number;
  skip?: number;
  match?: (method: string, path: string) => boolean;
}

export interface SpyCall {
  method: string;
  path: string;
  status: number;
  ifMatch?: string;
  ifNoneMatch?: string;
}

export interface ServicePrincipal {
  tenantId: string;
  clientId: string;
  secret: string;
}

const ZONE =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/dnsZones\/([^/]+)(?:\/(recordsets|[A-Za-z]+)(?:\/([^/]+))?)?$/i;

export class FakeAzure {
  readonly zones = new Map<string, FakeZone>();
  readonly calls: SpyCall[] = [];
  /** Tokens this fake issued (or that tests inject): the only ones ARM accepts. */
  readonly tokens = new Set<string>();
  private faults: Fault[] = [];
  private server: Server | undefined;
  url = '';

  constructor(
    readonly subscriptionId: string,
    readonly principals: ServicePrincipal[],
    private readonly tls: TestCert,
  ) {}

  addZone(resourceGroup: string, name: string): FakeZone {
    const z: FakeZone = { name, resourceGroup, sets: new Map() };
    z.sets.set('@|NS', {
      rel: '@',
      type: 'NS',
      etag: randomUUID(),
      properties: {
        TTL: 172800,
        NSRecords: [{ nsdname: 'ns1-01.azure-dns.com.' }, { nsdname: 'ns2-01.azure-dns.net.' }],
      },
    });
    z.sets.set('@|SOA', {
      rel: '@',
      type: 'SOA',
      etag: randomUUID(),
      properties: {
        TTL: 3600,
        SOARecord: {
          host: 'ns1-01.azure-dns.com.',
          email: 'azuredns-hostmaster.microsoft.com',
          serialNumber: 1,
          refreshTime: 3600,
          retryTime: 300,
          expireTime: 2419200,
          minimumTTL: 300,
        },
      },
    });
    this.zones.set(`${resourceGroup.toLowerCase()}|${name}`, z);
    return z;
  }

  /** Out-of-band write (the portal, another tool): a new ETag. */
  put(zone: FakeZone, rel: string, type: string, properties: Record<string, unknown>): void {
    zone.sets.set(`${rel}|${type}`, { rel, type, etag: randomUUID(), properties });
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
    this.server = createServer({ key: this.tls.key, cert: this.tls.cert }, (req, res) => {
      this.handle(req, res).catch((err) =>
        this.send(req, res, 500, { error: { code: 'InternalServerError', message: String(err) } }),
      );
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
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

  private send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ): void {
    this.calls.push({
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0]!,
      status,
      ...(req.headers['if-match'] ? { ifMatch: String(req.headers['if-match']) } : {}),
      ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}),
    });
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ms-request-id': randomUUID(),
      ...headers,
    });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString();
    if (await this.entra(req, res, url, raw)) return;
    const method = req.method ?? 'GET';
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!auth)
      return this.send(req, res, 401, {
        error: {
          code: 'AuthenticationFailed',
          message: "Authentication failed. The 'Authorization' header is missing.",
        },
      });
    if (!this.tokens.has(auth[1]!))
      return this.send(req, res, 401, {
        error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' },
      });
    if (url.searchParams.get('api-version') !== API_VERSION)
      return this.send(req, res, 400, {
        error: {
          code: 'InvalidApiVersionParameter',
          message: `The api-version '${url.searchParams.get('api-version')}' is invalid. The supported versions are '${API_VERSION}'.`,
        },
      });
    const f = this.fault(method, url.pathname);
    if (f?.kind === 'throttle')
      return this.send(
        req,
        res,
        429,
        {
          error: {
            code: 'TooManyRequests',
            message:
              'The request is being throttled as the limit has been reached for operation type - Write_ObservationWindow_00:05:00.',
          },
        },
        { 'retry-after': String(f.retryAfter ?? 1) },
      );
    if (f?.kind === 'drop-before') {
      req.socket.destroy();
      return;
    }
    try {
      const m = ZONE.exec(url.pathname);
      if (!m)
        throw new ArmError(
          404,
          'InvalidResourceType',
          `The resource type could not be found in the namespace 'Microsoft.Network' for api version '${API_VERSION}'.`,
        );
      const [, sub, rg, zoneName, kind, rel] = m;
      if (sub !== this.subscriptionId)
        throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
      if (![...this.zones.values()].some((z) => z.resourceGroup.toLowerCase() === rg!.toLowerCase()))
        throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
      const zone = this.zones.get(`${rg!.toLowerCase()}|${zoneName!.toLowerCase()}`);
      if (!zone)
        throw new ArmError(
          404,
          'ResourceNotFound',
          `The Resource 'Microsoft.Network/dnszones/${zoneName}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
        );
      const zoneId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/dnszones/${zone.name}`;
      if (!kind && method === 'GET')
        return this.send(req, res, 200, {
          id: zoneId,
          name: zone.name,
          type: 'Microsoft.Network/dnszones',
          location: 'global',
          etag: '00000002-0000-0000-0000-000000000000',
          properties: {
            maxNumberOfRecordSets: 10000,
            numberOfRecordSets: zone.sets.size,
            nameServers: ['ns1-01.azure-dns.com.', 'ns2-01.azure-dns.net.'],
            zoneType: 'Public',
          },
        });
      if (kind?.toLowerCase() === 'recordsets' && !rel && method === 'GET') {
        const top = Number(url.searchParams.get('$top') ?? 100);
        if (!Number.isInteger(top) || top < 1 || top > 1000)
          throw new ArmError(400, 'BadRequest', `The value '${top}' of $top is invalid.`);
        const skip = Number(url.searchParams.get('$skipToken') ?? 0);
        const all = [...zone.sets.values()].sort((a, b) =>
          `${a.rel}|${a.type}` < `${b.rel}|${b.type}` ? -1 : 1,
        );
        const page = all.slice(skip, skip + top);
        const next =
          skip + top < all.length
            ? `${this.url}${url.pathname}?api-version=${API_VERSION}&$top=${top}&$skipToken=${skip + top}`
            : undefined;
        return this.send(req, res, 200, {
          value: page.map((s) => this.body(zoneId, zone, s)),
          ...(next ? { nextLink: next } : {}),
        });
      }
      if (!kind || !rel) throw new ArmError(405, 'MethodNotAllowed', `Method ${method} is not allowed.`);
      const type = kind.toUpperCase();
      const key = `${rel.toLowerCase()}|${type}`;
      const cur = zone.sets.get(key);
      const ifMatch = req.headers['if-match'];
      const ifNoneMatch = req.headers['if-none-match'];
      const notFound = () =>
        new ArmError(
          404,
          'NotFound',
          `The resource record '${rel}' does not exist in resource group '${rg}' of subscription '${sub}'.`,
        );
      if (method === 'GET') {
        if (!cur) throw notFound();
        return this.send(req, res, 200, this.body(zoneId, zone, cur));
      }
      if (method === 'PUT') {
        if (ifMatch !== undefined && (!cur || (ifMatch !== '*' && ifMatch !== cur.etag)))
          throw new ArmError(
            412,
            'PreconditionFailed',
            `The condition '${ifMatch}' in the If-Match header was not satisfied. The current was '${cur?.etag ?? ''}'.`,
          );
        if (ifNoneMatch === '*' && cur)
          throw new ArmError(
            412,
            'PreconditionFailed',
            "The condition '*' in the If-None-Match header was satisfied.",
          );
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          throw new ArmError(
            400,
            'InvalidRequestContent',
            'The request content was invalid and could not be deserialized.',
          );
        }
        const properties = checkPut(type, rel.toLowerCase(), body);
        const cname = [...zone.sets.values()].some(
          (s) => s.rel === rel.toLowerCase() && (type === 'CNAME' ? s.type !== 'CNAME' : s.type === 'CNAME'),
        );
        if (cname)
          throw new ArmError(
            400,
            'BadRequest',
            `The record set ${rel} conflicts with a CNAME record set at the same name.`,
          );
        const set: StoredSet = { rel: rel.toLowerCase(), type, etag: randomUUID(), properties };
        zone.sets.set(key, set);
        if (f?.kind === 'drop-after') {
          req.socket.destroy();
          return;
        }
        return this.send(req, res, cur ? 200 : 201, this.body(zoneId, zone, set), { etag: set.etag });
      }
      if (method === 'DELETE') {
        if (ifMatch !== undefined && (!cur || (ifMatch !== '*' && ifMatch !== cur.etag)))
          throw new ArmError(
            412,
            'PreconditionFailed',
            `The condition '${ifMatch}' in the If-Match header was not satisfied. The current was '${cur?.etag ?? ''}'.`,
          );
        if (!cur) return this.send(req, res, 204);
        if (rel === '@' && (type === 'NS' || type === 'SOA'))
          throw new ArmError(400, 'BadRequest', `The ${type} record set at the zone apex cannot be deleted.`);
        zone.sets.delete(key);
        if (f?.kind === 'drop-after') {
          req.socket.destroy();
          return;
        }
        return this.send(req, res, 200);
      }
      throw new ArmError(405, 'MethodNotAllowed', `Method ${method} is not allowed.`);
    } catch (err) {
      if (err instanceof ArmError)
        return this.send(req, res, err.status, { error: { code: err.code, message: err.message } });
      throw err;
    }
  }

  private body(zoneId: string, zone: FakeZone, s: StoredSet) {
    return {
      id: `${zoneId}/${s.type}/${s.rel}`,
      name: s.rel,
      type: `Microsoft.Network/dnszones/${s.type}`,
      etag: s.etag,
      properties: {
        metadata: {},
        fqdn: s.rel === '@' ? `${zone.name}.` : `${s.rel}.${zone.name}.`,
        provisioningState: 'Succeeded',
        targetResource: {},
        ...s.properties,
      },
    };
  }

  /** The Entra ID endpoints a ClientSecretCredential uses: OpenID discovery and the token endpoint. */
  private async entra(req: IncomingMessage, res: ServerResponse, url: URL, raw: string): Promise<boolean> {
    const disco = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (disco) {
      const t = disco[1];
      this.send(req, res, 200, {
        token_endpoint: `${this.url}/${t}/oauth2/v2.0/token`,
        authorization_endpoint: `${this.url}/${t}/oauth2/v2.0/authorize`,
        issuer: `${this.url}/${t}/v2.0`,
        end_session_endpoint: `${this.url}/${t}/oauth2/v2.0/logout`,
        jwks_uri: `${this.url}/${t}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
      });
      return true;
    }
    const tok = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (!tok) return false;
    const form = new URLSearchParams(raw);
    const p = this.principals.find((x) => x.tenantId === tok[1] && x.clientId === form.get('client_id'));
    if (form.get('grant_type') !== 'client_credentials' || !p || p.secret !== form.get('client_secret')) {
      this.send(req, res, 401, {
        error: 'invalid_client',
        error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${form.get('client_id')}'. Trace ID: ${randomUUID()}`,
        error_codes: [7000215],
        timestamp: new Date().toISOString(),
        trace_id: randomUUID(),
        correlation_id: randomUUID(),
      });
      return true;
    }
    if (!(form.get('scope') ?? '').endsWith('/.default')) {
      this.send(req, res, 400, {
        error: 'invalid_scope',
        error_description: 'AADSTS1002012: The provided value for scope is not valid.',
      });
      return true;
    }
    const token = `arm-${randomUUID()}`;
    this.tokens.add(token);
    this.send(req, res, 200, {
      token_type: 'Bearer',
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: token,
    });
    return true;
  }
}
