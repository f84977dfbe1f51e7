// The DNS counters exported for Prometheus follow the server's stats() between scrapes.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  DnsEngine,
  GeoLocator,
  registerDnsMetrics,
  registerDnsWorkersGauge,
  type SizedServer,
} from '../../../providers/builtin/dns-server/index.ts';
import { header, query } from './packets.ts';

describe('registerDnsMetrics', () => {
  it('counts malformed packets and responses by rcode', async () => {
    const engine = new DnsEngine({ geo: new GeoLocator([]), udpPayloadSize: 1232 });
    const registry = new Registry();
    registerDnsMetrics(registry, () => [() => engine.stats()]);
    engine.handle(header([0xffff, 0xffff, 0xffff, 0xffff]), 'udp', '');
    engine.handle(Buffer.from([1]), 'udp', '');
    engine.handle(query('x.example.org'), 'udp', '');
    let text = await registry.metrics();
    expect(text).toMatch(/geofailover_dns_malformed_total 2/);
    expect(text).toMatch(/geofailover_dns_queries_total 3/);
    expect(text).toMatch(/geofailover_dns_responses_total\{rcode="REFUSED"\} 1/);
    engine.handle(Buffer.from([2]), 'udp', '');
    text = await registry.metrics();
    expect(text).toMatch(/geofailover_dns_malformed_total 3/);
  });
});

describe('registerDnsWorkersGauge', () => {
  it('says how many workers each server runs, what decided it and why', async () => {
    const registry = new Registry();
    const servers: SizedServer[] = [
      {
        provider: 'local',
        sizing: { workers: 1, limit: 'cpu-quota', reason: 'cgroup cpu.max 1.0 CPU' },
      },
    ];
    registerDnsWorkersGauge(registry, () => servers);
    expect(await registry.getSingleMetricAsString('geofailover_dns_workers')).toContain(
      'geofailover_dns_workers{provider="local",limit="cpu-quota",reason="cgroup cpu.max 1.0 CPU"} 1',
    );
    servers[0] = {
      provider: 'local',
      sizing: { workers: 4, limit: 'memory', reason: 'memory limit 512 MiB holds 4' },
    };
    const text = await registry.getSingleMetricAsString('geofailover_dns_workers');
    expect(text).toContain('limit="memory",reason="memory limit 512 MiB holds 4"} 4');
    expect(text).not.toContain('limit="cpu-quota"');
  });
});
