// The tcp check kind: the endpoint accepts a connection (then it is closed at once).
import { z } from 'zod';
import { duration } from '../../config/fields/index.ts';
import { type CheckTarget, defineCheck } from './definition.ts';
import { lazily } from './lazy.ts';
import { type CheckOutcome, describeError, elapsed, type RunnableCheck } from './outcome.ts';

const tcpSchema = z.strictObject({
  kind: z.literal('tcp'),
  /** Defaults to the endpoint address (a dual-stack endpoint's check connects to each family's address). */
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535),
  timeout: duration.optional(),
});

const loadNet = () => import('node:net');
type Net = Awaited<ReturnType<typeof loadNet>>;
const withNet = lazily(loadNet);

function compileTcpCheck(
  check: z.output<typeof tcpSchema>,
  { address, timeoutMs: defaultTimeoutMs, family }: CheckTarget,
): RunnableCheck {
  // Probing one family of a dual-stack endpoint: its address, whatever `host` says.
  const host = family === undefined ? (check.host ?? address) : address;
  const port = check.port;
  const timeoutMs = check.timeout ?? defaultTimeoutMs;
  const connect = (net: Net, signal?: AbortSignal): Promise<CheckOutcome> =>
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
  const run = (signal?: AbortSignal) => withNet((net) => connect(net, signal));
  return { description: `tcp ${host}:${port}`, label: `tcp ${port}`, timeoutMs, run };
}

export const tcp = defineCheck({ kinds: ['tcp'], schema: tcpSchema, compile: compileTcpCheck });
