// Turns the config's check definitions into runnable checks at agent start-up, each by its kind's
// definition (checks/registry.ts); an endpoint with several checks becomes one composite check. A
// definition the agent cannot run (bad URL, unknown kind, bad server, unreadable CA file) is a config
// error listing every problem, never a crash at probe time.
import type { CheckConfig, Config } from '../config/index.ts';
import {
  type AddressFamily,
  endpointAddresses,
  type GeofailoverError,
  probedPerFamily,
  UsageError,
} from '../model/index.ts';
import { loadCa } from '../tls/index.ts';
import {
  type CheckPartConfig,
  type CheckTarget,
  checkDefinitionOf,
  compileHttpCheck,
  compositeCheck,
  type RunnableCheck,
} from './checks/index.ts';

export interface EndpointCheck {
  endpoint: string;
  /** The family this check probes (a dual-stack endpoint has one check per family). */
  family?: AddressFamily;
  region: string;
  check: RunnableCheck;
}

/** A CA file a check names, read and checked now (its error names the field and the remedy). */
const readCa: NonNullable<CheckTarget['readCa']> = (path, field) => loadCa({ path, where: field }).pem;

export function compileCheck(
  check: CheckConfig,
  address: string,
  defaultTimeoutMs: number,
  family?: AddressFamily,
): RunnableCheck {
  return checkDefinitionOf(check.kind).compile(check, {
    address,
    timeoutMs: defaultTimeoutMs,
    readCa,
    ...(family === undefined ? {} : { family }),
  });
}

type EndpointConfig = Config['regions'][number]['endpoints'][number];

/**
 * An endpoint's check ready to run: its one `check`, or its `checks` combined, aimed at `address`
 * (one family's, for a dual-stack endpoint). Each problem is pushed to `problems` with the path of
 * the check it is about; undefined when there was one.
 */
function compileEndpoint(
  ep: EndpointConfig,
  where: string,
  defaultTimeoutMs: number,
  problems: string[],
  target: { address: string; family?: AddressFamily | undefined },
): RunnableCheck | undefined {
  const on = target.family === undefined ? '' : ` on ${target.family}`;
  const one = (check: CheckConfig | CheckPartConfig, at: string): RunnableCheck | undefined => {
    try {
      return compileCheck(check as CheckConfig, target.address, defaultTimeoutMs, target.family);
    } catch (err) {
      const remedy = (err as GeofailoverError).context?.remedy;
      problems.push(`${at} (${ep.id}${on}): ${(err as Error).message}${remedy ? ` (${remedy})` : ''}`);
      return undefined;
    }
  };
  if (ep.check !== undefined) return one(ep.check, `${where}.check`);
  const parts = (ep.checks ?? []).map((c, i) => ({
    ...(c.name === undefined ? {} : { name: c.name }),
    critical: c.critical,
    check: one(c, `${where}.checks[${i}]`),
  }));
  if (parts.some((p) => p.check === undefined)) {
    for (const p of parts) p.check?.close?.();
    return undefined;
  }
  return compositeCheck(
    parts.map((p) => ({ ...p, check: p.check! })),
    ep.combine ?? 'all',
  );
}

/** A canary: a plain GET whose any HTTP response proves this prober's own network works. */
export function compileCanary(url: string, timeoutMs: number): RunnableCheck {
  const kind = url.startsWith('https:') ? 'https' : 'http';
  return compileHttpCheck(
    { kind, url, method: 'GET', headers: {}, expectStatus: [200], tlsVerify: true, keepAlive: false },
    { timeoutMs, anyStatus: true },
  );
}

/** Every endpoint's check and the prober's canaries, or a UsageError naming each bad definition. */
export function compileAgentChecks(
  config: Config,
  proberId: string,
): { endpoints: EndpointCheck[]; canaries: RunnableCheck[] } {
  const problems: string[] = [];
  const endpoints: EndpointCheck[] = [];
  config.regions.forEach((region, ri) => {
    region.endpoints.forEach((ep, ei) => {
      const where = `regions[${ri}].endpoints[${ei}]`;
      // A dual-stack endpoint's check runs once per family, each against that family's address.
      const targets = probedPerFamily(ep)
        ? endpointAddresses(ep)
        : [{ family: undefined, address: ep.address ?? '' }];
      for (const target of targets) {
        const check = compileEndpoint(ep, where, config.health.timeout, problems, target);
        if (check)
          endpoints.push({
            endpoint: ep.id,
            ...(target.family === undefined ? {} : { family: target.family }),
            region: region.id,
            check,
          });
      }
    });
  });
  const canaries: RunnableCheck[] = [];
  const pi = config.probers.findIndex((p) => p.id === proberId);
  (config.probers[pi]?.canaries ?? []).forEach((url, ci) => {
    try {
      canaries.push(compileCanary(url, config.health.timeout));
    } catch (err) {
      problems.push(`probers[${pi}].canaries[${ci}]: ${(err as Error).message}`);
    }
  });
  if (problems.length > 0) {
    for (const c of [...endpoints.map((e) => e.check), ...canaries]) c.close?.();
    throw new UsageError(
      `invalid config: ${problems.length} check definition${problems.length === 1 ? '' : 's'} cannot be run\n  ${problems.join('\n  ')}`,
      { remedy: 'fix the checks named above; `geofailover validate --config FILE` checks a config' },
    );
  }
  return { endpoints, canaries };
}
