// `geofailover validate --config FILE`: load and check a config (schema, cross references) and name
// every problem with its YAML path and line (exit 2). Unset secret variables, an unset
// controllersFrom variable, prober keys and API tokens under 32 bytes, and missing or broken TLS files
// are warnings, or errors with --check-env (run that where the controller runs; CI usually has neither
// the secrets nor the certificates). A controllersFrom variable that is set but holds a wrong or
// plain-HTTP URL is always an error.
// Each prometheus signal's query is put to its Prometheus when that answers (not with --offline):
// a query it rejects is an error in its own words.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config, ConfigProblem } from '../../config/index.ts';
import type { Register } from '../register.ts';

export function summarise(config: Config): string {
  const records = config.zones.reduce((n, z) => n + z.records.length, 0);
  const providers = Object.entries(config.providers)
    .map(([id, p]) => `${id} (${p.kind})`)
    .join(', ');
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  return `owner ${config.owner}: ${n(config.regions.length, 'region')}, ${n(config.probers.length, 'prober')}, ${n(config.zones.length, 'zone')}, ${n(records, 'record')}; providers: ${providers || '(none)'}`;
}

/** Each prometheus signal's query put to its Prometheus: rejected is an error, unreachable a warning. */
async function queryProblems(
  config: Config,
  text: string,
): Promise<(ConfigProblem & { severity: 'error' | 'warning' })[]> {
  if (!config.signals.some((s) => s.kind === 'prometheus')) return [];
  const { checkQueries, polledSignals } = await import('../../signals/index.ts');
  const { formatPath, lineIn } = await import('../../config/index.ts');
  const checks = await checkQueries(polledSignals(config, process.env, 'optional'));
  return checks.flatMap((c) => {
    if (c.result === 'ok') return [];
    const at = ['signals', c.index, 'query'];
    return [
      {
        path: formatPath(at),
        line: lineIn(text, at),
        message:
          c.result === 'rejected'
            ? c.message!.replace(/^signal [^:]+: /, '')
            : `not checked: ${c.message!.replace(/^signal [^:]+: /, '')}; the controller checks it when it starts`,
        severity: c.result === 'rejected' ? ('error' as const) : ('warning' as const),
      },
    ];
  });
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
    .option('--offline', "do not ask Prometheus to check the signals' queries")
    .action(async (opts: { config: string; checkEnv?: boolean; offline?: boolean }) => {
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
      const queries = opts.offline ? [] : await queryProblems(config, text);
      const rejected = queries.filter((q) => q.severity === 'error');
      if (rejected.length > 0) throw new ConfigError(opts.config, rejected);
      for (const p of [...configWarnings(config, text), ...missing, ...queries]) {
        process.stderr.write(`warning: ${opts.config}:${p.line ?? '?'}: ${p.path}: ${p.message}\n`);
      }
      process.stdout.write(`${opts.config}: valid: ${summarise(config)}\n`);
    });
};
