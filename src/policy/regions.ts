// How policy sees one region for one record type: its status, and which of its endpoint addresses
// fit the record (A = IPv4, AAAA = IPv6, CNAME = host name), all of them and the UP ones. A region
// with dual-stack endpoints is seen through the record's address family: an A record through its
// IPv4 health, an AAAA record through its IPv6 health, so one family's outage moves only its answers.
import type { Capacity, EndpointConfig, Location, RegionConfig } from '../config/index.ts';
import {
  type AddressFamily,
  addressFor,
  type ChangeReason,
  familyName,
  familyOfAddress,
  familyOfType,
  type ManagedRecordType,
  type RampStep,
  type RegionState,
  type RegionStatus,
} from '../model/index.ts';

export interface RegionView {
  id: string;
  /** Set when the region is seen through one address family's health (dual-stack endpoints). */
  family?: AddressFamily;
  status: RegionStatus;
  /** Epoch ms the region entered its status; undefined when no state was given (assumed up). */
  since?: number;
  reason?: string;
  holdingFailback?: boolean;
  /** Usable addresses of every configured endpoint, in config order. */
  all: string[];
  /** Usable addresses of the UP endpoints, in config order. */
  up: string[];
  /** Ids of usable endpoints that are not UP (for "endpoint X of R is DOWN"). */
  downEndpoints: string[];
  /** Usable endpoints with their configured weights (endpoint-weights.ts splits on them). */
  endpoints: { id: string; address: string; weight: number; up: boolean }[];
  /** Set while the region climbs the failback ramp. */
  ramp?: RampStep;
  /** Where the region is, and its proximity bias (-99..99), when configured. */
  location?: Location;
  bias?: number;
  /** The traffic it can take, when configured (capacity-aware weighted failover). */
  capacity?: Capacity;
}

/** Can this endpoint be published in a record of this type? An alias endpoint serves A and AAAA by name. */
export function endpointUsable(
  type: ManagedRecordType,
  e: Pick<EndpointConfig, 'address' | 'addresses' | 'alias'>,
): boolean {
  return e.alias !== undefined ? type === 'A' || type === 'AAAA' : addressFor(e, type) !== undefined;
}

/** The value the endpoint publishes in a record of this type (its alias target, or its address). */
function valueFor(
  type: ManagedRecordType,
  e: Pick<EndpointConfig, 'address' | 'addresses' | 'alias'>,
): string {
  return (e.alias !== undefined ? e.address : addressFor(e, type)) ?? '';
}

export function usableFor(type: ManagedRecordType, address: string): boolean {
  const family = familyOfAddress(address);
  return family === familyOfType(type) && (family !== undefined || type === 'CNAME');
}

/** A CNAME holds one target: the first usable value. Other types publish them all. */
export function pickValues(type: ManagedRecordType, addresses: readonly string[]): string[] {
  return type === 'CNAME' ? addresses.slice(0, 1) : [...new Set(addresses)];
}

export function regionView(
  region: RegionConfig,
  regionState: RegionState | undefined,
  type: ManagedRecordType,
): RegionView {
  const usable = region.endpoints.filter((e) => endpointUsable(type, e));
  const fam = familyOfType(type);
  const family = fam === undefined ? undefined : regionState?.families?.[fam];
  // A dual-stack region answers this type from its family's health; the rest of the state (ramp) is
  // the region's.
  const state: RegionState | undefined =
    regionState && family
      ? {
          ...regionState,
          status: family.status,
          since: family.since,
          upEndpoints: family.upEndpoints,
          reason: family.reason,
          holdingFailback: family.holdingFailback === true,
        }
      : regionState;
  // No state for a region means "up with all endpoints" (plan without --assume, first start).
  const upIds = new Set(state ? state.upEndpoints : region.endpoints.map((e) => e.id));
  const view: RegionView = {
    id: region.id,
    status: state?.status ?? 'up',
    all: usable.map((e) => valueFor(type, e)),
    up: usable.filter((e) => upIds.has(e.id)).map((e) => valueFor(type, e)),
    downEndpoints: usable.filter((e) => !upIds.has(e.id)).map((e) => e.id),
    endpoints: usable.map((e) => ({
      id: e.id,
      address: valueFor(type, e),
      weight: e.weight,
      up: upIds.has(e.id),
    })),
  };
  if (family) view.family = fam;
  if (state?.ramp) view.ramp = state.ramp;
  if (state) view.since = state.since;
  if (state?.reason !== undefined) view.reason = state.reason;
  if (state?.holdingFailback) view.holdingFailback = true;
  if (region.location) view.location = region.location;
  if (region.bias !== undefined) view.bias = region.bias;
  if (region.capacity) view.capacity = region.capacity;
  return view;
}

