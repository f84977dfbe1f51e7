// Checks that span parts of the config: ids that must exist, be unique or agree with each other,
// and policies a zone's provider cannot express (octoDNS "strict supports": an error, never a degrade).
import { capabilitiesOf, definitionOf } from '../../providers/registry/index.ts';
import { addressFor, addressText, inZone, isMarkerName, LEASE_LABEL, normaliseName } from '../model/index.ts';
import { policyDefinitionOf } from '../policy/kinds/index.ts';
import { crossCheckFallback } from './crossref-fallback.ts';
import { crossCheckOperate } from './crossref-operate.ts';
import { crossCheckSignals } from './crossref-signals.ts';
import { dualStackProblems } from './dual-stack-checks.ts';
import { featureProblems } from './feature-checks.ts';
import { plaintextProblems } from './plaintext.ts';
import { supportProblems } from './policy-support.ts';
import type { Problem } from './problem.ts';
import { type Config, zoneProviders } from './schema.ts';

export type { Problem };

function duplicates<T>(items: readonly T[], key: (t: T) => string): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  items.forEach((t, i) => {
    seen.set(key(t), [...(seen.get(key(t)) ?? []), i]);
  });
  return new Map([...seen].filter(([, idx]) => idx.length > 1));
}

const TTL_MIN = 1;
const TTL_MAX = 2_147_483_647;

type At = (string | number)[];
/** Adds an error at a config path. */
type Add = (at: At, message: string) => void;
type ZoneProvider = { id: string; cfg: NonNullable<Config['providers'][string]> };

export function crossCheck(config: Config): Problem[] {
  const problems: Problem[] = [];
  const add: Add = (at, message) => problems.push({ at, path: '', message });

  uniqueIds(config, add);
  healthLimits(config, add);
  if (config.zones.length === 0) {
    problems.push({
      at: ['zones'],
      path: '',
      message: 'no zones: the controller will check health but publish nothing; add a zone with records',
      severity: 'warning',
    });
  }

  const regions = new Map(config.regions.map((r) => [r.id, r]));
  // What a policy's own cross checks see of the config (probers it names, fields its regions carry).
  const crossContext = { regions: config.regions, probers: config.probers.map((p) => p.id) };
  const managed = new Map<string, At>();
  config.zones.forEach((zone, zi) => {
    const { providers, many } = providersOfZone(config, zone, zi, add);
    zone.records.forEach((rec, ri) => {
      const at: At = ['zones', zi, 'records', ri];
      recordName(zone, rec, at, add);
      const key = `${normaliseName(rec.name)} ${rec.type}`;
      if (managed.has(key)) add([...at, 'name'], `record ${rec.name} ${rec.type} is managed twice`);
      managed.set(key, at);
      if (rec.ttl < TTL_MIN || rec.ttl > TTL_MAX)
        add([...at, 'ttl'], `ttl ${rec.ttl} is out of range (${TTL_MIN}-${TTL_MAX})`);
      else if (rec.ttl > 86_400)
        add([...at, 'ttl'], `ttl ${rec.ttl} is over one day; a failover record needs a short TTL (30-300)`);

      recordPolicy(rec, at, regions, add);
      problems.push(...policyChecks(rec, at, crossContext));
      for (const p of providerRecordProblems(config, zone, rec, at, providers, many)) problems.push(p);
    });
  });

  providerSettings(config, problems, add);
  problems.push(...crossCheckFallback(config));
  problems.push(...etcdPlainPassword(config));
  problems.push(...crossCheckOperate(config));
  problems.push(...crossCheckSignals(config));
  problems.push(...plaintextProblems(config));
  problems.push(...dualStackProblems(config));
  return problems;
}

type Zone = Config['zones'][number];
type ZoneRecord = Zone['records'][number];

/** Region, endpoint, prober and zone ids are unique. */
function uniqueIds(config: Config, add: Add): void {
  for (const [id, idx] of duplicates(config.regions, (r) => r.id)) {
    for (const i of idx.slice(1)) add(['regions', i, 'id'], `duplicate region id "${id}"`);
  }
  const endpointIds = config.regions.flatMap((r, ri) => r.endpoints.map((e, ei) => ({ id: e.id, ri, ei })));
  for (const [id, idx] of duplicates(endpointIds, (e) => e.id)) {
    for (const i of idx.slice(1)) {
      const e = endpointIds[i]!;
      add(
        ['regions', e.ri, 'endpoints', e.ei, 'id'],
        `duplicate endpoint id "${id}" (endpoint ids are global)`,
      );
    }
  }
  for (const [id, idx] of duplicates(config.probers, (p) => p.id)) {
    for (const i of idx.slice(1)) add(['probers', i, 'id'], `duplicate prober id "${id}"`);
  }
  for (const [name, idx] of duplicates(config.zones, (z) => normaliseName(z.name))) {
    for (const i of idx.slice(1)) add(['zones', i, 'name'], `duplicate zone "${name}"`);
  }
}

