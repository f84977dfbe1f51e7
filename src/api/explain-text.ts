// The explain document as text: the chain from the published answer to the votes behind it, as
// `geofailover explain` prints it.
import { fallbackText } from '../config/index.ts';
import { familyName } from '../model/index.ts';
import type { RankedRegion } from '../policy/index.ts';
import type { ExplainDoc, ExplainVote } from './explain-doc.ts';

const STEP_TEXT = {
  own: 'its own regions',
  'default-rule': 'the default rule',
  fallback: 'the fallback',
  'when-all-down': 'whenAllDown',
} as const;

/** "the default rule, then fallback any-up (not written: the default), then whenAllDown fail-open". */
function lastResortText(l: ExplainDoc['lastResort']): string {
  const where = l.from === 'default' ? 'not written: the default' : `from the ${l.from}`;
  const steps = [
    ...(l.defaultRule ? ['the default rule'] : []),
    l.fallback === 'none'
      ? `no fallback (none, ${where})`
      : `fallback ${fallbackText(l.fallback)} (${where})`,
    `whenAllDown ${l.whenAllDown}`,
  ];
  return steps.join(', then ');
}

/** "1. eu-west 21 ms  2. us-east 95 ms  3. ap-south (configured order)". */
function rankingLine(ranking: readonly RankedRegion[]): string {
  return ranking
    .map((r, i) => {
      const what =
        r.rttMs !== undefined
          ? `${r.rttMs} ms`
          : r.distanceKm !== undefined
            ? `${r.distanceKm} km`
            : '(configured order)';
      return `${i + 1}. ${r.region} ${what}`;
    })
    .join('  ');
}

/** The chain as text, for the CLI. */
export function renderExplain(d: ExplainDoc): string {
  const out: string[] = [];
  const on = d.providers.length > 1 ? `providers ${d.providers.join(', ')}` : `provider ${d.provider}`;
  out.push(`${d.name} ${d.type} (zone ${d.zone}, ${on}) · ${d.policy.kind} policy`);
  if (d.lastResort) out.push(`  when its regions are all down: ${lastResortText(d.lastResort)}`);
  if (d.failStatic) out.push('  FAIL STATIC: too few fresh probers; DNS is held as it is');
  for (const s of d.sets) {
    const label = s.setId
      ? `set ${s.setId}${s.weight === undefined ? '' : ` (weight ${s.weight})`}`
      : 'answer';
    out.push(
      `  ${label}${s.otherProviders ? ` on ${d.provider}` : ''}: ${s.published.join(', ') || '(not published)'}${s.inSync ? '' : `  (pending -> ${s.desired.join(', ')})`}`,
    );
    for (const o of s.otherProviders ?? [])
      out.push(
        `    on ${o.provider}: ${o.published.join(', ') || '(not published)'}${o.inSync ? '' : `  (pending -> ${o.desired.join(', ')})`}`,
      );
    out.push(`    because ${s.explanation}`);
    const by = s.answeredBy;
    if (by && by.step !== 'own')
      out.push(`    chosen by: ${STEP_TEXT[by.step]}${by.region ? ` (${by.region})` : ''}`);
    if (s.ranking) out.push(`    ranking: ${rankingLine(s.ranking)}`);
  }
  out.push('  regions:');
  for (const r of d.regions) {
    const drain = r.drain
      ? ` · drained by ${r.drain.author}: ${r.drain.reason}${r.drain.until ? ` until ${r.drain.until}` : ''}`
      : '';
    const hold = r.holdingFailback ? ` · recovered, failback at ${r.failbackAt ?? '?'}` : '';
    const ramp = r.ramp
      ? ` · failback ramp step ${r.ramp.step}/${r.ramp.steps} (${r.ramp.percent}%), next step at ${r.ramp.nextAt}`
      : '';
    const maint = r.maintenance
      ? ` · in maintenance window ${r.maintenance.window} until ${r.maintenance.end}: ${r.maintenance.reason}`
      : '';
    const forced = r.override
      ? ` · forced up by ${r.override.author} until ${r.override.until}: ${r.override.reason}${r.status === 'drained' ? ' (no effect while drained)' : ''}`
      : '';
    out.push(
      `    ${r.id}: ${r.status.toUpperCase()}${r.since ? ` since ${r.since}` : ''}${drain}${maint}${forced}${hold}${ramp}`,
    );
    if (r.lastTransition) {
      out.push(
        `      last transition #${r.lastTransition.seq} at ${r.lastTransition.at}: ${String(r.lastTransition.from)} -> ${String(r.lastTransition.to)}`,
      );
      const ev = r.lastTransition.evidence as Record<string, unknown> | undefined;
      if (ev?.trigger) out.push(`      trigger: ${String(ev.trigger)}`);
    }
    const f = r.family;
    if (f) {
      // What this record's answers follow in a dual-stack region: its family's status.
      const hold = f.holdingFailback ? ` · recovered, failback at ${f.failbackAt ?? '?'}` : '';
      out.push(
        `      ${familyName(f.family)} (this ${d.type} record): ${f.status.toUpperCase()}${f.since ? ` since ${f.since}` : ''}${hold}${f.reason ? ` · ${f.reason}` : ''}`,
      );
      const t = f.lastTransition;
      if (t)
        out.push(
          `      last ${familyName(f.family)} transition #${t.seq} at ${t.at}: ${String(t.from)} -> ${String(t.to)}`,
        );
    }
    for (const sg of r.signals ?? []) out.push(`      signal ${sg.name}: ${sg.words}`);
    const votesText = (votes: readonly ExplainVote[]) =>
      votes
        .map(
          (v) =>
            `${v.prober}=${v.vote}${v.fresh ? '' : '(stale)'}${v.impaired ? '(impaired)' : ''}${v.counted ? '' : '(not counted)'}${v.rejected ? `(rejected: ${v.rejected})` : ''}`,
        )
        .join(' ');
    const whys = (votes: readonly ExplainVote[]) => {
      for (const v of votes) {
        const why = v.failed?.map((x) => `${x.check}: ${x.detail}`).join('; ') ?? v.detail;
        if (why) out.push(`        ${v.prober}: ${why}`);
      }
    };
    for (const e of r.endpoints) {
      if (e.families) {
        for (const x of e.families) {
          out.push(
            `      ${e.id}: ${x.state.toUpperCase()} on ${familyName(x.family)}  votes: ${votesText(x.votes)}`,
          );
          whys(x.votes);
        }
        continue;
      }
      out.push(`      ${e.id}: ${e.state.toUpperCase()}  votes: ${votesText(e.votes)}`);
      whys(e.votes);
    }
  }
  for (const p of d.rejectedProbers ?? []) {
    out.push(
      `  prober ${p.id}: ${p.count} report${p.count === 1 ? '' : 's'} rejected since start, last ${p.lastAt}: ${p.what}${p.current ? '' : p.streak ? ' (it has sent nothing since)' : ' (accepted since)'}`,
    );
    if (p.current) out.push(`    remedy: ${p.remedy}`);
  }
  const t = d.thresholds;
  out.push(
    `  thresholds: fall ${t.fall}, rise ${t.rise}, quorum ${t.quorum}, minProbers ${t.minProbers}, staleAfter ${t.staleAfter} ms, failbackAfter ${t.failbackAfter} ms, minHealthy ${t.minHealthy}`,
  );
  return out.join('\n');
}
