// Where plain HTTP is refused: a controller listening beyond loopback without TLS, and an agent sending
// reports over http:// to a host that is neither loopback nor cluster-local. Both would carry the API's
// bearer tokens and the signed reports in clear text across networks the operator does not own; an
// explicit `allowPlaintext: true` says the network is private and the operator means it.
import { BlockList, isIP } from 'node:net';
import type { Problem } from './problem.ts';
import type { Config } from './schema.ts';

/** The host of `HOST:PORT` (IPv6 in brackets), without brackets. */
export function hostOfListen(listen: string): string {
  const host = listen.slice(0, listen.lastIndexOf(':'));
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

function bare(host: string): string {
  const h = host.startsWith('[') ? host.slice(1, -1) : host;
  return h.toLowerCase().replace(/\.$/, '');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** 127.0.0.0/8, ::1 (and IPv4-mapped loopback), `localhost` and names under it. */
export function isLoopbackHost(host: string): boolean {
  const h = bare(host);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const family = isIP(h);
  return family !== 0 && LOOPBACK.check(h, family === 4 ? 'ipv4' : 'ipv6');
}

/** A Kubernetes Service name (`NAME.NAMESPACE.svc`, `….svc.cluster.local`): never leaves the cluster. */
export function isClusterLocalHost(host: string): boolean {
  const h = bare(host);
  return h.endsWith('.svc') || h.endsWith('.svc.cluster.local');
}

/** Why a controller URL must not be plain HTTP, or undefined when it may be. */
export function plaintextUrlProblem(url: string, allowPlaintext: boolean | undefined): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined; // the schema names a malformed URL
  }
  if (parsed.protocol !== 'http:' || allowPlaintext === true) return undefined;
  if (isLoopbackHost(parsed.hostname) || isClusterLocalHost(parsed.hostname)) return undefined;
  return (
    `"${url}" is plain HTTP to ${parsed.hostname}, which is neither loopback nor cluster-local ` +
    '(*.svc, *.svc.cluster.local): signed reports would cross the network in clear text. Use https:// ' +
    '(with ca: for a private CA; README "TLS"), or set allowPlaintext: true on this entry if the network is private and you mean it'
  );
}

/** Why the controller's listen address must not serve plain HTTP, or undefined when it may. */
export function plaintextListenProblem(controller: Config['controller']): string | undefined {
  if (controller.tls !== undefined || controller.allowPlaintext === true) return undefined;
  const host = hostOfListen(controller.listen);
  if (isLoopbackHost(host)) return undefined;
  return (
    `"${controller.listen}" is beyond loopback without controller.tls: reports, the API and its bearer ` +
    'tokens would travel in clear text. Set controller.tls (certFile, keyFile; README "TLS"), listen on ' +
    '127.0.0.1 behind a TLS proxy, or set controller.allowPlaintext: true if the network is private and you mean it'
  );
}

/** The plain-HTTP refusals of a config: its listen address and each literal `controllers` URL. */
export function plaintextProblems(config: Config): Problem[] {
  const problems: Problem[] = [];
  const listen = plaintextListenProblem(config.controller);
  if (listen) problems.push({ at: ['controller', 'listen'], path: '', message: listen });
  config.controllers.forEach((c, i) => {
    const message = plaintextUrlProblem(c.url, c.allowPlaintext);
    if (message) problems.push({ at: ['controllers', i], path: '', message });
  });
  return problems;
}
