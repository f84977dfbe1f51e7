// Where a config names its secrets (`…Env` keys), so `validate` can tell which are unset in the
// environment without ever reading or printing a value.
import { definitionOf } from '../../providers/registry/index.ts';
import { type ConfigProblem, formatPath } from './errors.ts';
import { lineIn } from './load.ts';
import type { Config } from './schema.ts';

export interface SecretRef {
  /** YAML path of the key naming the variable, e.g. ['probers', 0, 'keyEnv']. */
  at: (string | number)[];
  envVar: string;
  /** Who needs it: `prober virginia`, `provider cf`, `controller API`, `webhook 0`. */
  usedBy: string;
}

export function secretRefs(config: Config): SecretRef[] {
  const refs: SecretRef[] = [];
  config.probers.forEach((p, i) => {
    if (p.keyEnv !== undefined)
      refs.push({ at: ['probers', i, 'keyEnv'], envVar: p.keyEnv, usedBy: `prober ${p.id}` });
  });
  for (const [id, p] of Object.entries(config.providers)) {
    for (const s of definitionOf(p.kind).secrets?.(p, id) ?? [])
      refs.push({ at: ['providers', id, ...s.at], envVar: s.envVar, usedBy: s.usedBy ?? `provider ${id}` });
  }
  if (config.controller.tokenEnv !== undefined)
    refs.push({
      at: ['controller', 'tokenEnv'],
      envVar: config.controller.tokenEnv,
      usedBy: 'controller API',
    });
  config.controller.tokens.forEach((t, i) => {
    if (t.tokenEnv !== undefined)
      refs.push({
        at: ['controller', 'tokens', i, 'tokenEnv'],
        envVar: t.tokenEnv,
        usedBy: `API token ${t.name}`,
      });
  });
  const coordination = config.controller.coordination;
  if (coordination.kind === 'etcd' && coordination.auth?.passwordEnv !== undefined)
    refs.push({
      at: ['controller', 'coordination', 'auth', 'passwordEnv'],
      envVar: coordination.auth.passwordEnv,
      usedBy: `etcd user ${coordination.auth.user}`,
    });
  config.notifications.forEach((n, i) => {
    if (n.tokenEnv !== undefined)
      refs.push({ at: ['notifications', i, 'tokenEnv'], envVar: n.tokenEnv, usedBy: `webhook ${i}` });
    if (n.routingKeyEnv !== undefined)
      refs.push({
        at: ['notifications', i, 'routingKeyEnv'],
        envVar: n.routingKeyEnv,
        usedBy: `PagerDuty ${i}`,
      });
  });
  config.signals.forEach((sig, i) => {
    if (sig.kind === 'prometheus' && sig.tokenEnv !== undefined)
      refs.push({ at: ['signals', i, 'tokenEnv'], envVar: sig.tokenEnv, usedBy: `signal ${sig.name}` });
  });
  return refs;
}

/** The references whose variable is unset or blank in `env`. */
export function missingSecrets(config: Config, env: NodeJS.ProcessEnv = process.env): SecretRef[] {
  return secretRefs(config).filter((r) => (env[r.envVar] ?? '').trim() === '');
}

const listed = (xs: readonly string[]) =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;

/**
 * What to do about unset variables, naming each: export them, or, for a prober key or a named API
 * token, give a file instead (keyFile, tokenFile; the config takes one or the other).
 */
export function unsetSecretsRemedy(refs: readonly SecretRef[]): string {
  const names = [...new Set(refs.map((r) => r.envVar))];
  const ours = refs.some((r) => r.at[0] === 'probers' || r.at[0] === 'controller');
  const files = [
    ...(refs.some((r) => r.at[0] === 'probers') ? ['keyFile for a prober'] : []),
    ...(refs.some((r) => r.at[0] === 'controller' && r.at[1] === 'tokens')
      ? ['tokenFile for an API token']
      : []),
  ];
  return (
    `export ${listed(names)} where geofailover runs` +
    (ours ? ' (a new key or token: openssl rand -hex 32)' : ' (a secret is never read from the YAML)') +
    (files.length > 0 ? `, or name a file with the secret instead: ${files.join(', ')}` : '')
  );
}

/** Unset secrets as config problems (path and line of the key naming the variable), for `validate`. */
export function secretProblems(
  config: Config,
  text: string,
  env: NodeJS.ProcessEnv = process.env,
): ConfigProblem[] {
  const missing = missingSecrets(config, env);
  const remedy = unsetSecretsRemedy(missing);
  return missing.map((r) => ({
    path: formatPath(r.at),
    line: lineIn(text, r.at),
    message: `environment variable ${r.envVar} is not set (needed by ${r.usedBy})`,
    remedy,
  }));
}
