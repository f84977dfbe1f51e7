// An etcd client endpoint: http:// or https://, a host and an explicit port, nothing else. The gRPC
// client would read a bare host:port as plain text and a URL without a port as port 443, and would
// drop a path without a word, so each of those is refused here with the form to write instead.
import { z } from 'zod';

/** Why `s` is no etcd endpoint, or undefined when it is one. */
export function etcdEndpointProblem(written: string): string | undefined {
  // Whatever sits before an @ may be a password: it is never repeated in a message.
  const s = written.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/@]*@/i, '$1[credentials]@');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    const hostPort = /:\d+$/.test(s) ? s : `${s}:2379`;
    return `etcd endpoint "${s}" has no scheme: write https://${hostPort} (TLS, with tls.ca) or http://${hostPort} (plain text)`;
  }
  if (scheme !== 'http' && scheme !== 'https')
    return `etcd endpoint "${s}" has the scheme ${scheme}://; etcd endpoints are https://HOST:PORT or http://HOST:PORT`;
  let u: URL;
  try {
    u = new URL(written);
  } catch {
    return `etcd endpoint "${s}" is not a URL; write https://HOST:PORT, e.g. https://etcd-1:2379`;
  }
  if (u.username || u.password)
    return `etcd endpoint "${s}" holds credentials; give the user in auth.user and the password through auth.passwordEnv or auth.passwordFile`;
  // URL() drops a default port (https://etcd:443 has port ''), so look at what was written.
  if (!/^[a-z]+:\/\/([^/@]*@)?(\[[^\]]*\]|[^/?#[\]:]+):\d+(\/|$|\?|#)/i.test(written))
    return `etcd endpoint "${s}" has no port: add it, e.g. ${scheme}://${u.hostname}:2379 (etcd's client port)`;
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash)
    return `etcd endpoint "${s}" has a path or query; an etcd endpoint is ${scheme}://${u.host} only`;
  return undefined;
}

export const etcdEndpoint = z
  .string()
  .superRefine((s, ctx) => {
    const problem = etcdEndpointProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((s) => s.replace(/\/+$/, ''))
  .describe('An etcd client URL: https://HOST:PORT or http://HOST:PORT.');
