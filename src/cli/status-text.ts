// The status document as readable text: the tables `geofailover status` prints, one section each.

import type { StatusDoc } from '../api/index.ts';
import { failingCheckLines } from './failing-checks.ts';
import { age, table } from './table.ts';

/** A (zone, provider)'s state in one word or two, for the table. */
function providerState(z: StatusDoc['zones'][number]): string {
  if (z.failing) return `FAILING (${z.failing.attempts} attempt${z.failing.attempts === 1 ? '' : 's'})`;
  if (z.inProgress?.behind)
    return `BEHIND (${z.inProgress.stage}, ${Math.round(z.inProgress.ageMs / 1000)}s)`;
  if (z.lastReconcile?.result === 'refused') return 'REFUSED';
  if (z.error) return 'ERROR';
  if (z.lastReconcile?.result === 'skipped') return 'HELD';
  return z.lastReconcile ? 'OK' : 'PENDING';
}

/** "in 12m" for a time ahead. */
function inTime(iso: string, now: number): string {
  const m = Math.max(0, Math.round((Date.parse(iso) - now) / 60_000));
  return m < 120 ? `in ${m}m` : m < 2880 ? `in ${Math.round(m / 60)}h` : `in ${Math.round(m / 1440)}d`;
}

/** The status document as the tables `geofailover status` prints, section by section. */
export function renderStatus(s: StatusDoc, now = Date.now()): string {
  return [
    ...headerLines(s, now),
    ...regionLines(s, now),
    ...signalLines(s, now),
    ...maintenanceLines(s, now),
    ...voteLines(s),
    ...failingLines(s),
    ...rejectionLines(s, now),
    ...dnsServerLines(s),
    ...zoneStateLines(s, now),
    ...zoneRecordLines(s, now),
    ...errorLines(s),
  ].join('\n');
}

/** The sub-checks failing now, of endpoints with several checks (even those still up). */
function failingLines(s: StatusDoc): string[] {
  const failing = failingCheckLines(s);
  return failing.length > 0 ? ['', ...failing] : [];
}

/** What the controller is, whether it writes, and what must not be missed. */
function headerLines(s: StatusDoc, now: number): string[] {
  const out: string[] = [];
  const role = s.role === 'single' ? '' : ` · ${s.role}${s.leader ? ` (leader ${s.leader})` : ''}`;
  out.push(`controller ${s.replica} · owner ${s.owner} · mode ${s.mode}${role}`);
  // Replicas: say why this one does not write when no leader is known to it (etcd cut off, fenced).
  const c = s.coordination;
  if (
    c?.kind === 'etcd' &&
    c.role !== 'leader' &&
    (c.etcd === 'unreachable' || c.etcd === 'refused' || !s.leader)
  )
    out.push(`NOT WRITING: ${c.reason ?? 'etcd unreachable'}`);
  // What must not be missed comes first, and stays until it clears.
  for (const p of (s.problems ?? []).filter((x) => x.kind !== 'fail-static'))
    out.push(`PROBLEM ${p.kind} since ${age(p.since, now)}: ${p.message}`);
  out.push(
    s.failStatic
      ? // The controller's reason already ends with "DNS is held as it is"; say it once.
        `FAIL STATIC: ${s.failStaticReason ?? `${s.freshProbers} of ${s.minProbers} required probers fresh; DNS is held as it is`}`
      : `probers fresh: ${s.freshProbers} (min ${s.minProbers})`,
  );
  return out;
}

/** Each region's status and why, and an override that waits under a drain. */
const FAMILY = { ipv4: 'IPv4', ipv6: 'IPv6' } as const;

/** "IPv4 UP · IPv6 DOWN" for a dual-stack region, "-" for others. */
function familiesText(r: StatusDoc['regions'][number]): string {
  if (!r.families) return '-';
  return r.families
    .map(
      (f) =>
        `${FAMILY[f.family]} ${f.status.toUpperCase()}${f.holdingFailback && f.status === 'down' ? ' (recovering)' : ''}`,
    )
    .join(' · ');
}

