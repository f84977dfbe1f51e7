// The controller URLs a probe agent reports to: the literal `controllers` list plus the URLs of
// `controllersFrom.env` (comma-separated), so one config file serves every site and each deployment
// names its controllers in one place (a ConfigMap, an env file). Pure: the environment is passed in.

import { type ConfigProblem, formatPath } from './errors.ts';
import { url as urlField } from './fields/index.ts';
import { lineIn } from './load.ts';
import { plaintextUrlProblem } from './plaintext.ts';
import type { Problem } from './problem.ts';
import type { Config, ControllerTarget } from './schema.ts';

/** A controller to report to, with where the config names it (`controllers[1]`, `controllersFrom`). */
export interface ResolvedController extends ControllerTarget {
  where: string;
}

/** `unset`: the variable is missing or blank (validate warns unless --check-env, like a secret);
 *  `invalid`: it holds something wrong (always an error). */
export type ControllersProblem = Problem & { kind: 'unset' | 'invalid' };

export interface ControllersResolution {
  targets: ResolvedController[];
  problems: ControllersProblem[];
}

/** The URLs of a `controllersFrom.env` value: comma- or space-separated, blanks ignored. */
export function splitControllerUrls(value: string): string[] {
  return value
    .split(/[,\s]+/)
    .map((u) => u.trim())
    .filter((u) => u !== '');
}

const EXAMPLE = 'https://gslb-api.example.net:8443';

export function resolveControllers(
  config: Pick<Config, 'controllers' | 'controllersFrom'>,
  env: NodeJS.ProcessEnv,
): ControllersResolution {
  const targets: ResolvedController[] = config.controllers.map((c, i) => ({
    ...c,
    where: `controllers[${i}]`,
  }));
  const problems: ControllersProblem[] = [];
  const from = config.controllersFrom;
  if (from) {
    const at = ['controllersFrom', 'env'];
    const add = (kind: ControllersProblem['kind'], message: string) =>
      problems.push({ at, path: formatPath(at), message, kind });
    const urls = splitControllerUrls(env[from.env] ?? '');
    if (urls.length === 0)
      add(
        'unset',
        `environment variable ${from.env} is not set: set it to the controller URLs, comma-separated (e.g. ${from.env}=${EXAMPLE})`,
      );
    urls.forEach((u, n) => {
      const item = `${from.env} item ${n + 1}`;
      if (!urlField.safeParse(u).success) {
        add('invalid', `${item} "${u}" is not an http:// or https:// URL (e.g. ${EXAMPLE})`);
        return;
      }
      const plain = plaintextUrlProblem(u, from.allowPlaintext);
      if (plain) {
        add('invalid', `${item}: ${plain.replace('on this entry', 'on controllersFrom')}`);
        return;
      }
      const https = u.startsWith('https:');
      targets.push({
        url: u,
        where: 'controllersFrom',
        // The TLS files are for the https:// URLs; an in-cluster http:// one needs none.
        ...(https && from.ca ? { ca: from.ca } : {}),
        ...(https && from.certFile && from.keyFile ? { certFile: from.certFile, keyFile: from.keyFile } : {}),
      });
    });
  }
  const seen = new Map<string, string>();
  for (const t of targets) {
    const key = new URL(t.url).href;
    const first = seen.get(key);
    // Two reporters to one controller would send the same sequence numbers twice (the second refused).
    if (first !== undefined && t.where === 'controllersFrom')
      problems.push({
        at: ['controllersFrom', 'env'],
        path: 'controllersFrom.env',
        message: `${t.url} is listed twice (${first} and ${t.where}): give each controller once`,
        kind: 'invalid',
      });
    else seen.set(key, t.where);
  }
  return { targets, problems };
}

/** controllersFrom's problems with the YAML line of each, for `validate` and the probe agent's start. */
export function controllersProblems(
  config: Config,
  text: string,
  env: NodeJS.ProcessEnv = process.env,
): (ConfigProblem & { kind: ControllersProblem['kind'] })[] {
  return resolveControllers(config, env).problems.map((p) => ({
    path: p.path,
    line: lineIn(text, p.at),
    message: p.message,
    kind: p.kind,
  }));
}
