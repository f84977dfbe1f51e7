// `geofailover validate --config FILE`: load and check a config (schema, cross references) and name
// every problem with its YAML path and line (exit 2). Unset secret variables, an unset
// controllersFrom variable, prober keys and API tokens under 32 bytes, and missing or broken TLS files
// are warnings, or errors with --check-env (run that where the controller runs; CI usually has neither
// the secrets nor the certificates). A controllersFrom variable that is set but holds a wrong or
// plain-HTTP URL is always an error.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../../config/index.ts';
import type { Register } from '../register.ts';

export function summarise(config: Config): string {
  const records = config.zones.reduce((n, z) => n + z.records.length, 0);
  const providers = Object.entries(config.providers)
    .map(([id, p]) => `${id} (${p.kind})`)
    .join(', ');
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  return `owner ${config.owner}: ${n(config.regions.length, 'region')}, ${n(config.probers.length, 'prober')}, ${n(config.zones.length, 'zone')}, ${n(records, 'record')}; providers: ${providers || '(none)'}`;
}

export const register: Register = (program: Command) => {
  program
    .command('validate')
    .description('check a config file and name every problem with its line')
    .requiredOption('-c, --config <file>', 'config file (YAML)')
    .option(
      '--check-env',
      'also fail when an environment variable a secret or controllersFrom names is unset, a prober key or API token is under 32 bytes, or a TLS file is missing or broken',
    )
    .action(async (opts: { config: string; checkEnv?: boolean }) => {
      const {
        ConfigError,
        configWarnings,
        controllersProblems,
        loadConfig,
        secretProblems,
        weakSecretProblems,
      } = await import('../../config/index.ts');
      const { tlsFileProblems } = await import('../../tls/index.ts');
      const config = loadConfig(opts.config);
      const text = readFileSync(opts.config, 'utf8');
      const controllers = controllersProblems(config, text);
      const invalid = controllers.filter((p) => p.kind === 'invalid');
      const missing = [
        ...secretProblems(config, text),
        ...weakSecretProblems(config, text),
        ...controllers.filter((p) => p.kind === 'unset'),
        ...tlsFileProblems(config, text),
      ];
      if (invalid.length > 0 || (missing.length > 0 && opts.checkEnv))
        throw new ConfigError(opts.config, [...invalid, ...(opts.checkEnv ? missing : [])]);
      for (const p of [...configWarnings(config, text), ...missing]) {
        process.stderr.write(`warning: ${opts.config}:${p.line ?? '?'}: ${p.path}: ${p.message}\n`);
      }
      process.stdout.write(`${opts.config}: valid: ${summarise(config)}\n`);
    });
};
