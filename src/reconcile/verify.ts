// Confirmed propagation: after an apply, ask each authoritative nameserver directly until it serves
// the new answer (or a deadline passes), and measure the time to visible per nameserver.
import { isIP } from 'node:net';
import dns2 from 'dns2';
import { normaliseValue, type RecordSet } from '../model/index.ts';

export interface Expectation {
  name: string;
  type: 'A' | 'AAAA' | 'CNAME' | 'TXT';
  /** Answers that count as the new state (one per acceptable record set). */
  acceptable: string[][];
  /** An ECS subnet to ask from (geo records), e.g. "81.0.0.0/24". */
  clientSubnet?: string;
  label: string;
}

export interface NameserverResult {
  nameserver: string;
  /** Milliseconds from the start of verification until every expectation held; null: never. */
  visibleMs: number | null;
  /** What the nameserver last answered for an expectation that did not hold. */
  lastMismatch?: string;
  error?: string;
}

export interface VerifyResult {
  ok: boolean;
  nameservers: NameserverResult[];
  /** Expectations that could not be checked (a geo rule with no subnet to ask from). */
  unchecked: string[];
}

export type GeoNetwork = { cidr: string; country?: string; continent?: string; subdivision?: string };

type Geo = Exclude<RecordSet['geo'], undefined | 'default'>;

/** The record of a geo group a client located at `n` gets: most specific match wins (Route 53). */
function selects(group: readonly RecordSet[], n: GeoNetwork): RecordSet | undefined {
  const geo = (r: RecordSet) => (r.geo === 'default' ? undefined : (r.geo as Geo | undefined));
  return (
    group.find(
      (r) =>
        geo(r)?.subdivision !== undefined &&
        geo(r)?.country === n.country &&
        geo(r)?.subdivision === n.subdivision,
    ) ??
    group.find(
      (r) =>
        geo(r)?.country !== undefined && geo(r)?.subdivision === undefined && geo(r)?.country === n.country,
    ) ??
    group.find((r) => geo(r)?.continent !== undefined && geo(r)?.continent === n.continent) ??
    group.find((r) => r.geo === 'default')
  );
}

/** A subnet from the geoip table whose clients get `record` from its geo group, if any. */
export function subnetFor(
  record: RecordSet,
  group: readonly RecordSet[],
  networks: readonly GeoNetwork[],
): string | undefined {
  if (record.geo === undefined || record.geo === 'default') return undefined;
  return networks.find((n) => selects(group, n) === record)?.cidr;
}

/**
 * What the nameservers must serve once `records` (the full desired set at each changed name) is
 * live. Weighted groups accept any set with a non-zero weight (or any set when all are zero), or
 * their union (what a server without weights publishes); geo
 * sets are asked from a subnet of their location; sets we cannot aim at are returned as unchecked.
 */
export function expectationsFor(
  records: readonly RecordSet[],
  networks: readonly GeoNetwork[],
): { expectations: Expectation[]; unchecked: string[] } {
  const expectations: Expectation[] = [];
  const unchecked: string[] = [];
  const groups = new Map<string, RecordSet[]>();
  for (const r of records) {
    if (r.type !== 'A' && r.type !== 'AAAA' && r.type !== 'CNAME' && r.type !== 'TXT') continue;
    const k = `${r.name} ${r.type}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  for (const group of groups.values()) {
    const first = group[0]!;
    const type = first.type as Expectation['type'];
    if (group.some((r) => r.weight !== undefined)) {
      const live = group.filter((r) => (r.weight ?? 0) > 0);
      const sets = (live.length > 0 ? live : group).map((r) => r.values);
      // A server without weights (RFC 2136) publishes the union of the live sets as one RRset.
      const union = [...new Set(sets.flat())].sort();
      expectations.push({
        name: first.name,
        type,
        acceptable: sets.length > 1 ? [...sets, union] : sets,
        label: `${first.name} ${type} (weighted)`,
      });
    } else if (group.some((r) => r.geo !== undefined)) {
      for (const r of group) {
        const label = `${r.name} ${type} geo ${r.setId ?? JSON.stringify(r.geo)}`;
        if (r.geo === 'default') {
          // Asked without ECS from loopback, which no geo table entry should locate.
          expectations.push({ name: r.name, type, acceptable: [r.values], label });
          continue;
        }
        const subnet = subnetFor(r, group, networks);
        if (subnet === undefined) unchecked.push(label);
        else expectations.push({ name: r.name, type, acceptable: [r.values], clientSubnet: subnet, label });
      }
    } else {
      expectations.push({
        name: first.name,
        type,
        acceptable: [first.values],
        label: `${first.name} ${type}`,
      });
    }
  }
  return { expectations, unchecked };
}

/**
 * What a secondary of a builtin hidden primary must serve once `records` are live: the transferred
 * zone has no geography or weights (providers/builtin/dns-server/xfr-flatten.ts), so a geo group is its
 * `default` answer, a weighted group every live value in one answer (a CNAME: the heaviest target).
 */
export function secondaryExpectations(records: readonly RecordSet[]): Expectation[] {
  const groups = new Map<string, RecordSet[]>();
  for (const r of records) {
    if (r.type !== 'A' && r.type !== 'AAAA' && r.type !== 'CNAME' && r.type !== 'TXT') continue;
    const k = `${r.name} ${r.type}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const out: Expectation[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const type = first.type as Expectation['type'];
    let chosen: RecordSet[] = group;
    if (group.some((r) => r.geo !== undefined)) chosen = group.filter((r) => r.geo === 'default');
    else if (group.some((r) => r.weight !== undefined)) {
      const live = group.filter((r) => (r.weight ?? 0) > 0);
      chosen = live.length > 0 ? live : group;
      if (type === 'CNAME')
        chosen = [...chosen]
          .sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0) || (a.setId ?? '').localeCompare(b.setId ?? ''))
          .slice(0, 1);
    }
    if (chosen.length === 0) continue;
    const values = [...new Set(chosen.flatMap((r) => r.values))].sort();
    out.push({ name: first.name, type, acceptable: [values], label: `${first.name} ${type} (secondary)` });
  }
  return out;
}

