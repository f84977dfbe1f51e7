// The DNS counters exported for Prometheus follow the server's stats() between scrapes.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DnsEngine, GeoLocator, registerDnsMetrics } from '../../../providers/builtin/server/index.ts';
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