/** Health timings agree with each other, and the prober and endpoint counts can meet them. */
function healthLimits(config: Config, add: Add): void {
  const h = config.health;
  if (h.timeout >= h.interval)
    add(['health', 'timeout'], `timeout (${h.timeout} ms) must be shorter than interval (${h.interval} ms)`);
  if (h.staleAfter <= h.interval)
    add(
      ['health', 'staleAfter'],
      `staleAfter (${h.staleAfter} ms) must be longer than interval (${h.interval} ms)`,
    );
  if (config.probers.length > 0 && h.minProbers > config.probers.length) {
    add(
      ['health', 'minProbers'],
      `minProbers is ${h.minProbers} but only ${config.probers.length} probers are configured`,
    );
  }
  if (typeof h.quorum === 'number' && config.probers.length > 0 && h.quorum > config.probers.length) {
    add(
      ['health', 'quorum'],
      `quorum is ${h.quorum} but only ${config.probers.length} probers are configured`,
    );
  }
  config.regions.forEach((r, ri) => {
    if (h.minHealthy > r.endpoints.length) {
      add(
        ['regions', ri, 'endpoints'],
        `region "${r.id}" has ${r.endpoints.length} endpoint(s) but health.minHealthy is ${h.minHealthy}`,
      );
    }
  });
}

/** Every provider the zone is published to must exist and express every record (redundancy). */
function providersOfZone(
  config: Config,
  zone: Zone,
  zi: number,
  add: Add,
): { providers: ZoneProvider[]; many: boolean } {
  const ids = zoneProviders(zone);
  const many = zone.providers !== undefined;
  const providers: ZoneProvider[] = [];
  ids.forEach((id, pi) => {
    const cfg = config.providers[id];
    const at = many ? ['zones', zi, 'providers', pi] : ['zones', zi, 'provider'];
    if (ids.indexOf(id) !== pi) add(at, `provider "${id}" is named twice for this zone`);
    else if (!cfg)
      add(at, `unknown provider "${id}"; known: ${Object.keys(config.providers).join(', ') || '(none)'}`);
    else providers.push({ id, cfg });
  });
  return { providers, many };
}

/** A record's name: inside its zone, not one geofailover keeps, a wildcard only where it is one. */
function recordName(zone: Zone, rec: ZoneRecord, at: At, add: Add): void {
  if (!inZone(rec.name, zone.name))
    add([...at, 'name'], `record ${rec.name} is outside its zone ${zone.name}`);
  // The names geofailover writes for itself: a record there would be read as a marker, or sit on
  // the controller's writer lease (which apply relies on to step aside).
  if (isMarkerName(rec.name) || normaliseName(rec.name).split('.').includes(LEASE_LABEL))
    add(
      [...at, 'name'],
      `record ${rec.name}: geofailover keeps names of the forms _geofailover.<name> (ownership markers) and <owner>.${LEASE_LABEL}.<zone> (the controller's writer lease) for itself; give the record another name`,
    );
  // RFC 4592: `*` is a wildcard only as the whole leftmost label, and every provider (Route 53,
  // Cloudflare, the builtin server) expands it there; elsewhere providers disagree on what it means.
  if (rec.name.split('.').some((label, i) => label.includes('*') && (i > 0 || label !== '*')))
    add(
      [...at, 'name'],
      `record ${rec.name}: "*" is a wildcard only as the whole leftmost label (RFC 4592), e.g. *.${zone.name}`,
    );
}

/** What a record type publishes, and how an endpoint gets one. */
const ADDRESS_KIND: Record<string, string> = { A: 'IPv4 address', AAAA: 'IPv6 address', CNAME: 'host name' };
const ADDRESS_REMEDY: Record<string, string> = {
  A: 'give an endpoint an IPv4 address (`address: 192.0.2.10`, or `addresses: { ipv4: ..., ipv6: ... }` for dual-stack)',
  AAAA: 'give an endpoint an IPv6 address (`address: 2001:db8::10`, or `addresses: { ipv4: ..., ipv6: ... }` for dual-stack)',
  CNAME: 'give an endpoint a host name (`address: lb.example.net`)',
};

