// Prometheus counters for the builtin DNS server, read from its stats() at scrape time:
// geofailover_dns_malformed_total, geofailover_dns_queries_total, geofailover_dns_responses_total{rcode},
// geofailover_dns_truncated_total, geofailover_dns_cache_hits_total / _misses_total.
import { Counter, type Registry } from 'prom-client';
import type { DnsStats } from './engine.ts';

/** Register the DNS counters on `registry`; `sources` are the stats() of every running server. */
export function registerDnsMetrics(registry: Registry, sources: () => readonly (() => DnsStats)[]): void {
  const sum = (): DnsStats => {
    const total: Record<string, number> = {};
    for (const stats of sources())
      for (const [k, v] of Object.entries(stats())) total[k] = (total[k] ?? 0) + v;
    return total as unknown as DnsStats;
  };
  // Counters only go up: each scrape adds what the servers counted since the last one.
  const last: Partial<Record<keyof DnsStats, number>> = {};
  const delta = (s: DnsStats, k: keyof DnsStats) => {
    const d = Math.max(0, s[k] - (last[k] ?? 0));
    last[k] = s[k];
    return d;
  };
  const simple = (name: string, help: string, key: keyof DnsStats) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.inc(delta(sum(), key));
      },
    });
  simple(
    'geofailover_dns_malformed_total',
    'DNS packets that could not be decoded or earned FORMERR',
    'malformed',
  );
  simple(
    'geofailover_dns_queries_total',
    'DNS packets received (UDP datagrams and TCP messages)',
    'received',
  );
  simple('geofailover_dns_truncated_total', 'UDP answers sent with TC because they did not fit', 'truncated');
  simple('geofailover_dns_cache_hits_total', 'Answers served from the answer cache', 'cacheHits');
  simple('geofailover_dns_cache_misses_total', 'Answers computed (cache miss)', 'cacheMisses');
  new Counter({
    name: 'geofailover_dns_responses_total',
    help: 'DNS responses by result',
    labelNames: ['rcode'],
    registers: [registry],
    collect() {
      const s = sum();
      const map: [string, keyof DnsStats][] = [
        ['FORMERR', 'formerr'],
        ['NOTIMP', 'notimp'],
        ['REFUSED', 'refused'],
        ['NXDOMAIN', 'nxdomain'],
        ['BADVERS', 'badvers'],
        ['NOTAUTH', 'notauth'],
        ['SERVFAIL', 'servfail'],
      ];
      for (const [rcode, key] of map) this.inc({ rcode }, delta(s, key));
    },
  });
}
