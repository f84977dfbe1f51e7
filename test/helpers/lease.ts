// Test helper: the writer's lease on a provider adapter, written exactly as the controller's lease
// keeper writes it (through the applier): taken, read back, renewed, removed, with the zone planned
// after each step to show that the lease is never a change (the adapter tests' closing re-plan).
import { expect } from 'vitest';
import type { DnsProvider } from '../../providers/index.ts';
import type { Config } from '../../src/config/index.ts';
import {
  findLease,
  leaseName,
  leaseRecord,
  normaliseName,
  normaliseRecord,
  parseLease,
  type RecordSet,
} from '../../src/model/index.ts';
import { applyLeaseChange } from '../../src/reconcile/applier.ts';
import { type Assume, planZone } from './converge.ts';

const reason = { code: 'lease' as const, detail: 'test' };

async function readLease(config: Config, p: DnsProvider, zone: string): Promise<RecordSet | undefined> {
  const found = findLease(
    await p.records(zone, { names: [leaseName(zone, config.owner)] }),
    zone,
    config.owner,
  );
  return found && normaliseRecord(found);
}

/**
 * Take, renew and remove the lease of the config's first zone on `p`, which already holds the zone's
 * records (converged with `assume`); each step is read back, and the zone planned again finds nothing.
 */
export async function leaseRoundTrip(
  config: Config,
  p: DnsProvider,
  assume: Assume = {},
  /** Looks at the provider's own store while the lease is held. */
  whileHeld: () => unknown = () => undefined,
): Promise<void> {
  const zone = normaliseName(config.zones[0]!.name);
  const since = Date.parse('2026-12-08T10:00:00Z');
  const lease = (expires: number) =>
    normaliseRecord(leaseRecord(zone, { owner: config.owner, replica: 'ctl-a-1-abc', since, expires }));

  expect(await readLease(config, p, zone)).toBeUndefined();
  const first = lease(since + 180_000);
  await applyLeaseChange(p, zone, { kind: 'create', after: first, reason });
  const read = await readLease(config, p, zone);
  expect(read && parseLease(read)).toEqual({
    owner: config.owner,
    replica: 'ctl-a-1-abc',
    since,
    expires: since + 180_000,
  });
  expect((await planZone(config, p, assume)).changes).toEqual([]);
  await whileHeld();

  const renewed = lease(since + 240_000);
  await applyLeaseChange(p, zone, { kind: 'update', before: read!, after: renewed, reason });
  const again = await readLease(config, p, zone);
  expect(again && parseLease(again)?.expires).toBe(since + 240_000);
  expect((await planZone(config, p, assume)).changes).toEqual([]);

  await applyLeaseChange(p, zone, { kind: 'delete', before: again!, reason });
  expect(await readLease(config, p, zone)).toBeUndefined();
  expect((await planZone(config, p, assume)).changes).toEqual([]);
}
