// The http and https check kinds (one schema), on node:http/node:https. A fresh connection per check
// by default (agent: false), because a kept-alive socket hides a broken accept path, and node:http
// costs ~5x less CPU per fresh connection than fetch. TLS is verified unless turned off, and the
// certificate's days to expiry are reported. Besides the status, a check may demand a body pattern
// and response headers matching patterns (which backend answered, e.g. `x-served-by: ^eu-`).
import { z } from 'zod';
import { duration, url as httpUrl } from '../../config/fields/index.ts';
import { defineCheck } from './definition.ts';
import { lazily } from './lazy.ts';
import { type CheckOutcome, describeError, elapsed, type RunnableCheck } from './outcome.ts';

const regex = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

const httpSchema = z
  .strictObject({
    kind: z.enum(['http', 'https']),
    url: httpUrl,
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS']).default('GET'),
    /** Host header to send (and TLS SNI unless `sni` is set). */
    host: z.string().min(1).optional(),
    sni: z.string().min(1).optional(),
    headers: z.record(z.string(), z.string()).default({}),
    expectStatus: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
    bodyRegex: regex.optional(),
    /** Response headers that must be present and match a regular expression, by header name. */
    expectHeaders: z
      .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name'), regex)
      .optional(),
    maxLatency: duration.optional(),
    timeout: duration.optional(),
    /** TLS certificate verification; on unless explicitly turned off. */
    tlsVerify: z.boolean().default(true),
    keepAlive: z.boolean().default(false),
  })
  .describe('An HTTP or HTTPS check.');

type HttpCheckConfig = z.output<typeof httpSchema>;

const loadHttp = async () => {
  const [http, https, net] = await Promise.all([
    import('node:http'),
    import('node:https'),
    import('node:net'),
  ]);
  return { http, https, isIP: net.isIP };
};
type Http = Awaited<ReturnType<typeof loadHttp>>;
const withHttp = lazily(loadHttp);

/** Bodies are read up to this size for bodyRegex; the rest is ignored. */
const BODY_LIMIT = 64 * 1024;
const DAY_MS = 86_400_000;

export interface HttpCheckOptions {
  timeoutMs: number;
  /** Connect to this address instead of the URL's host (one family of a dual-stack endpoint); the
   *  URL's host name is still sent as Host and used for SNI, its port and path are kept. */
  connectTo?: string;
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
  const urlHost = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const host = opts.connectTo ?? urlHost;
  const port = url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port);
  const path = `${url.pathname}${url.search}`;
  const headers: Record<string, string> = { 'user-agent': 'geofailover-probe', ...check.headers };
  // Aimed at one family's address, the request still names the URL's host (a virtual host answers
  // by it); an IP literal in the URL is left to Node, which names the address it connects to.
  const literal = /^[\d.]+$/.test(urlHost) || urlHost.includes(':');
  if (opts.connectTo !== undefined && !literal) headers.host = url.host;
  if (check.host !== undefined) headers.host = check.host;
  const bodyRegex = check.bodyRegex === undefined ? undefined : new RegExp(check.bodyRegex);
  const headerRegexes = Object.entries(check.expectHeaders ?? {}).map(
    ([name, re]) => [name.toLowerCase(), new RegExp(re)] as const,
  );
  const expect = new Set(check.expectStatus);
  const maxLatency = check.maxLatency;
  const timeoutMs = check.timeout ?? opts.timeoutMs;
  // The request module, the agent and the request options need node:http: made on the first run.
  let agent: InstanceType<Http['http']['Agent']> | false | undefined;
  const prepare = ({ http, https, isIP }: Http) => {
    const sniName = check.sni ?? check.host ?? (isIP(urlHost) === 0 ? urlHost : undefined);
    agent = check.keepAlive
      ? new (scheme === 'https' ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 2 })
      : false;
    const base = {
      host,
      port,
      path,
      method: check.method,
      headers,
      agent,
      ...(scheme === 'https' ? { rejectUnauthorized: check.tlsVerify, servername: sniName } : {}),
    };
    return { mod: scheme === 'https' ? https : http, base };
  };
  const withRequest = lazily(() => withHttp(async (loaded) => prepare(loaded)));

  const send = ({ mod, base }: ReturnType<typeof prepare>, signal?: AbortSignal): Promise<CheckOutcome> =>
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
          const cert = (
            res.socket as { getPeerCertificate?: () => { valid_to?: string } }
          ).getPeerCertificate?.();
          if (cert?.valid_to) {
            certDaysLeft = Math.round(((Date.parse(cert.valid_to) - Date.now()) / DAY_MS) * 10) / 10;
          }
        }
        res.on('error', (err) => finish(false, describeError(err), true));
        res.on('aborted', () => finish(false, 'connection closed mid-response', true));
        let body = '';
        if (bodyRegex) {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (body.length < BODY_LIMIT) body += chunk;
          });
        } else res.resume();
        res.on('end', () => {
          const latency = elapsed(start);
          const headersWrong =
            headerRegexes.length > 0 ? headerProblem(res.headers, headerRegexes) : undefined;
          if (!opts.anyStatus && !expect.has(status!)) {
            finish(false, `status ${status}, expected ${[...expect].join('|')}`, false);
          } else if (bodyRegex && !bodyRegex.test(body.slice(0, BODY_LIMIT))) {
            finish(false, `body does not match /${bodyRegex.source}/`, false);
          } else if (headersWrong !== undefined) {
            finish(false, headersWrong, false);
          } else if (maxLatency !== undefined && latency > maxLatency) {
            finish(false, `slow: ${Math.round(latency)} ms > maxLatency ${maxLatency} ms`, false);
          } else {
            finish(true, `status ${status}`, false);
          }
        });
      });
      req.end();
    });

  const run = (signal?: AbortSignal) => withRequest((request) => send(request, signal));
  return {
    description: `${scheme} ${check.method} ${check.url}${opts.connectTo === undefined ? '' : ` via ${opts.connectTo}`}`,
    label: `${scheme} ${url.pathname}`,
    timeoutMs,
    run,
    close: check.keepAlive
      ? () => {
          if (agent) agent.destroy();
        }
      : undefined,
  };
}

/** Header values are quoted in a detail up to this length. */
const HEADER_QUOTE = 80;

/** Why the response's headers fail `expected` (the first that does), or undefined when all match. */
export function headerProblem(
  headers: Record<string, string | string[] | undefined>,
  expected: readonly (readonly [string, RegExp])[],
): string | undefined {
  for (const [name, re] of expected) {
    const raw = headers[name];
    if (raw === undefined) return `header ${name} missing, expected /${re.source}/`;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (!re.test(value)) {
      const shown = value.length > HEADER_QUOTE ? `${value.slice(0, HEADER_QUOTE)}…` : value;
      return `header ${name}: ${JSON.stringify(shown)} does not match /${re.source}/`;
    }
  }
  return undefined;
}

export const http = defineCheck({
  kinds: ['http', 'https'],
  schema: httpSchema,
  compile: (check, { timeoutMs, address, family }) =>
    compileHttpCheck(check, { timeoutMs, ...(family === undefined ? {} : { connectTo: address }) }),
});
