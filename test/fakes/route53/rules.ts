// What the real ChangeResourceRecordSets accepts: request shape (InvalidInput), per-record rules,
// request limits, DELETE checked against the CURRENT values and TTL, and whole-batch atomicity
// (InvalidChangeBatch with every message, nothing applied).
import { isIP } from 'node:net';
import { child, childText, type XmlNode } from './xml.ts';
import { type FakeRRSet, type FakeZone, plainName, rrKey } from './zone.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messages: string[] = [message],
  ) {
    super(message);
  }
}

export interface ParsedChange {
  action: 'CREATE' | 'DELETE' | 'UPSERT';
  rr: FakeRRSet;
}

const RR_TYPES = new Set([
  'SOA',
  'A',
  'TXT',
  'NS',
  'CNAME',
  'MX',
  'NAPTR',
  'PTR',
  'SRV',
  'SPF',
  'AAAA',
  'CAA',
  'DS',
  'TLSA',
  'SSHFP',
  'SVCB',
  'HTTPS',
]);
const RRSET_FIELDS = new Set([
  'Name',
  'Type',
  'SetIdentifier',
  'Weight',
  'Region',
  'GeoLocation',
  'Failover',
  'MultiValueAnswer',
  'TTL',
  'ResourceRecords',
  'AliasTarget',
  'HealthCheckId',
  'TrafficPolicyInstanceId',
  'CidrRoutingConfig',
  'GeoProximityLocation',
]);
const CONTINENTS = new Set(['AF', 'AN', 'AS', 'EU', 'OC', 'NA', 'SA']);
export const LIMITS = { records: 1000, chars: 32_000, weightedPerName: 100 };

function invalidInput(msg: string): ApiError {
  return new ApiError(400, 'InvalidInput', `Invalid request: ${msg}`);
}

function describe(action: string, rr: Partial<FakeRRSet>): string {
  return `Change with [Action=${action}, Name=${rr.name}, Type=${rr.type}, SetIdentifier=${rr.setId ?? 'null'}]`;
}

/** Parses one <ResourceRecordSet>, rejecting unknown elements and shapes the API rejects. */
function parseRRSet(action: string, n: XmlNode): FakeRRSet {
  for (const c of n.children)
    if (!RRSET_FIELDS.has(c.name)) throw invalidInput(`unexpected element ${c.name} in ResourceRecordSet`);
  const name = childText(n, 'Name');
  const type = childText(n, 'Type');
  if (!name || !type) throw invalidInput('ResourceRecordSet needs Name and Type');
  if (!RR_TYPES.has(type)) throw invalidInput(`${type} is not a valid RRType`);
  const rr: FakeRRSet = { name: plainName(name), type, values: [] };
  const setId = childText(n, 'SetIdentifier');
  if (setId !== undefined) {
    if (setId.length < 1 || setId.length > 128)
      throw invalidInput(`SetIdentifier must be 1-128 characters in ${describe(action, rr)}`);
    rr.setId = setId;
  }
  const weight = childText(n, 'Weight');
  if (weight !== undefined) {
    const w = Number(weight);
    if (!/^\d+$/.test(weight) || w > 255)
      throw invalidInput(`Weight must be between 0 and 255 in ${describe(action, rr)}`);
    rr.weight = w;
  }
  const geo = child(n, 'GeoLocation');
  if (geo) {
    const g = {
      ContinentCode: childText(geo, 'ContinentCode'),
      CountryCode: childText(geo, 'CountryCode'),
      SubdivisionCode: childText(geo, 'SubdivisionCode'),
    };
    if (g.ContinentCode && (g.CountryCode || g.SubdivisionCode))
      throw invalidInput(
        `A GeoLocation cannot specify both a ContinentCode and a CountryCode in ${describe(action, rr)}`,
      );
    if (!g.ContinentCode && !g.CountryCode)
      throw invalidInput(`GeoLocation needs a ContinentCode or a CountryCode in ${describe(action, rr)}`);
    if (g.ContinentCode && !CONTINENTS.has(g.ContinentCode))
      throw invalidInput(`unknown ContinentCode ${g.ContinentCode}`);
    if (g.CountryCode && g.CountryCode !== '*' && !/^[A-Z]{2}$/.test(g.CountryCode))
      throw invalidInput(`unknown CountryCode ${g.CountryCode}`);
    if (g.SubdivisionCode && g.CountryCode !== 'US')
      throw invalidInput(`SubdivisionCode is only supported for CountryCode US in ${describe(action, rr)}`);
    rr.geo = Object.fromEntries(Object.entries(g).filter(([, v]) => v !== undefined));
  }
  const routed =
    rr.weight !== undefined ||
    rr.geo !== undefined ||
    child(n, 'Failover') ||
    child(n, 'Region') ||
    child(n, 'MultiValueAnswer');
  if (routed && rr.setId === undefined)
    throw invalidInput(`A SetIdentifier is required for routed records in ${describe(action, rr)}`);
  if (!routed && rr.setId !== undefined)
    throw invalidInput(`A SetIdentifier requires a routing policy in ${describe(action, rr)}`);
  if (rr.weight !== undefined && rr.geo !== undefined)
    throw invalidInput(`only one routing policy per record in ${describe(action, rr)}`);
  const ttl = childText(n, 'TTL');
  const records = child(n, 'ResourceRecords');
  const alias = child(n, 'AliasTarget');
  const plain = ttl !== undefined && records !== undefined;
  if (Number(plain) + Number(alias !== undefined) !== 1 || (ttl !== undefined) !== (records !== undefined))
    throw invalidInput(
      `Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in ${describe(action, rr)}`,
    );
  if (alias) {
    for (const c of alias.children)
      if (!['HostedZoneId', 'DNSName', 'EvaluateTargetHealth'].includes(c.name))
        throw invalidInput(`unexpected element ${c.name} in AliasTarget`);
    const hz = childText(alias, 'HostedZoneId');
    const dns = childText(alias, 'DNSName');
    const eth = childText(alias, 'EvaluateTargetHealth');
    if (!hz || !dns || eth === undefined)
      throw invalidInput(
        `AliasTarget needs HostedZoneId, DNSName and EvaluateTargetHealth in ${describe(action, rr)}`,
      );
    if (rr.type !== 'A' && rr.type !== 'AAAA' && rr.type !== 'CNAME' && rr.type !== 'TXT')
      throw invalidInput(`an alias of type ${rr.type} is not supported here`);
    rr.alias = { HostedZoneId: hz, DNSName: plainName(dns), EvaluateTargetHealth: eth === 'true' };
    return rr;
  }
  if (!/^\d+$/.test(ttl!) || Number(ttl) > 2_147_483_647) throw invalidInput(`TTL ${ttl} is out of range`);
  rr.ttl = Number(ttl);
  for (const r of records!.children) {
    if (r.name !== 'ResourceRecord') throw invalidInput(`unexpected element ${r.name} in ResourceRecords`);
    for (const c of r.children)
      if (c.name !== 'Value') throw invalidInput(`unexpected element ${c.name} in ResourceRecord`);
    const v = childText(r, 'Value');
    if (v === undefined) throw invalidInput('ResourceRecord needs a Value');
    rr.values.push(v);
  }
  if (rr.values.length === 0)
    throw invalidInput(`ResourceRecords must not be empty in ${describe(action, rr)}`);
  return rr;
}

