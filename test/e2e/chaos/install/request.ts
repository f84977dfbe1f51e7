// One HTTP(S) request from inside a namespace, with the TLS files a caller holds (the CA it trusts,
// the client certificate it presents), by plain node: starts in ~50 ms. A request the other side
// refuses at the connection (a TLS handshake that fails, a reset) is an answer here, not an error:
// the test asserts on refusals.
import { runIn } from './ns-exec.ts';

export interface RequestOptions {
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export type Answer =
  | { status: number; body: string; error?: undefined }
  | { status?: undefined; error: string };

const SCRIPT = `
const [method, url, o] = [process.argv[1], process.argv[2], JSON.parse(process.argv[3])];
const fs = require('node:fs');
const mod = require(url.startsWith('https:') ? 'node:https' : 'node:http');
const tls = url.startsWith('https:')
  ? { ca: o.ca && fs.readFileSync(o.ca), cert: o.cert && fs.readFileSync(o.cert), key: o.key && fs.readFileSync(o.key) }
  : {};
const headers = { accept: 'application/json', ...o.headers };
if (o.token) headers.authorization = 'Bearer ' + o.token;
if (o.body) headers['content-type'] = 'application/json';
const req = mod.request(url, { method, headers, timeout: o.timeoutMs, agent: false, ...tls }, (res) => {
  let body = '';
  res.on('data', (d) => { body += d; });
  res.on('end', () => process.stdout.write(JSON.stringify({ status: res.statusCode, body })));
});
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (e) => process.stdout.write(JSON.stringify({ error: (e.code ? e.code + ': ' : '') + e.message })));
req.end(o.body || undefined);`;

export async function request(
  namespace: string,
  method: string,
  url: string,
  o: RequestOptions = {},
): Promise<Answer> {
  const timeoutMs = o.timeoutMs ?? 5000;
  const ran = await runIn(
    namespace,
    [process.execPath, '-e', SCRIPT, method, url, JSON.stringify({ ...o, timeoutMs })],
    { timeoutMs: timeoutMs + 5000 },
  );
  try {
    return JSON.parse(ran.out) as Answer;
  } catch {
    return { error: `request helper failed (exit ${ran.code}): ${ran.out.slice(0, 500)}` };
  }
}
