// A minimal router over node:http: method + path pattern → handler. Every handler error becomes a
// JSON reply (4xx for HttpError, 500 otherwise) and never reaches the process: servers do not crash.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../log/index.ts';
import { HttpError, sendJson } from './http-util.ts';

export interface Route {
  method: string;
  path: RegExp;
  handler: (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => void | Promise<void>;
}

/** The request handler: the first route whose path and method match; 404/405 otherwise. */
export function routeRequests(
  routes: () => readonly Route[],
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    let pathMatched = false;
    for (const route of routes()) {
      const m = route.path.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== req.method && !(route.method === 'GET' && req.method === 'HEAD')) continue;
      Promise.resolve()
        .then(() => route.handler(req, res, m))
        .catch((err: unknown) => {
          if (err instanceof HttpError) {
            sendJson(res, err.status, { error: err.message, reason: err.reason });
            return;
          }
          logger.error({ err, method: req.method, path }, 'API handler failed');
          sendJson(res, 500, { error: 'internal error (logged by the controller)' });
        });
      return;
    }
    if (pathMatched) sendJson(res, 405, { error: `method ${req.method} not allowed on ${path}` });
    else sendJson(res, 404, { error: `no such resource: ${path}` });
  };
}

export function createRouterServer(routes: () => readonly Route[], logger: Logger): Server {
  return hardenServer(createServer(routeRequests(routes, logger)));
}

/** Bad requests answered and never thrown; bounded header and request times (HTTP and HTTPS alike). */
export function hardenServer<S extends Server>(server: S): S {
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });
  // Bounded header and request times: a slow client cannot hold the API.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return server;
}
