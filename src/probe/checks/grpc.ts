// The grpc check kind: one grpc.health.v1 Health/Check call for a service name (empty: the whole
// server), over plain HTTP/2 or TLS, with a deadline. Passes only on SERVING. @grpc/grpc-js and
// grpc-health-check's client are imported on the first run, so `validate` never loads them.
import { z } from 'zod';
import { duration, pemFile } from '../../config/fields/index.ts';
import { type CheckTarget, defineCheck } from './definition.ts';
import { grpcErrorText, grpcTarget } from './grpc-text.ts';
import { isIpLiteral } from './ip-literal.ts';
import { lazily } from './lazy.ts';
import { type CheckOutcome, elapsed, type RunnableCheck } from './outcome.ts';

const grpcSchema = z
  .strictObject({
    kind: z.literal('grpc'),
    /** Defaults to the endpoint address. */
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535),
    /** The service name asked about; empty asks about the whole server. */
    service: z.string().max(200).default(''),
    /** TLS to the server; off means plain HTTP/2 (h2c), as most in-cluster gRPC runs. */
    tls: z.boolean().default(false),
    /** PEM CA bundle the server's certificate must chain to (tls only; default: the system CAs). */
    ca: pemFile.optional(),
    /** The name the certificate must carry, also sent as SNI and :authority (tls only; default: host). */
    serverName: z.string().min(1).optional(),
    /** How long the call may take, connection included (default: health.timeout). */
    deadline: duration.optional(),
    /** Keep one channel open between checks instead of a fresh connection each time. */
    keepAlive: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    for (const key of ['ca', 'serverName'] as const) {
      if (c[key] !== undefined && !c.tls)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} applies only to a TLS connection; add tls: true or remove ${key}`,
        });
    }
  })
  .describe('A gRPC health check (grpc.health.v1.Health/Check).');

const loadGrpc = async () => {
  const [grpc, health] = await Promise.all([import('@grpc/grpc-js'), import('grpc-health-check')]);
  // A CommonJS package: its exports are named where Node detects them, and always on `default`.
  const service = health.service ?? health.default.service;
  const Health = grpc.makeGenericClientConstructor(service as never, 'Health');
  return { grpc, Health };
};
type Grpc = Awaited<ReturnType<typeof loadGrpc>>;
type CheckCallback = (err: (Error & { code?: number; details?: string }) | null, reply?: CheckReply) => void;
/** The generated client's one method this check calls. */
type HealthClient = InstanceType<Grpc['Health']> & {
  Check(req: { service: string }, opts: { deadline: number }, cb: CheckCallback): { cancel(): void };
};
const withGrpc = lazily(loadGrpc);

interface CheckReply {
  status?: string;
}

function compileGrpcCheck(check: z.output<typeof grpcSchema>, target: CheckTarget): RunnableCheck {
  // Probing one family of a dual-stack endpoint: that family's address; a `host` name stays the name
  // asked for (TLS server name and :authority).
  const host = target.family === undefined ? (check.host ?? target.address) : target.address;
  if (host === '') throw new Error('grpc check has no host (set `host` or an endpoint address)');
  const serverName =
    check.serverName ??
    (target.family !== undefined && check.host !== undefined && !isIpLiteral(check.host)
      ? check.host
      : undefined);
  const port = check.port;
  const deadlineMs = check.deadline ?? target.timeoutMs;
  const service = check.service;
  let ca: string | undefined;
  if (check.ca !== undefined) {
    if (!target.readCa) throw new Error(`cannot read the CA file ${check.ca} here`);
    ca = target.readCa(check.ca, 'ca');
  }
  // TLS sends no IP address as the server name (RFC 6066), and grpc-js would send the host as one.
  if (check.tls && serverName === undefined && isIpLiteral(host))
    throw new Error(
      `a TLS grpc check of the address ${host} needs serverName: the host name in the server's certificate`,
    );
  if (check.tls && serverName !== undefined && isIpLiteral(serverName))
    throw new Error(
      `serverName ${serverName} is an IP address; give the host name in the server's certificate (TLS sends no IP address as the server name)`,
    );
  const who = service === '' ? '(server)' : service;
  // A fresh channel per check, with its own subchannel pool: grpc-js would otherwise share one
  // connection between channels, and a kept connection hides a server that no longer accepts new ones.
  // A short-lived channel needs no channelz registration either.
  const options: Record<string, string | number> = {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.enable_channelz': 0,
  };
  if (check.tls && serverName !== undefined) {
    options['grpc.ssl_target_name_override'] = serverName;
    options['grpc.default_authority'] = serverName;
  }
  let shared: HealthClient | undefined;
  const client = ({ grpc, Health }: Grpc): HealthClient => {
    if (check.keepAlive && shared) return shared;
    const creds = check.tls
      ? grpc.credentials.createSsl(ca === undefined ? null : Buffer.from(ca))
      : grpc.credentials.createInsecure();
    const c = new Health(grpcTarget(host, port), creds, options) as HealthClient;
    if (check.keepAlive) shared = c;
    return c;
  };

  const ask = (loaded: Grpc, signal?: AbortSignal): Promise<CheckOutcome> =>
    new Promise<CheckOutcome>((resolve) => {
      const start = performance.now();
      const c = client(loaded);
      let settled = false;
      const finish = (ok: boolean, detail: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        signal?.removeEventListener('abort', onAbort);
        if (!check.keepAlive) c.close();
        resolve({ ok, latencyMs: elapsed(start), detail });
      };
      const onAbort = () => {
        call.cancel();
        finish(false, 'aborted (agent stopping)');
      };
      // The deadline ends the call; this only guards against a call that never calls back.
      const guard = setTimeout(
        () => finish(false, `DEADLINE_EXCEEDED: no answer within ${deadlineMs} ms`),
        deadlineMs + 1000,
      );
      const call = c.Check({ service }, { deadline: Date.now() + deadlineMs }, (err, reply) => {
        if (err) {
          finish(false, grpcErrorText(loaded.grpc.status, err, { service, deadlineMs }));
          return;
        }
        const status = reply?.status ?? 'UNKNOWN';
        finish(status === 'SERVING', status);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  // Loaded now, while the agent starts: in the middle of its first round, the ~0.2 s that grpc-js
  // takes to load would hold up every other check in flight.
  void withGrpc(async () => undefined).catch(() => undefined);
  const run = (signal?: AbortSignal) =>
    withGrpc((loaded) => ask(loaded, signal)).catch(
      (err: Error): CheckOutcome => ({
        ok: false,
        latencyMs: 0,
        detail: `cannot load the gRPC client (@grpc/grpc-js, grpc-health-check): ${err.message}`,
      }),
    );
  return {
    description: `grpc ${host}:${port} ${who}${check.tls ? ' (tls)' : ''}`,
    label: `grpc ${who}`,
    timeoutMs: deadlineMs,
    run,
    close: check.keepAlive
      ? () => {
          shared?.close();
          shared = undefined;
        }
      : undefined,
  };
}

export const grpc = defineCheck({ kinds: ['grpc'], schema: grpcSchema, compile: compileGrpcCheck });