/** Parses a <ChangeResourceRecordSetsRequest> body. */
export function parseChangeRequest(doc: XmlNode): ParsedChange[] {
  if (doc.name !== 'ChangeResourceRecordSetsRequest')
    throw invalidInput(`unexpected root element ${doc.name}`);
  const batch = child(doc, 'ChangeBatch');
  const changes = batch && child(batch, 'Changes');
  if (!changes || changes.children.length === 0)
    throw invalidInput('ChangeBatch.Changes must hold at least one Change');
  return changes.children.map((c) => {
    if (c.name !== 'Change') throw invalidInput(`unexpected element ${c.name} in Changes`);
    const action = childText(c, 'Action');
    if (action !== 'CREATE' && action !== 'DELETE' && action !== 'UPSERT')
      throw invalidInput(`Action ${action} is not CREATE, DELETE or UPSERT`);
    const rrNode = child(c, 'ResourceRecordSet');
    if (!rrNode) throw invalidInput('Change needs a ResourceRecordSet');
    return { action, rr: parseRRSet(action, rrNode) };
  });
}

function label(rr: FakeRRSet): string {
  return `[name='${rr.name}', type='${rr.type}'${rr.setId !== undefined ? `, set-identifier='${rr.setId}'` : ''}]`;
}

function valueProblem(rr: FakeRRSet): string | undefined {
  for (const v of rr.values) {
    if (rr.type === 'A' && isIP(v) !== 4)
      return `ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${v}'`;
    if (rr.type === 'AAAA' && isIP(v) !== 6)
      return `AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) encountered with '${v}'`;
    if (rr.type === 'TXT' && !/^"(?:[^"\\]|\\.)*"(?:\s+"(?:[^"\\]|\\.)*")*$/.test(v))
      return `InvalidCharacterString (Value should be enclosed in quotation marks) encountered with '${v}'`;
  }
  if (rr.type === 'CNAME' && rr.values.length > 1) return 'CNAME records may hold one value only';
  return undefined;
}

/** Route 53 compares record data, not its spelling: IPv6 compression, name case and final dot. */
function canonical(type: string, v: string): string {
  if (type === 'AAAA' && isIP(v) === 6) return new URL(`http://[${v}]/`).hostname;
  if (type === 'CNAME' || type === 'NS') return v.toLowerCase().replace(/\.?$/, '.');
  return v;
}

