// A problem a cross check finds, with the YAML path it is at: its own file, so each cross check
// (crossref-*.ts) names it without importing crossref.ts, which imports them.
import type { ConfigProblem } from './errors.ts';

/** A problem found across parts; warnings are printed by validate but leave the config valid. */
export type Problem = Omit<ConfigProblem, 'line'> & {
  at: (string | number)[];
  severity?: 'error' | 'warning';
};
