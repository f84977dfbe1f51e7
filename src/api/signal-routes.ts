// API routes for signals (README "Signals: Prometheus and Alertmanager"): Alertmanager's webhook
// (POST /v1/signals/alertmanager), a push (PUT /v1/signals/NAME) and the list (GET /v1/signals). A
// delivery needs a bearer token that the signal's config names in `tokens` (give it role signal): the
// sender is known before its body is read, the body is bounded (1 MiB for a webhook, 16 KiB for a
// push) and read whole, and a refused one changes nothing and answers 4xx with its reason.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignalAlert } from '../health/index.ts';
import {
  MAX_PUSH_BYTES,
  MAX_WEBHOOK_BYTES,
  type PushBody,
  parseAlertmanagerPayload,
  parsePushBody,
  SignalInputError,
} from '../signals/index.ts';
import { pathParam } from './bounds.ts';
import { HttpError, readBody, sendJson } from './http-util.ts';
import type { Route } from './router.ts';
import type { ApiTokens, Caller } from './tokens.ts';

export interface PushTarget {
  kind: 'prometheus' | 'alertmanager' | 'push';
  tokens: readonly string[];
  maxExpiresInMs: number;
}

export interface SignalApi {
  tokens: ApiTokens;
  /** Token names some alertmanager signal lists in `tokens`. */
  alertSenders(): ReadonlySet<string>;
  deliverAlerts(sender: Caller, alerts: SignalAlert[]): unknown;
  /** A configured signal by name, or undefined. */
  pushTarget(name: string): PushTarget | undefined;
  push(name: string, body: PushBody, sender: Caller): unknown;
  list(): unknown;
  /** Count a refused delivery (metrics, log). */
  refused(route: 'alertmanager' | 'push', reason: string, detail: string): void;
}

const REFUSAL = { 'malformed-json': 400, 'bad-payload': 400, 'too-large': 413 } as const;

/** The caller a delivery comes from (401 without a known token), before anything else is said. */
function identified(tokens: ApiTokens, req: IncomingMessage, what: string): Caller {
  if (!tokens.configured)
    throw new HttpError(
      403,
      'signal deliveries are disabled: no controller.tokens are configured',
      'no-token-configured',
    );
  const caller = tokens.identify(req);
  if (!caller)
    throw new HttpError(
      401,
      `${what} needs a bearer token that the signal's tokens name (Authorization: Bearer <token>)`,
      'unauthorized',
    );
  return caller;
}

function allowed(caller: Caller, names: ReadonlySet<string>, what: string): void {
  if (!names.has(caller.name))
    throw new HttpError(
      403,
      `token "${caller.name}" may not deliver ${what}: the signal does not name it in tokens`,
      'forbidden',
    );
}

/**
 * The body, bounded before and while it is read (a declared length over the bound is refused unread).
 * A refused body is not read to its end: the connection closes once the 413 is out, so what is left
 * of it can neither hold the connection nor be read as the next request.
 */
async function bodyOf(req: IncomingMessage, res: ServerResponse, limit: number): Promise<string> {
  const tooLarge = (err: HttpError): HttpError => {
    res.setHeader('connection', 'close');
    res.once('finish', () => req.destroy());
    return err;
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit)
    throw tooLarge(new HttpError(413, `body of ${declared} bytes is over ${limit} bytes`, 'too-large'));
  try {
    return await readBody(req, limit);
  } catch (err) {
    throw err instanceof HttpError && err.status === 413 ? tooLarge(err) : err;
  }
}

function refused(err: SignalInputError): HttpError {
  return new HttpError(REFUSAL[err.reason], err.message, err.reason);
}

/** Runs a delivery handler; a refusal is counted before it is answered. */
function counted(
  api: SignalApi,
  route: 'alertmanager' | 'push',
  handler: (req: IncomingMessage, res: ServerResponse, m: RegExpExecArray) => Promise<void>,
): Route['handler'] {
  return async (req, res, m) => {
    try {
      await handler(req, res, m);
    } catch (err) {
      const e = err instanceof SignalInputError ? refused(err) : err;
      if (e instanceof HttpError) api.refused(route, e.reason, e.message);
      throw e;
    }
  };
}

export function signalRoutes(api: SignalApi): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/v1\/signals$/,
      handler: (req, res) => {
        api.tokens.read(req);
        sendJson(res, 200, api.list());
      },
    },
    {
      method: 'POST',
      path: /^\/v1\/signals\/alertmanager$/,
      handler: counted(api, 'alertmanager', async (req, res) => {
        const caller = identified(api.tokens, req, 'Alertmanager alerts');
        allowed(caller, api.alertSenders(), 'Alertmanager alerts');
        const alerts = parseAlertmanagerPayload(await bodyOf(req, res, MAX_WEBHOOK_BYTES));
        sendJson(res, 200, api.deliverAlerts(caller, alerts));
      }),
    },
    {
      method: 'PUT',
      path: /^\/v1\/signals\/([^/]+)$/,
      handler: counted(api, 'push', async (req, res, m) => {
        const name = pathParam(m[1]!, 'signal name');
        // Who asks first: a caller without a token learns nothing, not even which signals exist.
        const caller = identified(api.tokens, req, 'a push');
        const target = api.pushTarget(name);
        if (!target) throw new HttpError(404, `no signal "${name.slice(0, 64)}"`, 'unknown-signal');
        if (target.kind !== 'push')
          throw new HttpError(
            409,
            `signal "${name}" is of kind ${target.kind}: only a push signal takes PUT /v1/signals/NAME`,
            'not-a-push-signal',
          );
        allowed(caller, new Set(target.tokens), `signal ${name}`);
        const body = parsePushBody(await bodyOf(req, res, MAX_PUSH_BYTES), target.maxExpiresInMs);
        sendJson(res, 200, api.push(name, body, caller));
      }),
    },
  ];
}
