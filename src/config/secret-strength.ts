// How strong the secrets geofailover's operators choose are: prober signing keys and API tokens.
// Each must hold at least 32 bytes; a shorter one is a `validate` warning, an error with --check-env,
// and a warning when the controller starts. Messages name the variable or the file, never the value.
//
// Bytes of the value as given (trimmed, UTF-8), not decoded: that is what HMAC keys on and what a
// bearer token is compared as, and there is no telling how random a value is from its characters.
// `openssl rand -hex 32` (64 characters) passes twice over; a 32-character value such as
// `openssl rand -hex 16` (128 random bits) passes too. Provider and webhook secrets are left alone:
// their issuer decides their form.
import { readFileSync } from 'node:fs';
import { type ConfigProblem, formatPath } from './errors.ts';
import { lineIn } from './load.ts';
import type { Config } from './schema.ts';

export const MIN_SECRET_BYTES = 32;
export const SECRET_REMEDY = 'openssl rand -hex 32';

interface OwnSecret {
  /** YAML path of the key naming where the secret is. */
  at: (string | number)[];
  /** "the signing key of prober virginia", "API token oncall". */
  what: string;
  env?: string;
  file?: string;
}

function ownSecrets(config: Config): OwnSecret[] {
  const out: OwnSecret[] = [];
  config.probers.forEach((p, i) => {
    const what = `the signing key of prober ${p.id}`;
    if (p.keyEnv !== undefined) out.push({ at: ['probers', i, 'keyEnv'], what, env: p.keyEnv });
    else if (p.keyFile !== undefined) out.push({ at: ['probers', i, 'keyFile'], what, file: p.keyFile });
  });
  if (config.controller.tokenEnv !== undefined)
    out.push({
      at: ['controller', 'tokenEnv'],
      what: 'the admin API token',
      env: config.controller.tokenEnv,
    });
  config.controller.tokens.forEach((t, i) => {
    const what = `API token ${t.name}`;
    if (t.tokenEnv !== undefined)
      out.push({ at: ['controller', 'tokens', i, 'tokenEnv'], what, env: t.tokenEnv });
    else if (t.tokenFile !== undefined)
      out.push({ at: ['controller', 'tokens', i, 'tokenFile'], what, file: t.tokenFile });
  });
  return out;
}

/** The problem with one secret's value, if any (unset variables are secretProblems' to report). */
function problemOf(s: OwnSecret, env: NodeJS.ProcessEnv): string | undefined {
  let value: string;
  let where: string;
  if (s.env !== undefined) {
    value = (env[s.env] ?? '').trim();
    if (value === '') return undefined;
    where = `environment variable ${s.env}`;
  } else {
    try {
      value = readFileSync(s.file!, 'utf8').trim();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      return `cannot read secret file ${s.file} (${code}), ${s.what}; to fix: create it, readable by the geofailover user`;
    }
    if (value === '')
      return `secret file ${s.file} is empty (${s.what}); to fix: put a random value in it: ${SECRET_REMEDY} > ${s.file}`;
    where = `secret file ${s.file}`;
  }
  if (Buffer.byteLength(value, 'utf8') >= MIN_SECRET_BYTES) return undefined;
  return `${where} holds fewer than ${MIN_SECRET_BYTES} bytes (${s.what}): a short secret can be guessed; to fix: set it to a random value: ${SECRET_REMEDY}`;
}

const listed = (xs: readonly string[]) =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;

/**
 * Prober keys and API tokens that are too short (or a secret file that cannot be read), with lines
 * and one remedy naming every variable and file to change.
 */
export function weakSecretProblems(
  config: Config,
  text: string,
  env: NodeJS.ProcessEnv = process.env,
): ConfigProblem[] {
  const found = ownSecrets(config).flatMap((s) => {
    const message = problemOf(s, env);
    return message ? [{ s, message }] : [];
  });
  const names = found.map(({ s }) => s.env ?? s.file!);
  const agents = found.some(({ s }) => s.at[0] === 'probers')
    ? "; a prober's agent needs the same new key"
    : '';
  const remedy = `set ${listed(names)} to random values of ${MIN_SECRET_BYTES} bytes or more (${SECRET_REMEDY})${agents}`;
  return found.map(({ s, message }) => ({
    path: formatPath(s.at),
    line: lineIn(text, s.at),
    message,
    remedy,
  }));
}

/** The same, as log lines for a controller that starts anyway (no YAML text at hand). */
export function weakSecretWarnings(config: Config, env: NodeJS.ProcessEnv = process.env): string[] {
  return ownSecrets(config).flatMap((s) => {
    const message = problemOf(s, env);
    return message ? [`${formatPath(s.at)}: ${message}`] : [];
  });
}
