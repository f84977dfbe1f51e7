// The controller's HTTP API routes: status, events, drains, reconcile, metrics,
// health, and the probe report intake; overrides and maintenance windows in operator-routes.ts,
// signal deliveries in signal-routes.ts.
// Mutating calls need a bearer token whose role allows them (tokens.ts); its name is the actor.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_BOUNDS, boundedInt, boundedMs, pathParam } from './bounds.ts';
import { dashboardPage } from './dashboard/page.ts';
import { HttpError, readJson, sendJson, sendText } from './http-util.ts';
import { type OperatorApi, operatorRoutes } from './operator-routes.ts';
import type { Route } from './router.ts';
import { type SignalApi, signalRoutes } from './signal-routes.ts';
import type { StatusDoc } from './status-types.ts';

export interface ControllerApi extends OperatorApi {
  status(): StatusDoc;
  events(since: number | string | undefined, limit: number, types: string[] | undefined): unknown[];
  /** The dashboard's timeline over the last `windowMs` (default three hours), drawn from the events. */
  timeline(windowMs: number | undefined): unknown;
  /** Throws HttpError(404) for an unknown region. */
  drain(
    region: string,
    body: { reason: string; author: string; forMs?: number },
    actor: string,
  ): Promise<unknown>;
  undrain(region: string, author: string, actor: string): Promise<unknown>;
  /** `actor`: the token's name, recorded in the event log. */
  reconcile(actor: string): Promise<unknown>;
  metrics(): Promise<{ contentType: string; body: string }>;
  reports(req: IncomingMessage, res: ServerResponse): void;
  healthy(): { ok: boolean; detail: string };
  /** Throws HttpError(404) for a name the controller does not manage. */
  explain(name: string, type: string | undefined): unknown;
  /** Signal deliveries (Alertmanager's webhook, pushes) and the signal list. */
  signals: SignalApi;
}

function query(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}

function drainBody(raw: unknown, actor: string): { reason: string; author: string; forMs?: number } {
  const b = (raw ?? {}) as Record<string, unknown>;
  if (typeof b.reason !== 'string' || b.reason.trim() === '') {
    throw new HttpError(400, 'a drain needs a "reason" (string)', 'bad-request');
  }
  if (b.reason.length > 500) throw new HttpError(400, '"reason" is over 500 characters', 'bad-request');
  const author = typeof b.author === 'string' && b.author.trim() !== '' ? b.author.slice(0, 100) : actor;
  const forMs = b.forMs === undefined ? undefined : boundedMs(b.forMs, 'forMs');
  return { reason: b.reason.trim(), author, ...(forMs === undefined ? {} : { forMs }) };
}

export function apiRoutes(api: ControllerApi): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/healthz$/,
      handler: (_req, res) => {
        const h = api.healthy();
        sendJson(res, h.ok ? 200 : 503, { ok: h.ok, detail: h.detail });
      },
    },
    {
      method: 'GET',
      path: /^\/$/,
      handler: (_req, res) => {
        const { html, csp } = dashboardPage();
        res.setHeader('content-security-policy', csp);
        res.setHeader('x-content-type-options', 'nosniff');
        sendText(res, 200, html, 'text/html; charset=utf-8');
      },
    },
    {
      // Browsers ask for it on their own; an empty answer keeps the log and the console free of 404s.
      method: 'GET',
      path: /^\/favicon\.ico$/,
      handler: (_req, res) => {
        res.writeHead(204, { 'cache-control': 'max-age=86400' });
        res.end();
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/timeline$/,
      handler: (req, res) => {
        api.tokens.read(req);
        const raw = query(req).get('windowMs');
        const windowMs =
          raw === null ? undefined : boundedInt(raw, 'windowMs', API_BOUNDS.timelineWindowMs, 3 * 3_600_000);
        sendJson(res, 200, api.timeline(windowMs));
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/status$/,
      handler: (req, res) => {
        api.tokens.read(req);
        sendJson(res, 200, api.status());
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/events$/,
      handler: (req, res) => {
        api.tokens.read(req);
        const q = query(req);
        const sinceRaw = q.get('since') ?? undefined;
        let since: number | string | undefined;
        if (sinceRaw !== undefined) {
          if (/^\d+$/.test(sinceRaw))
            since = boundedInt(sinceRaw, 'since', { min: 0, max: Number.MAX_SAFE_INTEGER }, 0);
          else if (!Number.isNaN(Date.parse(sinceRaw))) since = new Date(sinceRaw).toISOString();
          else
            throw new HttpError(
              400,
              `since=${sinceRaw} is neither a sequence number nor an ISO time`,
              'bad-request',
            );
        }
        const limit = boundedInt(q.get('limit'), 'limit', API_BOUNDS.eventsLimit, 1000);
        const types = q.get('type')?.split(',').filter(Boolean);
        sendJson(res, 200, { events: api.events(since, limit, types) });
      },
    },
    {
      method: 'PUT',
      path: /^\/v1\/drains\/([^/]+)$/,
      handler: async (req, res, m) => {
        const caller = api.tokens.require(req, 'operate');
        const body = drainBody(await readJson(req), caller.name);
        sendJson(res, 200, await api.drain(pathParam(m[1]!, 'region'), body, caller.name));
      },
    },
    {
      method: 'DELETE',
      path: /^\/v1\/drains\/([^/]+)$/,
      handler: async (req, res, m) => {
        const caller = api.tokens.require(req, 'operate');
        const author = query(req).get('author') ?? caller.name;
        sendJson(res, 200, await api.undrain(pathParam(m[1]!, 'region'), author.slice(0, 100), caller.name));
      },
    },
    {
      method: 'POST',
      path: /^\/v1\/reconcile$/,
      handler: async (req, res) => {
        const caller = api.tokens.require(req, 'admin');
        sendJson(res, 200, await api.reconcile(caller.name));
      },
    },
    { method: 'POST', path: /^\/v1\/reports$/, handler: (req, res) => api.reports(req, res) },
    {
      method: 'GET',
      path: /^\/v1\/explain$/,
      handler: (req, res) => {
        api.tokens.read(req);
        const q = query(req);
        const name = q.get('name');
        if (!name) throw new HttpError(400, 'explain needs ?name=RECORD', 'bad-request');
        sendJson(res, 200, api.explain(name, q.get('type') ?? undefined));
      },
    },
    {
      method: 'GET',
      path: /^\/metrics$/,
      handler: async (_req, res) => {
        const m = await api.metrics();
        sendText(res, 200, m.body, m.contentType);
      },
    },
    ...operatorRoutes(api),
    ...signalRoutes(api.signals),
  ];
}
