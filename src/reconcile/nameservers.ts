// Where the verifier asks for one provider's answers for a zone: verify.providers.<id>, the configured
// verify.nameservers, the embedded builtin server of that provider (or its configured listen), or the
// zone's delegated nameservers (cached 5 minutes). Per provider, so with provider redundancy a
// broken provider's servers never hold up confirming the other's.
import { resolve4, resolveNs } from 'node:dns/promises';
import type { DnsProvider } from '../../providers/index.ts';
import type { Config } from '../config/index.ts';

export type NameserversFor = (zoneName: string, provider: DnsProvider) => () => Promise<string[]>;

/** `dnsAddresses` (a builtin provider's embedded server) is late-bound: it may start after this is made. */
export function nameserverLookup(
  config: Config,
  dnsAddresses: (providerId: string) => string[] | undefined,
): NameserversFor {
  const nsCache = new Map<string, { at: number; list: string[] }>();
  return (zoneName, provider) => async () => {
    const own = config.verify.providers[provider.id];
    if (own && own.length > 0) return own;
    if (config.verify.nameservers.length > 0) return config.verify.nameservers;
    if (provider.capabilities.copyPerReplica) {
      const cfg = config.providers[provider.id];
      const listen = cfg && 'listen' in cfg && cfg.listen ? [cfg.listen].flat() : [];
      const embedded = dnsAddresses(provider.id);
      return embedded?.length ? embedded : listen;
    }
    const hit = nsCache.get(zoneName);
    if (hit && Date.now() - hit.at < 300_000) return hit.list;
    const names = await resolveNs(zoneName.replace(/\.$/, ''));
    const list = (await Promise.all(names.map((n) => resolve4(n).catch(() => [] as string[]))))
      .flat()
      .map((a) => `${a}:53`);
    nsCache.set(zoneName, { at: Date.now(), list });
    return list;
  };
}
