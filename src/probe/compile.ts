// Turns the config's check definitions into runnable checks at agent start-up, each by its kind's
// definition (checks/registry.ts). A definition the agent cannot run (bad URL, unknown kind, bad
// server) is a config error listing every problem, never a crash at probe time.
import type { CheckConfig, Config } from '../config/index.ts';
import { type AddressFamily, endpointAddresses, probedPerFamily, UsageError } from '../model/index.ts';
import { checkDefinitionOf, compileHttpCheck, type RunnableCheck } from './checks/index.ts';

export interface EndpointCheck {
  endpoint: string;
  /** The family this check probes (a dual-stack endpoint has one check per family). */
  family?: AddressFamily;
  region: string;
  check: RunnableCheck;
}

export function compileCheck(
  check: CheckConfig,
  address: string,
  defaultTimeoutMs: number,
  family?: AddressFamily,
): RunnableCheck {
  return checkDefinitionOf(check.kind).compile(check, {
    address,
    timeoutMs: defaultTimeoutMs,
    ...(family === undefined ? {} : { family }),
  });
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
      // A dual-stack endpoint's check runs once per family, each against that family's address.
      const targets = probedPerFamily(ep)
        ? endpointAddresses(ep)
        : [{ family: undefined, address: ep.address ?? '' }];
      for (const { family, address } of targets) {
        try {
          endpoints.push({
            endpoint: ep.id,
            ...(family === undefined ? {} : { family }),
            region: region.id,
            check: compileCheck(ep.check, address, config.health.timeout, family),
          });
        } catch (err) {
          problems.push(
            `regions[${ri}].endpoints[${ei}].check (${ep.id}${family ? ` on ${family}` : ''}): ${(err as Error).message}`,
          );
        }
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
