// How to start a module of this program as a child process. Compiled (dist/, what ships) the child
// runs the sibling .js file directly; from TypeScript sources (tests, scripts run through tsx) it
// runs the .ts file through bin/run-ts.js. The caller's own import.meta.url tells which.
import { fileURLToPath } from 'node:url';

const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));

/**
 * Module path and arguments for `fork`/`spawn(process.execPath, …)` that run `relative` (written
 * without an extension, e.g. './worker') next to the module whose URL is `from`.
 */
export function childModule(from: string, relative: string): { modulePath: string; args: string[] } {
  const source = from.endsWith('.ts');
  const target = fileURLToPath(new URL(`${relative}${source ? '.ts' : '.js'}`, from));
  return source ? { modulePath: RUN_TS, args: [target] } : { modulePath: target, args: [] };
}