function answerValues(packet: dns2.Packet, type: Expectation['type']): string[] {
  const code = dns2.Packet.TYPE[type];
  return packet.answers
    .filter((a) => a.type === code)
    .map((a) => {
      const raw = type === 'CNAME' ? a.domain : type === 'TXT' ? [a.data].flat().join('') : a.address;
      return normaliseValue(type, String(raw ?? ''));
    })
    .sort();
}

function matches(values: string[], acceptable: string[][]): boolean {
  return acceptable.some((set) => set.length === values.length && set.every((v, i) => v === values[i]));
}

function splitHostPort(hp: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(hp);
  if (!m) return { host: hp, port: 53 };
  return { host: m[1]!, port: Number(m[2]) };
}

async function askOnce(nameserver: string, e: Expectation, timeoutMs: number): Promise<string[]> {
  const { host, port } = splitHostPort(nameserver);
  const resolve = dns2.UDPClient({
    dns: host,
    port,
    socketType: isIP(host) === 6 ? 'udp6' : 'udp4',
    timeout: timeoutMs,
  });
  const packet = await resolve(e.name.replace(/\.$/, ''), e.type, dns2.Packet.CLASS.IN, {
    recursive: false,
    ...(e.clientSubnet ? { clientIp: e.clientSubnet } : {}),
  });
  return answerValues(packet, e.type);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

export async function verifyPropagation(input: {
  nameservers: readonly string[];
  expectations: readonly Expectation[];
  unchecked?: readonly string[];
  deadlineMs: number;
  intervalMs: number;
  signal?: AbortSignal;
  now?: () => number;
}): Promise<VerifyResult> {
  const now = input.now ?? (() => performance.now());
  const start = now();
  const results = await Promise.all(
    input.nameservers.map(async (ns): Promise<NameserverResult> => {
      const pending = new Set(input.expectations);
      let lastMismatch: string | undefined;
      let error: string | undefined;
      while (pending.size > 0 && now() - start < input.deadlineMs && !input.signal?.aborted) {
        for (const e of [...pending]) {
          try {
            const values = await askOnce(ns, e, Math.max(200, Math.min(2000, input.deadlineMs)));
            error = undefined;
            if (matches(values, e.acceptable)) pending.delete(e);
            else lastMismatch = `${e.label}: served [${values.join(', ')}]`;
          } catch (err) {
            error = (err as Error).message;
          }
        }
        if (pending.size > 0) await sleep(input.intervalMs, input.signal);
      }
      const visibleMs = pending.size === 0 ? Math.round((now() - start) * 10) / 10 : null;
      return {
        nameserver: ns,
        visibleMs,
        ...(visibleMs === null && lastMismatch ? { lastMismatch } : {}),
        ...(visibleMs === null && error ? { error } : {}),
      };
    }),
  );
  return {
    ok: results.every((r) => r.visibleMs !== null),
    nameservers: results,
    unchecked: [...(input.unchecked ?? [])],
  };
}
