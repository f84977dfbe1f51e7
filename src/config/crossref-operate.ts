// Cross checks for the operator features: maintenance windows (known region, a cron that parses,
// starts at most once a minute and fires, a duration in range, not already over, at most 100 of
// them) and API tokens (unique names).
import { cronPeriodProblem, nextStart, parseCron, WINDOW_LIMITS, windowCountProblem } from '../cron/index.ts';
import type { Problem } from './problem.ts';
import type { Config } from './schema.ts';

/** The longest maintenance window or override the controller accepts (the API uses the same bound). */
export const MAX_WINDOW_MS = WINDOW_LIMITS.maxDurationMs;

export function crossCheckOperate(config: Config, now: number = Date.now()): Problem[] {
  const problems: Problem[] = [];
  const add = (at: (string | number)[], message: string, severity: 'error' | 'warning' = 'error') =>
    problems.push({ at, path: '', message, severity });
  const regions = config.regions.map((r) => r.id);
  const ids = new Set<string>();
  const tooMany = windowCountProblem(config.maintenance.length);
  if (tooMany) add(['maintenance'], tooMany);
  config.maintenance.forEach((w, i) => {
    const at = ['maintenance', i];
    if (!regions.includes(w.region))
      add([...at, 'region'], `unknown region "${w.region}"; known: ${regions.join(', ')}`);
    if (w.id !== undefined) {
      if (ids.has(w.id)) add([...at, 'id'], `duplicate maintenance window id "${w.id}"`);
      ids.add(w.id);
    }
    const durationMs = w.duration ?? (w.start !== undefined && w.end !== undefined ? w.end - w.start : 0);
    const field = w.duration !== undefined ? 'duration' : 'end';
    if (durationMs <= 0)
      add(
        [...at, field],
        field === 'duration'
          ? `duration must be above 0 (got ${durationMs} ms), e.g. 2h`
          : `end must be after start (the window would last ${durationMs} ms)`,
      );
    else if (durationMs > MAX_WINDOW_MS)
      add(
        [...at, field],
        `the window is ${durationMs} ms long, over the limit of 366d; split it or drain the region`,
      );
    if (w.cron !== undefined) {
      const spec = parseCron(w.cron);
      const often = typeof spec === 'string' ? undefined : cronPeriodProblem(spec);
      if (typeof spec === 'string') add([...at, 'cron'], `cron "${w.cron}": ${spec}`);
      else if (often) add([...at, 'cron'], `cron "${w.cron}" ${often}`);
      else if (nextStart(spec, now) === undefined)
        add([...at, 'cron'], `cron "${w.cron}" never fires within five years (a date that does not exist?)`);
    } else if (w.start !== undefined && durationMs > 0 && w.start + durationMs <= now) {
      // A warning, not an error: a config must not turn invalid by the passing of time, or a
      // controller restarted after the window could not start at all.
      add(
        [...at, w.end !== undefined ? 'end' : 'start'],
        `this window ended at ${new Date(w.start + durationMs).toISOString()}, in the past: it has no effect; remove it`,
        'warning',
      );
    }
  });

  const names = new Set<string>(config.controller.tokenEnv ? ['admin'] : []);
  config.controller.tokens.forEach((t, i) => {
    if (names.has(t.name))
      add(
        ['controller', 'tokens', i, 'name'],
        t.name === 'admin' && config.controller.tokenEnv
          ? 'token name "admin" is taken by controller.tokenEnv (the admin token); choose another name'
          : `duplicate token name "${t.name}"`,
      );
    names.add(t.name);
  });
  if (config.controller.requireReadToken && names.size === 0)
    add(
      ['controller', 'requireReadToken'],
      'requireReadToken needs at least one token (controller.tokens or controller.tokenEnv); nobody could read status',
    );
  return problems;
}