const sameData = (a: FakeRRSet, b: FakeRRSet) =>
  a.ttl === b.ttl &&
  JSON.stringify(a.alias ?? null) === JSON.stringify(b.alias ?? null) &&
  JSON.stringify(a.values.map((v) => canonical(a.type, v)).sort()) ===
    JSON.stringify(b.values.map((v) => canonical(b.type, v)).sort());

/** Validates and applies a batch to a copy of the zone; commits only when every change is valid. */
export function applyBatch(zone: FakeZone, changes: readonly ParsedChange[]): void {
  let records = 0;
  let chars = 0;
  for (const c of changes) {
    const twice = c.action === 'UPSERT' ? 2 : 1;
    records += c.rr.values.length * twice;
    chars += c.rr.values.reduce((n, v) => n + v.length, 0) * twice;
  }
  if (records > LIMITS.records)
    throw new ApiError(400, 'InvalidChangeBatch', `Number of records limit of ${LIMITS.records} exceeded.`);
  if (chars > LIMITS.chars)
    throw new ApiError(400, 'InvalidChangeBatch', `Number of characters limit of ${LIMITS.chars} exceeded.`);

  const next = zone.clone();
  const problems: string[] = [];
  for (const { action, rr } of changes) {
    const key = rrKey(rr);
    const inZone = rr.name === zone.name || rr.name.endsWith(`.${zone.name}`);
    if (!inZone) {
      problems.push(`RRSet with DNS name ${rr.name} is not permitted in zone ${zone.name}`);
      continue;
    }
    if (action !== 'DELETE') {
      const bad = valueProblem(rr);
      if (bad) {
        problems.push(`Invalid Resource Record: 'FATAL problem: ${bad}'`);
        continue;
      }
    }
    const cur = next.get(key);
    if (action === 'DELETE') {
      if (!cur) problems.push(`Tried to delete resource record set ${label(rr)} but it was not found`);
      else if (!sameData(cur, rr))
        problems.push(
          `Tried to delete resource record set ${label(rr)} but the values provided do not match the current values`,
        );
      else next.delete(key);
    } else if (action === 'CREATE') {
      if (cur) problems.push(`Tried to create resource record set ${label(rr)} but it already exists`);
      else next.set(key, rr);
    } else next.set(key, rr);
  }
  // The state after the batch must be consistent at every name it touched, per name and type.
  const touchedNames = new Set(changes.map((c) => c.rr.name));
  const byName = new Map<string, FakeRRSet[]>();
  for (const r of next.values())
    if (touchedNames.has(r.name)) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  for (const [name, recs] of byName) {
    const types = new Set(recs.map((r) => r.type));
    if (types.has('CNAME') && types.size > 1)
      problems.push(
        `RRSet of type CNAME with DNS name ${name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone.name}`,
      );
    for (const type of types) {
      const group = recs.filter((r) => r.type === type);
      const kinds = new Set(
        group.map((r) =>
          r.weight !== undefined ? 'weighted' : r.geo ? 'geo' : r.setId ? 'other' : 'simple',
        ),
      );
      if (kinds.size > 1)
        problems.push(
          `RRSet with DNS name ${name} and type ${type} cannot be created because a non-${[...kinds][0]} set exists with the same name and type`,
        );
      const weighted = group.filter((r) => r.weight !== undefined && r.alias === undefined);
      if (weighted.length > LIMITS.weightedPerName)
        problems.push(
          `Maximum number of weighted resource record sets with DNS name ${name} and type ${type} exceeded`,
        );
      if (new Set(weighted.map((r) => r.ttl)).size > 1)
        problems.push(
          `RRSet with DNS name ${name} and type ${type}: all weighted records must have the same TTL`,
        );
    }
  }
  // An alias into this hosted zone needs its target name+type in the zone as it will stand.
  for (const { action, rr } of changes) {
    if (action === 'DELETE' || !rr.alias || rr.alias.HostedZoneId.replace(/^\/hostedzone\//, '') !== zone.id)
      continue;
    const target = rr.alias.DNSName;
    if (!(target === zone.name || target.endsWith(`.${zone.name}`))) {
      problems.push(
        `Tried to create an alias that targets ${target}, type ${rr.type} in zone ${zone.id}, but the alias target name does not lie within the target zone`,
      );
    } else if (![...next.values()].some((r) => r.name === target && r.type === rr.type)) {
      problems.push(
        `Tried to create an alias that targets ${target}, type ${rr.type} in zone ${zone.id}, but that target was not found`,
      );
    }
  }
  if (problems.length > 0)
    throw new ApiError(400, 'InvalidChangeBatch', `[${problems.join(', ')}]`, problems);
  zone.replace(next);
}
