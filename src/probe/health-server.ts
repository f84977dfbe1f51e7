// The agent's own small HTTP listener for kubelet, systemd helpers and load balancers: GET /livez (200
// while the agent loop runs) and GET /readyz (200 while a controller accepted a report recently, else
// 503 with a short JSON reason). It serves nothing else, holds no secret, and bounds what it answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GeofailoverError, UsageError } from '../model/index.ts';
import type { Verdict } from './readiness.ts';

export interface HealthSource {
  liveness(): Verdict;
  readiness(): Verdict & { controllers: readonly Record<string, unknown>[] };
}

export interface HealthServer {
  /** http://host:port it listens on (the port the OS chose for :0). */
  url: string;
  close(): Promise<void>;
}

/** HOST:PORT (IPv6 in brackets) of --health-listen. */
export function parseHealthListen(text: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[2]);
  if (!m || m[1] === '' || port > 65_535)
    throw new UsageError(`--health-listen ${text} is not HOST:PORT`, {
      value: text,
      remedy: 'e.g. --health-listen 127.0.0.1:9464, or 0.0.0.0:9464 where kubelet probes the pod',
    });
  return { host: m[1]!, port };
}

const MAX_REASON = 2000;

function send(res: ServerResponse, status: number, doc: unknown): void {
  const text = JSON.stringify(doc);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export async function startHealthServer(
  listen: string,
  source: HealthSource,
  prober: string,
): Promise<HealthServer> {
  const { host, port } = parseHealthListen(listen);
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, { error: `${req.method} is not allowed` });
      return;
    }
    if (path === '/livez') {
      const v = source.liveness();
      send(res, v.ok ? 200 : 503, { live: v.ok, prober, reason: v.reason.slice(0, MAX_REASON) });
    } else if (path === '/readyz') {
      const v = source.readiness();
      send(res, v.ok ? 200 : 503, {
        ready: v.ok,
        prober,
        reason: v.reason.slice(0, MAX_REASON),
        controllers: v.controllers,
      });
    } else {
      send(res, 404, { error: 'not found: GET /livez or /readyz' });
    }
  });
  // Probes are tiny and quick: nothing may hold a connection open.
  server.headersTimeout = 5000;
  server.requestTimeout = 5000;
  server.keepAliveTimeout = 5000;
  server.maxHeadersCount = 50;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    throw new GeofailoverError(
      `cannot listen on ${host}:${port} for the health endpoints: ${code === 'EADDRINUSE' ? 'the address is in use' : (err as Error).message}`,
      { value: listen, remedy: 'give --health-listen a free HOST:PORT', cause: err },
    );
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
