// Talks to a running controller's HTTP API for `status`, `events`, `drain`, `undrain`, `explain`.
// An https:// controller with a private CA or client certificates: --ca, --cert, --key, or the
// environment (GEOFAILOVER_CA, GEOFAILOVER_CLIENT_CERT, GEOFAILOVER_CLIENT_KEY).
import { type Command, Option } from 'commander';
import { GeofailoverError, UsageError } from '../model/index.ts';
import { type ClientTlsRefs, type HttpReply, HttpsClient, TlsRequestError } from '../tls/client.ts';

export interface ClientOptions {
  controller: string;
  /** Environment variable holding the bearer token for mutating calls. */
  tokenEnv?: string;
  timeoutMs?: number;
  /** PEM CA bundle to trust for an https:// controller. */
  ca?: string;
  /** Client certificate and key (PEM) for a controller that requires one. */
  cert?: string;
  key?: string;
}

/** The controller URL when --controller is not given, so status, events, drain … need no flag. */
export const CONTROLLER_ENV = 'GEOFAILOVER_CONTROLLER';

/** --controller URL, required unless GEOFAILOVER_CONTROLLER gives it. */
export function controllerOption(): Option {
  return new Option('--controller <url>', 'controller URL, e.g. https://geofailover.example:8443')
    .env(CONTROLLER_ENV)
    .makeOptionMandatory();
}

export const TLS_ENV = {
  ca: 'GEOFAILOVER_CA',
  cert: 'GEOFAILOVER_CLIENT_CERT',
  key: 'GEOFAILOVER_CLIENT_KEY',
} as const;

/** Adds --ca, --cert and --key to a command that talks to the controller. */
export function withControllerTls(cmd: Command): Command {
  return cmd
    .option('--ca <file>', `CA (PEM) to trust for an https:// controller [env ${TLS_ENV.ca}]`)
    .option(
      '--cert <file>',
      `client certificate (PEM) when the controller requires one [env ${TLS_ENV.cert}]`,
    )
    .option('--key <file>', `key (PEM) of the client certificate [env ${TLS_ENV.key}]`);
}

/** The TLS files to use: flags first, then the environment; checked now (a bad file is exit 2). */
function tlsClient(opts: ClientOptions, base: URL, env: NodeJS.ProcessEnv): HttpsClient | undefined {
  const pick = (k: keyof typeof TLS_ENV) => {
    const flag = opts[k];
    if (flag) return { path: flag, where: `--${k}` };
    const v = env[TLS_ENV[k]]?.trim();
    return v ? { path: v, where: TLS_ENV[k] } : undefined;
  };
  if (base.protocol !== 'https:') {
    const given = (['ca', 'cert', 'key'] as const).filter((k) => opts[k]);
    if (given.length > 0)
      throw new UsageError(
        `${given.map((k) => `--${k}`).join(', ')} apply only to an https:// --controller`,
        {
          value: opts.controller,
          remedy: 'use the https:// URL of the controller, or leave the TLS options out',
        },
      );
    return undefined;
  }
  const ca = pick('ca');
  const cert = pick('cert');
  const key = pick('key');
  if ((cert === undefined) !== (key === undefined))
    throw new UsageError('a client certificate needs both --cert and --key', {
      remedy: `pass both (or set ${TLS_ENV.cert} and ${TLS_ENV.key})`,
    });
  const refs: ClientTlsRefs = { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) };
  return new HttpsClient(refs, {
    trustRemedy: `pass --ca FILE (or set ${TLS_ENV.ca}) with the CA that issued the controller's certificate`,
    clientCertRemedy: `pass --cert FILE --key FILE (or set ${TLS_ENV.cert} and ${TLS_ENV.key}) with a certificate signed by the controller's client CA`,
  });
}

export class ControllerUnreachableError extends GeofailoverError {}

export async function callController(
  opts: ClientOptions,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  let base: URL;
  try {
    base = new URL(opts.controller);
  } catch {
    throw new UsageError(`--controller ${opts.controller} is not a URL`, {
      remedy: 'pass e.g. --controller http://127.0.0.1:8080',
    });
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  const tokenEnv = opts.tokenEnv ?? 'GEOFAILOVER_API_TOKEN';
  const token = process.env[tokenEnv];
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const tls = tlsClient(opts, base, process.env);
  let res: HttpReply;
  try {
    const init = {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    };
    if (tls) res = await tls.request(new URL(path, base), init);
    else {
      const r = await fetch(new URL(path, base), init);
      res = { status: r.status, text: await r.text() };
    }
  } catch (err) {
    throw new ControllerUnreachableError(
      `cannot reach the controller at ${base.origin}: ${(err as Error).message}`,
      {
        remedy:
          err instanceof TlsRequestError && err.context.remedy
            ? err.context.remedy
            : `check --controller (or ${CONTROLLER_ENV}) and that \`geofailover controller\` is running`,
        cause: err,
      },
    );
  } finally {
    tls?.close();
  }
  const text = res.text;
  let doc: unknown;
  try {
    doc = text === '' ? {} : JSON.parse(text);
  } catch {
    doc = { error: text.slice(0, 200) };
  }
  if (res.status < 200 || res.status > 299) {
    const { error, reason } = doc as { error?: string; reason?: string };
    const message = error ?? `HTTP ${res.status}`;
    const remedy = reason?.startsWith('client-cert')
      ? `pass --cert FILE --key FILE (or set ${TLS_ENV.cert} and ${TLS_ENV.key}) with a certificate signed by the controller's controller.tls.clientCaFile`
      : res.status === 401 || res.status === 403
        ? `set ${tokenEnv} to an API token whose role allows this call (controller.tokens: read, operate or admin; or controller.tokenEnv)`
        : undefined;
    const Err = res.status >= 400 && res.status < 500 ? UsageError : GeofailoverError;
    throw new Err(`controller answered ${res.status}: ${message}`, remedy ? { remedy } : {});
  }
  return doc;
}
