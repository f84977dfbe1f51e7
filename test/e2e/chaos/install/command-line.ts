// Turns a shipped command line (a container's ENTRYPOINT + args, a unit's ExecStart) into the one the
// test runs: the same words, with only the install paths mapped (the package to this checkout, the
// installed files into the process's own tree), kubelet's $(VAR) and systemd's %i expanded. A path
// nobody mapped is an error, so a new path in a shipped command line cannot slip through unnoticed.
import { existsSync, readFileSync } from 'node:fs';
import { BIN } from '../procs.ts';
import type { Root } from './roots.ts';

export interface Mapping {
  /** The process's own file tree (its config, env files, certificates). */
  root?: Root;
  /** kubelet's $(VAR) expansion: the container's environment. */
  env?: Record<string, string>;
  /** systemd's %i: the unit instance. */
  instance?: string;
}

const PACKAGE_BIN = /\/node_modules\/geofailover\/bin\/geofailover\.js$/;

export function mapCommandLine(words: readonly string[], m: Mapping): string[] {
  const out = words.map((w, i) => {
    if (i === 0 && (w === 'node' || w === '/usr/bin/node')) return process.execPath;
    if (PACKAGE_BIN.test(w)) return BIN;
    const expanded = w
      .replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (_, k: string) => {
        const v = m.env?.[k];
        if (v === undefined) throw new Error(`${w}: $(${k}) is not in the container's environment`);
        return v;
      })
      .replace(/%i/g, () => {
        if (m.instance === undefined) throw new Error(`${w}: %i needs a unit instance`);
        return m.instance;
      });
    return m.root ? m.root.path(expanded) : expanded;
  });
  for (const w of out)
    if (w.startsWith('/') && !existsSync(w))
      throw new Error(`the shipped command line names ${w}, which the test does not map: ${words.join(' ')}`);
  return out;
}

/** A systemd EnvironmentFile (KEY=VALUE lines, # comments), as systemd reads the simple form. */
export function readEnvironmentFile(file: string): Record<string, string> {
  return parseEnv(readFileSync(file, 'utf8'));
}

/** KEY=VALUE lines with # comments: an env file, or a configMapGenerator's `envs` source. */
export function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const eq = t.indexOf('=');
    if (eq > 0) env[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return env;
}
