// Config problems: each names the YAML path and line, and a config error exits the CLI with 2.
import { UsageError } from '../model/index.ts';

export interface ConfigProblem {
  /** Dotted YAML path, e.g. `zones[0].records[1].ttl`. */
  path: string;
  /** 1-based line in the file, when known. */
  line?: number;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(top level)' : out;
}

export class ConfigError extends UsageError {
  readonly problems: ConfigProblem[];
  readonly file: string;

  constructor(file: string, problems: ConfigProblem[]) {
    const lines = problems.map(
      (p) => `  ${file}${p.line === undefined ? '' : `:${p.line}`}: ${p.path}: ${p.message}`,
    );
    super(
      `invalid config ${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${lines.join('\n')}`,
      { remedy: 'fix the lines named above; `geofailover validate --config FILE` checks a config' },
    );
    this.file = file;
    this.problems = problems;
  }
}
