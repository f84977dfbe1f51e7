// API routes for the operator layers: force-up overrides (PUT/DELETE /v1/overrides/REGION)
// and maintenance windows (GET/POST /v1/maintenance, DELETE /v1/maintenance/ID). Bodies are checked
// here (every number and time bounded, a 400 naming the field); the controller checks regions and
// windows against the config and the clock. Both need a token with role operate.
import type { IncomingMessage } from 'node:http';
import { timeRangeProblem } from '../model/index.ts';
import { API_BOUNDS, boundedMs, pathParam } from './bounds.ts';
import { HttpError, readJson, sendJson } from './http-util.ts';
import type { Route } from './router.ts';
import type { ApiTokens } from './tokens.ts';

export interface OverrideBody {
  state: 'up';
  reason: string;
  author: string;
  forMs: number;
}

export interface WindowBody {
  id?: string;
  region: string;
  reason: string;
  author: string;
  cron?: string;
  /** One-shot start (epoch ms). */
  start?: number;
  durationMs: number;
  notifyBeforeMs: number;
}

export interface OperatorApi {
  tokens: ApiTokens;
  /** Throws HttpError(404) for an unknown region. */
  override(region: string, body: OverrideBody, actor: string): Promise<unknown>;
  clearOverride(region: string, author: string, actor: string): Promise<unknown>;
  windows(): unknown;
  /** Throws HttpError(400) for an unknown region, a bad cron or a window in the past. */
  addWindow(body: WindowBody, actor: string): Promise<unknown>;
  /** Throws HttpError(404) for an unknown id, 409 for a window from the config file. */
  deleteWindow(id: string, author: string, actor: string): Promise<unknown>;
}

const bad = (message: string) => new HttpError(400, message, 'bad-request');
/** A maintenance notification goes out at most this long ahead. */
const NOTIFY_BEFORE_MAX = 7 * 86_400_000;

function reasonOf(b: Record<string, unknown>, what: string): string {
  if (typeof b.reason !== 'string' || b.reason.trim() === '') throw bad(`${what} needs a "reason" (string)`);
  if (b.reason.length > 500) throw bad(`"reason" is over 500 characters (${b.reason.length})`);
  return b.reason.trim();
}

function authorOf(b: Record<string, unknown>, fallback: string): string {
  return typeof b.author === 'string' && b.author.trim() !== '' ? b.author.trim().slice(0, 100) : fallback;
}

function objectOf(raw: unknown): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw bad('the body must be a JSON object');
  return raw as Record<string, unknown>;
}

export function overrideBody(raw: unknown, actor: string): OverrideBody {
  const b = objectOf(raw);
  if (b.state !== 'up')
    throw bad(
      `"state" must be "up" (the only override: force a region up); got ${JSON.stringify(b.state ?? null).slice(0, 40)}. To lift an override, DELETE it`,
    );
  if (b.forMs === undefined) throw bad('an override needs "forMs": it always expires (1000 ms to 366 days)');
  return {
    state: 'up',
    reason: reasonOf(b, 'an override'),
    author: authorOf(b, actor),
    forMs: boundedMs(b.forMs, 'forMs'),
  };
}

function isoField(b: Record<string, unknown>, field: string): number | undefined {
  const v = b[field];
  if (v === undefined) return undefined;
  const ok = typeof v === 'string' && /(Z|[+-]\d\d:?\d\d)$/i.test(v) && Number.isFinite(Date.parse(v));
  if (!ok)
    throw bad(
      `"${field}" must be an ISO 8601 time with a zone, such as 2026-12-24T02:00:00Z; got ${String(v).slice(0, 40)}`,
    );
  const ms = Date.parse(v as string);
  // Within the range every view can show: a window near the end of Date's range once made every
  // status request fail for as long as it was kept.
  const outside = timeRangeProblem(v as string, ms);
  if (outside) throw bad(`"${field}" ${outside}`);
  return ms;
}

export function windowBody(raw: unknown, actor: string): WindowBody {
  const b = objectOf(raw);
  if (typeof b.region !== 'string' || b.region === '') throw bad('a maintenance window needs a "region"');
  const id = b.id;
  if (id !== undefined && (typeof id !== 'string' || !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(id)))
    throw bad('"id" must be lower case letters, digits and dashes (1-63)');
  const cron = b.cron;
  if (cron !== undefined && (typeof cron !== 'string' || cron.trim() === '' || cron.length > 200))
    throw bad('"cron" must be a cron expression (5 fields, or 6 with seconds first), in UTC');
  const start = isoField(b, 'start');
  const end = isoField(b, 'end');
  if ((cron === undefined) === (start === undefined))
    throw bad('a maintenance window needs either "cron" (recurring) or "start" (one-shot), not both');
  let durationMs: number;
  if (b.durationMs !== undefined) {
    if (end !== undefined) throw bad('give "end" or "durationMs", not both');
    durationMs = boundedMs(b.durationMs, 'durationMs');
  } else if (end !== undefined && start !== undefined) {
    durationMs = boundedMs(end - start, 'end - start');
  } else {
    throw bad(
      cron !== undefined
        ? 'a recurring window needs "durationMs"'
        : 'a one-shot window needs "end" or "durationMs"',
    );
  }
  const notifyBeforeMs =
    b.notifyBeforeMs === undefined
      ? 15 * 60_000
      : boundedMs(b.notifyBeforeMs, 'notifyBeforeMs', { min: 0, max: NOTIFY_BEFORE_MAX });
  return {
    ...(typeof id === 'string' ? { id } : {}),
    region: b.region,
    reason: reasonOf(b, 'a maintenance window'),
    author: authorOf(b, actor),
    ...(typeof cron === 'string' ? { cron: cron.trim() } : {}),
    ...(start === undefined ? {} : { start }),
    durationMs,
    notifyBeforeMs,
  };
}

const authorParam = (req: IncomingMessage, fallback: string) =>
  (new URL(req.url ?? '/', 'http://localhost').searchParams.get('author') ?? fallback).slice(0, 100);

export function operatorRoutes(api: OperatorApi): Route[] {
  return [
    {
      method: 'PUT',
      path: /^\/v1\/overrides\/([^/]+)$/,
      handler: async (req, res, m) => {
        const caller = api.tokens.require(req, 'operate');
        const body = overrideBody(await readJson(req), caller.name);
        sendJson(res, 200, await api.override(pathParam(m[1]!, 'region'), body, caller.name));
      },
    },
    {
      method: 'DELETE',
      path: /^\/v1\/overrides\/([^/]+)$/,
      handler: async (req, res, m) => {
        const caller = api.tokens.require(req, 'operate');
        sendJson(
          res,
          200,
          await api.clearOverride(pathParam(m[1]!, 'region'), authorParam(req, caller.name), caller.name),
        );
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/maintenance$/,
      handler: (req, res) => {
        api.tokens.read(req);
        sendJson(res, 200, api.windows());
      },
    },
    {
      method: 'POST',
      path: /^\/v1\/maintenance$/,
      handler: async (req, res) => {
        const caller = api.tokens.require(req, 'operate');
        const body = windowBody(await readJson(req), caller.name);
        sendJson(res, 201, await api.addWindow(body, caller.name));
      },
    },
    {
      method: 'DELETE',
      path: /^\/v1\/maintenance\/([^/]+)$/,
      handler: async (req, res, m) => {
        const caller = api.tokens.require(req, 'operate');
        sendJson(
          res,
          200,
          await api.deleteWindow(pathParam(m[1]!, 'id'), authorParam(req, caller.name), caller.name),
        );
      },
    },
  ];
}

export { API_BOUNDS };