function regionLines(s: StatusDoc, now: number): string[] {
  const out: string[] = [];
  out.push('');
  // Dual-stack regions: what A (IPv4) and AAAA (IPv6) answers follow, in one more column.
  const dual = s.regions.some((r) => r.families);
  out.push(
    table(
      ['REGION', 'STATUS', ...(dual ? ['FAMILIES'] : []), 'SINCE', 'ENDPOINTS UP', 'NOTE'],
      s.regions.map((r) => [
        r.id,
        r.status.toUpperCase() + (r.decided ? '' : ' (undecided)'),
        ...(dual ? [familiesText(r)] : []),
        age(r.since, now),
        `${r.endpoints.filter((e) => e.state === 'up').length}/${r.endpoints.length}`,
        r.drain
          ? `drained by ${r.drain.author}: ${r.drain.reason}${r.drain.until ? ` (until ${r.drain.until})` : ''}`
          : r.maintenance
            ? `maintenance until ${r.maintenance.end}: ${r.maintenance.reason}`
            : r.override
              ? `FORCED UP by ${r.override.author} until ${r.override.until}: ${r.override.reason}`
              : r.holdingFailback
                ? `recovering; failback at ${r.failbackAt ?? '?'}${r.holdDownReason ? ` (${r.holdDownReason})` : ''}`
                : r.ramp
                  ? `failback ramp step ${r.ramp.step}/${r.ramp.steps} (${r.ramp.percent}%), next at ${r.ramp.nextAt}`
                  : (r.reason ?? ''),
      ]),
    ),
  );
  // An override under a drain or maintenance does nothing yet; say it is there.
  for (const r of s.regions)
    if (r.override && r.status === 'drained')
      out.push(
        `${r.id}: forced up by ${r.override.author} until ${r.override.until} (no effect while drained)`,
      );
  // A held failback of one family says when it ends, like a region's.
  for (const r of s.regions)
    for (const f of r.families ?? [])
      if (f.holdingFailback && r.status === 'up')
        out.push(
          `${r.id} ${FAMILY[f.family]}: recovering; failback at ${f.failbackAt ?? '?'}${f.holdDownReason ? ` (${f.holdDownReason})` : ''}`,
        );
  return out;
}

/** What each signal says and whether it acts now. */
function signalLines(s: StatusDoc, now: number): string[] {
  const out: string[] = [];
  const signals = s.signals ?? [];
  if (signals.length > 0) {
    // What each signal says and whether it acts now (a down veto holds its target down).
    out.push('');
    out.push(
      table(
        ['SIGNAL', 'KIND', 'TARGET', 'STATE', 'EFFECT', 'SINCE', 'SAYS'],
        signals.map((g) => [
          g.name,
          g.kind,
          g.target,
          g.state.toUpperCase() + (g.acting && g.effect === 'veto' ? ' (vetoing)' : ''),
          g.effect,
          age(g.since, now),
          g.words,
        ]),
      ),
    );
  }
  return out;
}

/** The next maintenance windows. */
function maintenanceLines(s: StatusDoc, now: number): string[] {
  const out: string[] = [];
  const upcoming = s.maintenance?.upcoming ?? [];
  if (upcoming.length > 0) {
    out.push('');
    out.push(
      table(
        ['MAINTENANCE', 'REGION', 'STARTS', 'ENDS', 'REASON'],
        upcoming
          .slice(0, 10)
          .map((w) => [w.window, w.region, `${w.start} (${inTime(w.start, now)})`, w.end, w.reason]),
      ),
    );
  }
  return out;
}

/** Each endpoint's state and every prober's vote on it. */
function voteLines(s: StatusDoc): string[] {
  const out: string[] = [];
  const voteText = (v: StatusDoc['regions'][number]['endpoints'][number]['votes'][number] | undefined) =>
    v ? `${v.vote}${v.fresh ? '' : ' (stale)'}${v.impaired ? ' (impaired)' : ''}` : '-';
  out.push('');
  const probers = s.probers.map((p) => p.id);
  out.push(
    table(
      ['ENDPOINT', 'REGION', 'STATE', ...probers.map((p) => p.toUpperCase())],
      s.regions.flatMap((r) =>
        r.endpoints.flatMap((e) =>
          // A dual-stack endpoint gets a row per family: "use-a UP on IPv4", "use-a DOWN on IPv6".
          e.families
            ? e.families.map((f) => [
                e.id,
                r.id,
                `${f.state.toUpperCase()} on ${FAMILY[f.family]}`,
                ...probers.map((p) => voteText(f.votes.find((x) => x.prober === p))),
              ])
            : [
                [
                  e.id,
                  r.id,
                  e.state.toUpperCase(),
                  ...probers.map((p) => voteText(e.votes.find((x) => x.prober === p))),
                ],
              ],
        ),
      ),
    ),
  );
  return out;
}

