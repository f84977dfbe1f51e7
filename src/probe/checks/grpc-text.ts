// What a gRPC health check's failure says, and the channel target it dials: pure, so each status's
// wording is tested without a server. A detail names the status the way the health protocol and
// grpc-js do (NOT_SERVING, SERVICE_UNKNOWN, DEADLINE_EXCEEDED) and, where the cause is usual, what it
// most likely means.
import { isIpLiteral } from './ip-literal.ts';

/** grpc-js's channel target: an IP literal skips name resolution; a host name uses DNS. */
export function grpcTarget(host: string, port: number): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.includes(':')) return `ipv6:[${bare}]:${port}`;
  if (isIpLiteral(bare)) return `ipv4:${bare}:${port}`;
  return `dns:${bare}:${port}`;
}

/** The detail longer than this is cut: a server's message is not ours to bound. */
const MAX_DETAILS = 300;

/**
 * The detail of a failed Check call. `names` maps status codes to names (grpc-js's `status` enum,
 * passed in so this file loads nothing of grpc-js).
 */
export function grpcErrorText(
  names: Record<number, string>,
  err: { code?: number; details?: string; message?: string },
  ctx: { service: string; deadlineMs: number },
): string {
  const name = err.code === undefined ? 'ERROR' : (names[err.code] ?? `status ${err.code}`);
  const details = tidy(err.details ?? err.message ?? '');
  const who = ctx.service === '' ? 'the server as a whole' : `service "${ctx.service}"`;
  switch (name) {
    // The health service answers NOT_FOUND for a service it has no status for (the protocol's
    // SERVICE_UNKNOWN, which only the streaming Watch returns as a status).
    case 'NOT_FOUND':
      return `SERVICE_UNKNOWN: the server has no health status for ${who} (NOT_FOUND${details ? `: ${details}` : ''})`;
    case 'UNIMPLEMENTED':
      return 'UNIMPLEMENTED: the server does not offer grpc.health.v1.Health';
    case 'DEADLINE_EXCEEDED':
      return `DEADLINE_EXCEEDED: no answer within ${ctx.deadlineMs} ms`;
    case 'UNAVAILABLE':
      return `UNAVAILABLE: ${details || 'no connection'}${protocolHint(details)}`;
    default:
      return details ? `${name}: ${details}` : name;
  }
}

/** grpc-js's connection error without its timestamps, empty notes, nested error names and Node's
 *  advice about its own flags; OpenSSL's raw lines reduced to their reason. */
function tidy(details: string): string {
  return details
    .replace(/\s*\(\d{4}-\d\d-\d\dT[\d:.]+Z\)/g, '')
    .replace(/\s*Resolution note:\s*$/, '')
    .replace(/Last error: (?:\w*Error(?: \[[A-Z_]+\])?: )+/g, 'Last error: ')
    .replace(/; if the root CA is installed locally, try running Node\.js with --use-system-ca\.?/, '')
    .replace(/[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*:([^:]+):\S*:\d+:\s*/g, 'TLS handshake failed: $1')
    .replace(/\s+/g, ' ')
    .replace(/\s+\.$/, '')
    .trim()
    .slice(0, MAX_DETAILS);
}

/** A port that answers but not with HTTP/2 (an HTTP/1 server, TLS on a plain check, or the reverse). */
function protocolHint(details: string): string {
  if (/protocol error|http\/1|bad request|received http2 header|unexpected|GOAWAY/i.test(details))
    return ' (the port does not speak gRPC: is it an HTTP/1 port, or does `tls` not match the server?)';
  if (/wrong version number|packet length too long/i.test(details))
    return ' (the port does not speak TLS: is `tls: true` set for a plain port?)';
  if (/ssl|tls|certificate|altname/i.test(details))
    return ' (TLS failed: check `tls`, `ca` and `serverName` against the server)';
  return '';
}
