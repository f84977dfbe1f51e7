// The rules Cloud DNS applies to a ResourceRecordSet in a change, and the exact-match comparison a
// deletion must pass. Each failure carries the real API's reason and message shape.
import { isIP } from 'node:net';

export interface Rrset {
  kind?: string;
  name: string;
  type: string;
  ttl?: number;
  rrdatas?: string[];
  signatureRrdatas?: string[];
  routingPolicy?: {
    kind?: string;
    wrr?: { kind?: string; items?: Item[] };
    geo?: { kind?: string; items?: Item[]; enableFencing?: boolean };
    primaryBackup?: unknown;
  };
}

interface Item {
  kind?: string;
  weight?: number;
  location?: string;
  rrdatas?: string[];
  signatureRrdatas?: string[];
}

export class GcpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** GCP regions Cloud DNS accepts as geo locations (a subset; enough for tests). */
export const LOCATIONS = new Set([
  'us-east1',
  'us-east4',
  'us-central1',
  'us-west1',
  'us-west2',
  'northamerica-northeast1',
  'southamerica-east1',
  'europe-west1',
  'europe-west2',
  'europe-west3',
  'europe-west4',
  'europe-north1',
  'asia-east1',
  'asia-northeast1',
  'asia-south1',
  'asia-southeast1',
  'australia-southeast1',
  'me-west1',
  'africa-south1',
]);

const TYPES = new Set([
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'MX',
  'NS',
  'PTR',
  'SOA',
  'SPF',
  'SRV',
  'TXT',
  'DS',
  'HTTPS',
  'SVCB',
]);

export const keyOf = (r: { name: string; type: string }) => `${r.name}|${r.type}`;

function checkData(type: string, data: string, at: string): void {
  const bad = () => new GcpError(400, 'invalid', `Invalid value for '${at}': '${data}'`);
  if (type === 'A' && isIP(data) !== 4) throw bad();
  if (type === 'AAAA' && isIP(data) !== 6) throw bad();
  if (type === 'CNAME' && !/^([a-z0-9_-]+\.)+$/i.test(data)) throw bad();
  if (type === 'TXT' && !/^("(?:[^"\\]|\\.)*"\s*)+$/.test(data)) throw bad();
}

/** Checks one addition as Cloud DNS does; messages name it by its index, as the API does. */
export function checkAddition(r: Rrset, dnsName: string, index = 0): void {
  const base = `entity.change.additions[${index}]`;
  if (typeof r.name !== 'string' || !r.name.endsWith('.'))
    throw new GcpError(400, 'invalid', `Invalid value for '${base}.name': '${r.name}'`);
  if (r.name !== dnsName && !r.name.endsWith(`.${dnsName}`))
    throw new GcpError(
      400,
      'invalid',
      `Invalid value for '${base}.name': '${r.name}' is not in zone '${dnsName}'`,
    );
  if (!TYPES.has(r.type)) throw new GcpError(400, 'invalid', `Invalid value for '${base}.type': '${r.type}'`);
  if (!Number.isInteger(r.ttl) || r.ttl! < 0)
    throw new GcpError(400, 'required', `Required field '${base}.ttl' not specified`);
  const hasData = (r.rrdatas?.length ?? 0) > 0;
  if (hasData === (r.routingPolicy !== undefined))
    throw new GcpError(
      400,
      'invalid',
      `Invalid value for '${base}': exactly one of rrdatas and routingPolicy must be set`,
    );
  if (r.type === 'CNAME' && r.name === dnsName)
    throw new GcpError(400, 'invalid', `Invalid value for '${base}': a CNAME cannot be at the zone apex`);
  r.rrdatas?.forEach((d, i) => {
    checkData(r.type, d, `${base}.rrdata[${i}]`);
  });
  const rp = r.routingPolicy;
  if (!rp) return;
  if (rp.primaryBackup)
    throw new GcpError(
      400,
      'invalid',
      `Invalid value for '${base}.routingPolicy': primaryBackup needs health checks (not in this fake)`,
    );
  if ((rp.wrr ? 1 : 0) + (rp.geo ? 1 : 0) !== 1)
    throw new GcpError(
      400,
      'invalid',
      `Invalid value for '${base}.routingPolicy': exactly one of wrr and geo must be set`,
    );
  const items = rp.wrr?.items ?? rp.geo?.items ?? [];
  if (items.length === 0)
    throw new GcpError(400, 'required', `Required field '${base}.routingPolicy.items' not specified`);
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const ia = `${base}.routingPolicy.items[${i}]`;
    if (!item.rrdatas?.length)
      throw new GcpError(400, 'required', `Required field '${ia}.rrdatas' not specified`);
    item.rrdatas.forEach((d, j) => {
      checkData(r.type, d, `${ia}.rrdatas[${j}]`);
    });
    if (rp.wrr && (typeof item.weight !== 'number' || item.weight < 0 || !Number.isFinite(item.weight)))
      throw new GcpError(400, 'invalid', `Invalid value for '${ia}.weight': '${item.weight}'`);
    if (rp.geo) {
      if (!item.location || !LOCATIONS.has(item.location))
        throw new GcpError(400, 'invalid', `Invalid value for '${ia}.location': '${item.location}'`);
      if (seen.has(item.location))
        throw new GcpError(
          400,
          'invalid',
          `Invalid value for '${ia}.location': '${item.location}' appears twice`,
        );
      seen.add(item.location);
    }
  });
}

/** The set without `kind` fields and with rrdatas sorted: what "matches exactly" compares. */
export function canonical(r: Rrset): string {
  return JSON.stringify(r, (k, v) => {
    if (k === 'kind') return undefined;
    if ((k === 'rrdatas' || k === 'signatureRrdatas') && Array.isArray(v)) return [...v].sort();
    return v;
  });
}

/** The set as the API returns it: with its `kind` fields. */
export function stored(r: Rrset): Rrset {
  const out: Rrset = { kind: 'dns#resourceRecordSet', name: r.name, type: r.type, ttl: r.ttl! };
  if (r.rrdatas?.length) out.rrdatas = [...r.rrdatas];
  if (r.signatureRrdatas?.length) out.signatureRrdatas = [...r.signatureRrdatas];
  if (r.routingPolicy?.wrr)
    out.routingPolicy = {
      kind: 'dns#rRSetRoutingPolicy',
      wrr: {
        kind: 'dns#rRSetRoutingPolicyWrrPolicy',
        items: r.routingPolicy.wrr.items!.map((i) => ({
          kind: 'dns#rRSetRoutingPolicyWrrPolicyWrrPolicyItem',
          weight: i.weight!,
          rrdatas: [...i.rrdatas!],
        })),
      },
    };
  if (r.routingPolicy?.geo)
    out.routingPolicy = {
      kind: 'dns#rRSetRoutingPolicy',
      geo: {
        kind: 'dns#rRSetRoutingPolicyGeoPolicy',
        items: r.routingPolicy.geo.items!.map((i) => ({
          kind: 'dns#rRSetRoutingPolicyGeoPolicyGeoPolicyItem',
          location: i.location!,
          rrdatas: [...i.rrdatas!],
        })),
        enableFencing: r.routingPolicy.geo.enableFencing ?? false,
      },
    };
  return out;
}
