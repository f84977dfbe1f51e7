// The API listener: parse controller.listen, listen, and turn a failure into one clear error.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GeofailoverError, UsageError } from '../../model/index.ts';

export function splitListen(listen: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(listen);
  if (!m) throw new UsageError(`listen address ${listen} is not HOST:PORT`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Listens on host:port; the raw listen error (EADDRINUSE…) is rejected as is, see listenError. */
export function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
}

export function listenError(err: unknown, host: string, port: number): GeofailoverError {
  const code = (err as NodeJS.ErrnoException).code;
  return new GeofailoverError(
    code === 'EADDRINUSE'
      ? `cannot listen on ${host}:${port}: the address is in use`
      : `cannot listen on ${host}:${port}: ${(err as Error).message}`,
    { remedy: 'stop the other process or set controller.listen to a free address', cause: err },
  );
}

/** The base URL the server listens on (IPv6 in brackets). */
export function urlOf(server: Server, scheme: 'http' | 'https' = 'http'): string {
  const addr = server.address() as AddressInfo;
  return `${scheme}://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
}
