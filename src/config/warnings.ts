// Config warnings: what `validate` prints that leaves the config valid (a policy a provider can
// express only in part, a transfer that cannot carry geo answers, ...), each with its path and line.
import { crossCheck } from './crossref.ts';
import { type ConfigProblem, formatPath } from './errors.ts';
import { lineIn } from './load.ts';
import type { Config } from './schema.ts';

export function configWarnings(config: Config, text: string): ConfigProblem[] {
  return crossCheck(config)
    .filter((p) => p.severity === 'warning')
    .map((p) => ({ path: formatPath(p.at), line: lineIn(text, p.at), message: p.message }));
}
