// Talks to a running controller's HTTP API for `status`, `events`, `drain`, `undrain`, `explain`.
import { GeofailoverError, UsageError } from '../model/index.ts';

export interface ClientOptions {
  controller: string;
  /** Environment variable holding the bearer token for mutating calls. */
  tokenEnv?: string;
  timeoutMs?: number;
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
  let res: Response;
  try {
    res = await fetch(new URL(path, base), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
  } catch (err) {
    throw new ControllerUnreachableError(
      `cannot reach the controller at ${base.origin}: ${(err as Error).message}`,
      {
        remedy: 'check --controller and that `geofailover controller` is running',
        cause: err,
      },
    );
  }
  const text = await res.text();
  let doc: unknown;
  try {
    doc = text === '' ? {} : JSON.parse(text);
  } catch {
    doc = { error: text.slice(0, 200) };
  }
  if (!res.ok) {
    const message = (doc as { error?: string }).error ?? res.statusText;
    const remedy =
      res.status === 401 || res.status === 403
        ? `set ${tokenEnv} to the controller's API token (controller.tokenEnv)`
        : undefined;
    const Err = res.status >= 400 && res.status < 500 ? UsageError : GeofailoverError;
    throw new Err(`controller answered ${res.status}: ${message}`, remedy ? { remedy } : {});
  }
  return doc;
}
