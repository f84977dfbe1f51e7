// Round-trip times of a dual-stack endpoint: its IPv4 and IPv6 results arrive interleaved and are
// averaged apart, so neither family's samples are taken for stale duplicates of the other's.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/index.ts';
import { RttTable } from '../../../src/steering/rtt.ts';

const config = configSchema.parse({
  owner: 't',
  regions: [
    {
      id: 'r1',
      endpoints: [
        { id: 'e1', addresses: { ipv4: '192.0.2.1', ipv6: '2001:db8::1' }, check: { kind: 'tcp', port: 80 } },
      ],
    },
  ],
  probers: [{ id: 'p1', keyEnv: 'K1' }],
  providers: { m: { kind: 'memory' } },
});

describe('RttTable and dual-stack endpoints', () => {
  it('keeps each family of an endpoint apart and rolls both into the region', () => {
    const t = new RttTable(config);
    const result = (family: 'ipv4' | 'ipv6', latencyMs: number, at: number) => ({
      endpoint: 'e1',
      family,
      prober: 'p1',
      ok: true,
      latencyMs,
      detail: 'ok',
      at,
    });
    // The IPv6 result finished a little before the IPv4 one of the same round.
    const used = t.ingest(
      {
        prober: 'p1',
        seq: 1,
        sentAt: 1000,
        impaired: false,
        results: [result('ipv4', 10, 1000), result('ipv6', 30, 990)],
      },
      1000,
    );
    expect(used).toBe(2);
    expect(t.regionTimes(1000).get('p1')?.get('r1')).toBe(20);
  });
});