/** The probers whose reports are refused, and senders that are not configured. */
function rejectionLines(s: StatusDoc, now: number): string[] {
  const out: string[] = [];
  const rejected = s.probers.filter((p) => p.rejected);
  const strangers = s.unknownProbers ?? [];
  if (rejected.length > 0 || strangers.length > 0) {
    // Which prober the controller refuses, why, and since when: its votes above only say stale.
    out.push('');
    out.push(
      table(
        ['PROBER', 'LAST ACCEPTED', 'REJECTED', 'LAST REJECTION', 'REASON'],
        [
          ...rejected.map((p) => {
            const r = p.rejected!;
            return [
              p.id,
              age(p.lastReportAt, now),
              `${r.count}${r.current ? ' (now)' : ''}`,
              age(r.lastAt, now),
              `${r.what}: ${r.detail}`,
            ];
          }),
          ...strangers.map((u) => [
            `${u.name} (not configured)`,
            '-',
            String(u.count),
            age(u.lastAt, now),
            'unknown prober',
          ]),
        ],
      ),
    );
  }
  return out;
}

/** The embedded DNS servers and their workers. */
function dnsServerLines(s: StatusDoc): string[] {
  const out: string[] = [];
  if (s.dns && s.dns.length > 0) {
    out.push('');
    out.push(
      table(
        ['DNS SERVER', 'LISTEN', 'WORKERS', 'WHY'],
        s.dns.map((d) => [d.provider, d.addresses.join(', '), String(d.workers), d.reason]),
      ),
    );
  }
  return out;
}

/** One row per (zone, provider): with provider redundancy each provider's state on its own. */
function zoneStateLines(s: StatusDoc, now: number): string[] {
  const out: string[] = [];
  if (s.zones.length > 0) {
    // One row per (zone, provider): with provider redundancy each provider's state on its own.
    out.push('');
    out.push(
      table(
        ['ZONE', 'PROVIDER', 'KIND', 'STATE', 'LAST RECONCILE'],
        s.zones.map((z) => [
          z.zone,
          z.provider,
          z.providerKind,
          providerState(z),
          z.lastReconcile ? `${age(z.lastReconcile.at, now)}: ${z.lastReconcile.result}` : 'never',
        ]),
      ),
    );
  }
  return out;
}

/** Each zone's last reconcile, what is running or failing, its writer's lease and its records. */
function zoneRecordLines(s: StatusDoc, now: number): string[] {
  const out: string[] = [];
  for (const z of s.zones) {
    out.push('');
    const last = z.lastReconcile;
    out.push(
      `zone ${z.zone} (${z.provider}, ${z.providerKind})` +
        (last
          ? ` · last reconcile ${age(last.at, now)}: ${last.result}, ${last.changes} change(s), ${last.durationMs} ms`
          : ''),
    );
    const run = z.inProgress;
    if (run)
      out.push(
        `  ${run.behind ? 'BEHIND' : 'IN PROGRESS'}: ${run.stage}${run.changes === undefined ? '' : ` of ${run.changes} change(s)`}, started ${age(run.since, now)}`,
      );
    if (z.error) out.push(`  ERROR ${age(z.error.at, now)}: ${z.error.message}`);
    // The writer's lease: what makes a scheduled `geofailover apply` step aside from this zone.
    if (z.lease?.error)
      out.push(`  LEASE NOT RENEWED: ${z.lease.error} (a scheduled apply may not see this controller)`);
    else if (z.lease?.expires)
      out.push(
        `  writer's lease ${z.lease.name} held until ${z.lease.expires} (a scheduled apply steps aside)`,
      );
    out.push(
      table(
        ['NAME', 'TYPE', 'SET', 'WEIGHT', 'TTL', 'ANSWER'],
        z.records.map((r) => [
          r.name,
          r.type,
          r.setId ?? '-',
          r.weight === undefined ? '-' : String(r.weight),
          String(r.ttl),
          r.values.join(', '),
        ]),
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  return out;
}

/** The last errors. */
function errorLines(s: StatusDoc): string[] {
  const out: string[] = [];
  if (s.errors.length > 0) {
    out.push('');
    out.push('recent errors:');
    for (const e of s.errors.slice(-10)) out.push(`  ${e.at} ${e.zone ?? ''} ${e.message}`);
  }
  return out;
}
