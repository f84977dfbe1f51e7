// Prometheus metrics of the builtin DNS server, read at scrape time: the counters of its stats()
// (geofailover_dns_malformed_total, geofailover_dns_queries_total, geofailover_dns_responses_total{rcode},
// geofailover_dns_truncated_total, geofailover_dns_cache_hits_total / _misses_total) and
// geofailover_dns_workers{provider,limit,reason}, how many worker processes each server runs and why.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DnsStats } from './answer-engine.ts';
import type { WorkerBudget } from './worker-budget.ts';

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

/** One running server's provider and worker sizing, for geofailover_dns_workers. */
export interface SizedServer {
  provider: string;
  sizing: WorkerBudget;
}

/** Register geofailover_dns_workers on `registry`; `servers` are the running servers. */
export function registerDnsWorkersGauge(registry: Registry, servers: () => readonly SizedServer[]): void {
  new Gauge({
    name: 'geofailover_dns_workers',
    help: 'DNS worker processes a builtin server runs (its own process included); limit says what decided the count (configured, cpu-quota, memory, cpus, hidden-primary), reason says it in words',
    labelNames: ['provider', 'limit', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of servers())
        this.set({ provider: s.provider, limit: s.sizing.limit, reason: s.sizing.reason }, s.sizing.workers);
    },
  });
}
