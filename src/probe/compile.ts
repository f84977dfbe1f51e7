// Turns the config's check definitions into runnable checks at agent start-up, each by its kind's
// definition (checks/registry.ts); an endpoint with several checks becomes one composite check. A
// definition the agent cannot run (bad URL, unknown kind, bad server, unreadable CA file) is a config
// error listing every problem, never a crash at probe time.
import type { CheckConfig, Config } from '../config/index.ts';
import { type GeofailoverError, UsageError } from '../model/index.ts';
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
  region: string;
  check: RunnableCheck;
}

/** A CA file a check names, read and checked now (its error names the field and the remedy). */
const readCa: NonNullable<CheckTarget['readCa']> = (path, field) => loadCa({ path, where: field }).pem;

export function compileCheck(check: CheckConfig, address: string, defaultTimeoutMs: number): RunnableCheck {
  return checkDefinitionOf(check.kind).compile(check, { address, timeoutMs: defaultTimeoutMs, readCa });
}

type EndpointConfig = Config['regions'][number]['endpoints'][number];

/**
 * An endpoint's check ready to run: its one `check`, or its `checks` combined. Each problem is pushed
 * to `problems` with the path of the check it is about; undefined when there was one.
 */
function compileEndpoint(
  ep: EndpointConfig,
  where: string,
  defaultTimeoutMs: number,
  problems: string[],
): RunnableCheck | undefined {
  const one = (check: CheckConfig | CheckPartConfig, at: string): RunnableCheck | undefined => {
    try {
      return compileCheck(check as CheckConfig, ep.address, defaultTimeoutMs);
    } catch (err) {
      const remedy = (err as GeofailoverError).context?.remedy;
      problems.push(`${at} (${ep.id}): ${(err as Error).message}${remedy ? ` (${remedy})` : ''}`);
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
      const check = compileEndpoint(ep, where, config.health.timeout, problems);
      if (check) endpoints.push({ endpoint: ep.id, region: region.id, check });
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
