// Preloaded with `node --import` by the CLI load guard: records every module URL the process
// resolves, imports and require() calls alike, in the file named by GEOFAILOVER_MODULE_TRACE, one
// per line. Node 22.15+ runs the hooks in this thread (registerHooks); older ones in a hooks thread.
import { appendFileSync } from 'node:fs';
import * as nodeModule from 'node:module';

const out = process.env.GEOFAILOVER_MODULE_TRACE;
if (out && nodeModule.registerHooks) {
  nodeModule.registerHooks({
    resolve(specifier, context, next) {
      const r = next(specifier, context);
      appendFileSync(out, `${r.url}\n`);
      return r;
    },
  });
} else if (out) {
  nodeModule.register(new URL('./hooks.mjs', import.meta.url), { data: { out } });
}
