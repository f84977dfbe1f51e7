// TCP checks: the endpoint accepts a connection (then it is closed at once).
import net from 'node:net';
import type { CheckConfig } from '../../config/index.ts';
import { type CheckOutcome, describeError, elapsed, type RunnableCheck } from './outcome.ts';

type TcpCheckConfig = Extract<CheckConfig, { kind: 'tcp' }>;

export function compileTcpCheck(
  check: TcpCheckConfig,
  address: string,
  defaultTimeoutMs: number,
): RunnableCheck {
  const host = check.host ?? address;
  const port = check.port;
  const timeoutMs = check.timeout ?? defaultTimeoutMs;
  const run = (signal?: AbortSignal): Promise<CheckOutcome> =>
    new Promise<CheckOutcome>((resolve) => {
      const start = performance.now();
      let settled = false;
      const finish = (ok: boolean, detail: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve({ ok, latencyMs: elapsed(start), detail });
      };
      const onAbort = () => finish(false, 'aborted (agent stopping)');
      const timer = setTimeout(() => finish(false, `timeout after ${timeoutMs} ms`), timeoutMs);
      const socket = net.connect({ host, port });
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => finish(true, 'connected'));
      socket.once('error', (err) => finish(false, describeError(err)));
    });
  return { description: `tcp ${host}:${port}`, timeoutMs, run };
}