/** The region as the reasons name it: "us-east", or "us-east IPv6" when seen through one family. */
export function regionLabel(v: RegionView): string {
  return v.family === undefined ? v.id : `${v.id} ${familyName(v.family)}`;
}

/** May this region receive traffic for this record? UP, not drained, and holding a usable UP endpoint. */
export function serving(v: RegionView): boolean {
  return v.status === 'up' && v.up.length > 0;
}

function sinceText(v: RegionView): string {
  return v.since === undefined ? '' : ` since ${new Date(v.since).toISOString()}`;
}

/** Why a region is passed over, as a reason naming it. */
export function skipReason(v: RegionView, type: ManagedRecordType): ChangeReason {
  if (v.status === 'drained') {
    return {
      code: 'region-drained',
      region: v.id,
      detail: `${v.id} is DRAINED${v.reason ? ` (${v.reason})` : ''}`,
    };
  }
  if (v.status === 'down') {
    return {
      code: 'region-down',
      region: v.id,
      detail: `${regionLabel(v)} is DOWN${v.holdingFailback ? ' (recovered, holding failback)' : ''}`,
    };
  }
  return {
    code: 'region-down',
    region: v.id,
    detail: `${v.id} has no UP endpoint usable in a ${type} record`,
  };
}

/** The reason of a change made by a ramp step: "ramp step 2/4 of us-east (25%)". */
export function rampReason(v: RegionView): ChangeReason | undefined {
  if (!v.ramp) return undefined;
  const r = v.ramp;
  return {
    code: 'region-up',
    region: v.id,
    detail: `ramp step ${r.step}/${r.steps} of ${v.id} (${r.percent}%)`,
  };
}

/** One clause of an explanation chain: "us-east is DOWN since 2026-…". */
export function describeRegion(v: RegionView, type: ManagedRecordType): string {
  if (v.status === 'drained') return `${v.id} is DRAINED${sinceText(v)}${v.reason ? ` (${v.reason})` : ''}`;
  if (v.status === 'down') {
    return `${regionLabel(v)} is DOWN${sinceText(v)}${v.holdingFailback ? ' (recovered, holding failback)' : ''}`;
  }
  if (v.up.length === 0) return `${regionLabel(v)} is UP but has no UP endpoint usable in a ${type} record`;
  const ramp = v.ramp ? ` on failback ramp step ${v.ramp.step}/${v.ramp.steps} (${v.ramp.percent}%)` : '';
  if (v.downEndpoints.length > 0) {
    return `${regionLabel(v)} is UP${sinceText(v)}${ramp} with ${v.up.length} of ${v.all.length} endpoints (${v.downEndpoints.join(', ')} DOWN)`;
  }
  return `${regionLabel(v)} is UP${sinceText(v)}${ramp}`;
}

/** A serving region that publishes only part of its endpoints: a health change inside the region. */
export function partialReason(v: RegionView): ChangeReason | undefined {
  if (v.downEndpoints.length === 0) return undefined;
  const which = v.downEndpoints.length === 1 ? 'endpoint' : 'endpoints';
  return {
    code: 'region-down',
    region: v.id,
    detail: `${which} ${v.downEndpoints.join(', ')} of ${v.id} DOWN${v.family ? ` on ${familyName(v.family)}` : ''}`,
  };
}
