// Lease timing: a leader stops writing a guard interval before its lease could expire in etcd.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPrefix, leaseTiming, writableUntil } from '../../../src/coordination/index.ts';

describe('lease timing', () => {
  it('rounds the TTL up to whole seconds, as etcd grants it', () => {
    expect(leaseTiming(10_000)).toMatchObject({ ttlSec: 10, ttlMs: 10_000, tickMs: 1000 });
    expect(leaseTiming(2500)).toMatchObject({ ttlSec: 3, ttlMs: 3000, tickMs: 500 });
    expect(leaseTiming(200).ttlSec).toBe(1);
  });

  it('fences well before expiry and after several keepalive periods, for any TTL', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600_000 }), fc.integer({ min: 0, max: 1e9 }), (ttl, sentAt) => {
        const t = leaseTiming(ttl);
        const until = writableUntil(sentAt, t);
        // Stops before the lease can expire (expiry >= sentAt + TTL), with a real margin…
        expect(until).toBeLessThanOrEqual(sentAt + t.ttlMs - t.ttlMs / 3);
        // …but tolerates at least one missed keepalive before fencing.
        expect(until - sentAt).toBeGreaterThanOrEqual(2 * t.tickMs);
        // No etcd call may outlive the fence window.
        expect(t.opTimeoutMs).toBeLessThan(t.ttlMs - t.guardMs);
      }),
    );
  });

  it('default prefix is per owner', () => {
    expect(defaultPrefix('shop-prod')).toBe('/geofailover/shop-prod/');
  });
});
