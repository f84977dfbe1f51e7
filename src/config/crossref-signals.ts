// Cross checks for `signals:`: unique names, exactly one target that exists (a region, an endpoint,
// or for alertmanager a label naming either), tokens that are configured, and timings that fit.
import type { Problem } from './problem.ts';
import type { Config } from './schema.ts';

export function crossCheckSignals(config: Config): Problem[] {
  const problems: Problem[] = [];
  const add = (at: (string | number)[], message: string, severity: 'error' | 'warning' = 'error') =>
    problems.push({ at, path: '', message, severity });
  const regions = config.regions.map((r) => r.id);
  const endpoints = config.regions.flatMap((r) => r.endpoints.map((e) => e.id));
  const tokens = new Map(config.controller.tokens.map((t) => [t.name, t.role]));
  if (config.controller.tokenEnv) tokens.set('admin', 'admin');
  const names = new Set<string>();

  config.signals.forEach((s, i) => {
    const at = ['signals', i];
    if (names.has(s.name)) add([...at, 'name'], `duplicate signal name "${s.name}"`);
    names.add(s.name);

    const labels = s.kind === 'alertmanager' ? [s.regionLabel, s.endpointLabel] : [];
    const given = [s.region, s.endpoint, ...labels].filter((x) => x !== undefined).length;
    if (given !== 1)
      add(
        at,
        s.kind === 'alertmanager'
          ? 'a signal speaks for one target: give exactly one of region, endpoint, regionLabel or endpointLabel'
          : 'a signal speaks for one target: give exactly one of region or endpoint',
      );
    if (s.region !== undefined && !regions.includes(s.region))
      add([...at, 'region'], `unknown region "${s.region}"; known: ${regions.join(', ')}`);
    if (s.endpoint !== undefined && !endpoints.includes(s.endpoint))
      add([...at, 'endpoint'], `unknown endpoint "${s.endpoint}"; known: ${endpoints.join(', ')}`);

    if (s.kind === 'alertmanager' || s.kind === 'push') {
      s.tokens.forEach((name, ti) => {
        const role = tokens.get(name);
        if (role === undefined)
          add(
            [...at, 'tokens', ti],
            `unknown token "${name}"; add it to controller.tokens (role signal), known: ${[...tokens.keys()].join(', ') || '(none)'}`,
          );
        else if (role !== 'signal')
          add(
            [...at, 'tokens', ti],
            `token "${name}" has role ${role}: a sender holding it can do more than deliver this signal; give the sender its own token with role signal`,
            'warning',
          );
      });
    }

    const interval = s.interval ?? config.health.interval;
    if (s.kind === 'prometheus') {
      if (s.tokenEnv !== undefined && s.tokenFile !== undefined)
        add([...at, 'tokenEnv'], 'give tokenEnv or tokenFile, not both');
      if (s.timeout !== undefined && s.timeout > interval)
        add(
          [...at, 'timeout'],
          `timeout (${s.timeout} ms) must not be longer than the interval (${interval} ms): queries would pile up`,
        );
    }
    if (s.kind === 'alertmanager' && s.expireAfter <= interval)
      add(
        [...at, 'expireAfter'],
        `expireAfter (${s.expireAfter} ms) must be longer than the interval (${interval} ms), and longer than Alertmanager's repeat_interval`,
      );
  });

  const signalTokens = new Set(config.signals.flatMap((s) => (s.kind === 'prometheus' ? [] : s.tokens)));
  config.controller.tokens.forEach((t, i) => {
    if (t.role === 'signal' && !signalTokens.has(t.name))
      add(
        ['controller', 'tokens', i, 'role'],
        `token "${t.name}" has role signal but no signal names it in tokens: it can do nothing`,
        'warning',
      );
  });
  return problems;
}
