// Secrets come only from the environment (`…Env` keys) or files (`…File`), never from the YAML.
// A missing secret is a clear error naming the config key and the variable; values are never logged.
import { readFileSync } from 'node:fs';
import { UsageError } from '../model/index.ts';
import type { Config, ProberConfig } from './schema.ts';

export class MissingSecretError extends UsageError {}

export function secretFromEnv(envVar: string, where: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[envVar];
  if (value === undefined || value.trim() === '') {
    throw new MissingSecretError(`${where}: environment variable ${envVar} is not set`, {
      remedy: `export ${envVar}=... before starting geofailover (the secret is never read from the YAML)`,
    });
  }
  return value.trim();
}

export function secretFromFile(file: string, where: string): string {
  try {
    const value = readFileSync(file, 'utf8').trim();
    if (value === '') throw new Error('empty');
    return value;
  } catch (err) {
    throw new MissingSecretError(`${where}: cannot read secret file ${file} (${(err as Error).message})`, {
      remedy: 'create the file with the secret, readable by the geofailover user',
    });
  }
}

export function proberKey(
  config: Config,
  prober: ProberConfig,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const i = config.probers.indexOf(prober);
  const where = `probers[${i}] (${prober.id})`;
  if (prober.keyFile !== undefined) return secretFromFile(prober.keyFile, `${where}.keyFile`);
  return secretFromEnv(prober.keyEnv!, `${where}.keyEnv`, env);
}

/** Every prober's key, for the controller that verifies reports. */
export function proberKeys(config: Config, env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  return new Map(config.probers.map((p) => [p.id, proberKey(config, p, env)]));
}
