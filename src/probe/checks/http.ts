// HTTP/HTTPS checks on node:http/node:https. A fresh connection per check by default (agent: false),
// because a kept-alive socket hides a broken accept path, and node:http costs ~5x less CPU per fresh
// connection than fetch (REFERENCES.md "Probe check throughput"). TLS is verified unless turned off,
// and the certificate's days to expiry are reported.
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { CheckConfig } from '../../config/index.ts';
import { type CheckOutcome, describeError, elapsed, type RunnableCheck } from './outcome.ts';

type HttpCheckConfig = Extract<CheckConfig, { kind: 'http' | 'https' }>;

/** Bodies are read up to this size for bodyRegex; the rest is ignored. */
const BODY_LIMIT = 64 * 1024;
const DAY_MS = 86_400_000;

export interface HttpCheckOptions {
  timeoutMs: number;
  /** Canary mode: any HTTP response proves the network works, whatever its status. */
  anyStatus?: boolean;
}

/** Validates an http/https check and returns it ready to run; throws Error with the problem otherwise. */
export function compileHttpCheck(check: HttpCheckConfig, opts: HttpCheckOptions): RunnableCheck {
  let url: URL;
  try {
    url = new URL(check.url);
  } catch {
    throw new Error(`url "${check.url}" is not a valid URL`);
  }
  const scheme = url.protocol.replace(':', '');
  if (scheme !== 'http' && scheme !== 'https')
    throw new Error(`url "${check.url}" must be http:// or https://`);
  if (scheme !== check.kind) {
    throw new Error(`check kind is ${check.kind} but url "${check.url}" is ${scheme}; make them agree`);
  }
  if (url.hostname === '') throw new Error(`url "${check.url}" has no host`);
  if (url.username || url.password)
    throw new Error(`url "${check.url}" must not carry credentials; use headers`);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port);
  const path = `${url.pathname}${url.search}`;
  const headers: Record<string, string> = { 'user-agent': 'geofailover-probe', ...check.headers };
  if (check.host !== undefined) headers.host = check.host;
  const sniName = check.sni ?? check.host ?? (isIP(host) === 0 ? host : undefined);
  const regex = check.bodyRegex === undefined ? undefined : new RegExp(check.bodyRegex);
  const expect = new Set(check.expectStatus);
  const mod = scheme === 'https' ? https : http;
  const agent = check.keepAlive
    ? new (scheme === 'https' ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 2 })
    : false;
  const maxLatency = check.maxLatency;
  const timeoutMs = check.timeout ?? opts.timeoutMs;
  const base: https.RequestOptions = {
    host,
    port,
    path,
    method: check.method,
    headers,
    agent,
    ...(scheme === 'https' ? { rejectUnauthorized: check.tlsVerify, servername: sniName } : {}),
  };

  const run = (signal?: AbortSignal): Promise<CheckOutcome> =>
    new Promise<CheckOutcome>((resolve) => {
      const start = performance.now();
      let settled = false;
      let status: number | undefined;
      let certDaysLeft: number | undefined;
      const finish = (ok: boolean, detail: string, destroy: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (destroy) req.destroy();
        const out: CheckOutcome = { ok, latencyMs: elapsed(start), detail };
        if (status !== undefined) out.status = status;
        if (certDaysLeft !== undefined) out.certDaysLeft = certDaysLeft;
        resolve(out);
      };
      const onAbort = () => finish(false, 'aborted (agent stopping)', true);
      const timer = setTimeout(() => finish(false, `timeout after ${timeoutMs} ms`, true), timeoutMs);
      const req = mod.request(base);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => finish(false, describeError(err), true));
      req.on('response', (res) => {
        status = res.statusCode ?? 0;
        if (scheme === 'https') {
          const cert = (res.socket as TLSSocket).getPeerCertificate?.();
          if (cert?.valid_to) {
            certDaysLeft = Math.round(((Date.parse(cert.valid_to) - Date.now()) / DAY_MS) * 10) / 10;
          }
        }
        res.on('error', (err) => finish(false, describeError(err), true));
        res.on('aborted', () => finish(false, 'connection closed mid-response', true));
        let body = '';
        if (regex) {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (body.length < BODY_LIMIT) body += chunk;
          });
        } else res.resume();
        res.on('end', () => {
          const latency = elapsed(start);
          if (!opts.anyStatus && !expect.has(status!)) {
            finish(false, `status ${status}, expected ${[...expect].join('|')}`, false);
          } else if (regex && !regex.test(body.slice(0, BODY_LIMIT))) {
            finish(false, `body does not match /${regex.source}/`, false);
          } else if (maxLatency !== undefined && latency > maxLatency) {
            finish(false, `slow: ${Math.round(latency)} ms > maxLatency ${maxLatency} ms`, false);
          } else {
            finish(true, `status ${status}`, false);
          }
        });
      });
      req.end();
    });

  return {
    description: `${scheme} ${check.method} ${check.url}`,
    timeoutMs,
    run,
    close: agent ? () => agent.destroy() : undefined,
  };
}
