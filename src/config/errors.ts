// Config problems: each names the YAML path and line, and a config error exits the CLI with 2.
import { UsageError } from '../model/index.ts';

export interface ConfigProblem {
  /** Dotted YAML path, e.g. `zones[0].records[1].ttl`. */
  path: string;
  /** 1-based line in the file, when known. */
  line?: number;
  message: string;
  /** What to do, when it is more than editing the line (a file to create, a variable to export). */
  remedy?: string;
}

/** For problems that are lines of the file to edit. */
const FIX_LINES = 'fix the lines named above; `geofailover validate --config FILE` checks a config';

/** Each distinct remedy of the problems once; lines without one are the file's to fix. */
function remedyOf(problems: readonly ConfigProblem[]): string {
  const own = [...new Set(problems.flatMap((p) => (p.remedy ? [p.remedy] : [])))];
  return [...own, ...(problems.some((p) => !p.remedy) ? [FIX_LINES] : [])].join('; ');
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
      { remedy: remedyOf(problems) },
    );
    this.file = file;
    this.problems = problems;
  }
}