/** The regions a record's policy names exist and have an endpoint fit for the record's type. */
function recordPolicy(
  rec: ZoneRecord,
  at: At,
  regions: Map<string, Config['regions'][number]>,
  add: Add,
): void {
  const policy = rec.policy;
  const kind = policyDefinitionOf(policy.kind);
  const lacking: { pat: (string | number)[]; region: string; addrs: string }[] = [];
  const named = new Set<string>();
  for (const { at: pat, region } of kind.regions(policy)) {
    if (!regions.has(region)) {
      add([...at, 'policy', ...pat], `unknown region "${region}"; known: ${[...regions.keys()].join(', ')}`);
      continue;
    }
    named.add(region);
    const eps = regions.get(region)!.endpoints;
    const fits = eps.filter((e) => (e.alias ? rec.type !== 'CNAME' : addressFor(e, rec.type) !== undefined));
    if (fits.length === 0) lacking.push({ pat, region, addrs: eps.map(addressText).join(', ') });
  }
  const what = ADDRESS_KIND[rec.type] ?? `${rec.type} value`;
  if (lacking.length > 0 && new Set(lacking.map((l) => l.region)).size === named.size) {
    // Not one region can answer: one message for the record, not one per region.
    const have = [...new Map(lacking.map((l) => [l.region, `${l.region}: ${l.addrs}`])).values()];
    add(
      [...at, 'type'],
      `${rec.type === 'CNAME' ? 'a' : 'an'} ${rec.type} record publishes ${what}es, but no region it names has one (${have.join('; ')}); ${ADDRESS_REMEDY[rec.type] ?? 'give an endpoint one'}`,
    );
  } else {
    for (const l of lacking)
      add(
        [...at, 'policy', ...l.pat],
        `region "${l.region}" has no ${what} for this ${rec.type} record (its endpoints: ${l.addrs}); ${ADDRESS_REMEDY[rec.type] ?? 'give an endpoint one'}, or take the region out of the record`,
      );
  }
}

/** The policy kind's own checks, and its cross checks against the config (errors and warnings). */
function policyChecks(
  rec: ZoneRecord,
  at: At,
  crossContext: { regions: Config['regions']; probers: string[] },
): Problem[] {
  const policy = rec.policy;
  const kind = policyDefinitionOf(policy.kind);
  return [...(kind.check?.(policy) ?? []), ...(kind.crossCheck?.(policy, crossContext) ?? [])].map((p) => ({
    at: [...at, 'policy', ...p.at],
    path: '',
    message: p.message,
    ...(p.severity === 'warning' ? { severity: 'warning' as const } : {}),
  }));
}

/** What each provider of the zone cannot express of the record (its kind's features and checks). */
function providerRecordProblems(
  config: Config,
  zone: Zone,
  rec: ZoneRecord,
  at: At,
  providers: readonly ZoneProvider[],
  many: boolean,
): Problem[] {
  const problems: Problem[] = [];
  const add: Add = (to, message) => problems.push({ at: to, path: '', message });
  for (const { id, cfg } of providers) {
    // What this provider kind can express comes from its definition (providers/<kind>/definition.ts).
    const def = definitionOf(cfg.kind);
    // With several providers, say which one a problem is about.
    const who = many ? `provider ${id} (${cfg.kind}): ` : '';
    if (rec.proxied !== undefined && !def.recordOptions?.includes('proxied')) {
      add([...at, 'proxied'], `${who}\`proxied\` applies only to Cloudflare zones`);
    }
    const features = capabilitiesOf(cfg);
    const where = `provider "${id}" (${cfg.kind}${'mode' in cfg ? `, mode ${String(cfg.mode)}` : ''})`;
    for (const p of featureProblems(config, zone, rec, features, where)) {
      problems.push({ at: [...at, ...p.at], path: '', message: `${who}${p.message}` });
    }
    for (const p of supportProblems(rec, features, where)) {
      problems.push({
        at: [...at, ...p.at],
        path: '',
        message: `${who}${p.message}`,
        severity: p.severity,
      });
    }
    for (const p of def.checkRecord?.(cfg, rec, zone) ?? []) {
      problems.push({
        at: [...at, ...p.at],
        path: '',
        message: `${who}${p.message}`,
        severity: p.severity ?? 'error',
      });
    }
  }
  return problems;
}

/** Provider ids verify names, probers' keys, and each provider kind's own settings checks. */
function providerSettings(config: Config, problems: Problem[], add: Add): void {
  for (const id of Object.keys(config.verify.providers)) {
    if (!config.providers[id])
      add(
        ['verify', 'providers', id],
        `unknown provider "${id}"; known: ${Object.keys(config.providers).join(', ') || '(none)'}`,
      );
  }

  config.probers.forEach((p, i) => {
    if (p.keyEnv !== undefined && p.keyFile !== undefined)
      add(['probers', i], 'give keyEnv or keyFile, not both');
  });
  for (const [id, p] of Object.entries(config.providers)) {
    for (const x of definitionOf(p.kind).checkProvider?.(p, id) ?? [])
      problems.push({
        at: ['providers', id, ...x.at],
        path: '',
        message: x.message,
        severity: x.severity ?? 'error',
      });
  }
}

/** An etcd password sent over plain http is readable on the network. */
function etcdPlainPassword(config: Config): Problem[] {
  const coordination = config.controller.coordination;
  if (coordination.kind === 'etcd' && coordination.auth && coordination.endpoints[0]?.startsWith('http:'))
    return [
      {
        at: ['controller', 'coordination', 'auth'],
        path: '',
        message:
          'the etcd password goes over plain http:// (readable on the network); use https:// endpoints with tls.ca',
        severity: 'warning',
      },
    ];
  return [];
}
