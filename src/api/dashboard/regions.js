// Dashboard: one card per region with its phase in words (a region waiting out its failback hold-down
// is RECOVERING with a countdown and the reason the hold-down is that long, not DOWN), the operator
// layers on it, a signal's veto that holds it down, and every endpoint's last failing check in plain
// sight (with several checks, the failing sub-checks by name, also while the endpoint is still up; a
// dual-stack endpoint per address family: use-a UP on IPv4, DOWN on IPv6).
import { $, ago, countdown, el, stateWord, time, when } from './dom.js';
import { vetoNotes } from './signals.js';

const FAMILY = { ipv4: 'IPv4', ipv6: 'IPv6' };

/** The sub-checks failing now in any fresh prober's latest result (endpoints with several checks). */
function failingNow(e) {
  const names = new Set();
  for (const v of e.votes) if (v.fresh) for (const f of v.failed ?? []) names.add(f.check);
  return [...names];
}

function endpointLine(e, family) {
  const f = e.lastFailure;
  const failed = f ? `${f.detail} (${f.prober}, ${ago(f.at)})` : '';
  const now = failingNow(e);
  const on = family ? ` on ${FAMILY[family]}` : '';
  const text =
    e.state === 'up'
      ? `${e.id} UP${on}${now.length ? ` · failing now: ${now.join(', ')}` : ''}${f ? ` · last failed ${ago(f.at)}: ${f.detail} (${f.prober})` : ''}`
      : `${e.id} ${e.state.toUpperCase()}${on}${failed ? ` · ${failed}` : ''}`;
  return el('li', { class: `check ${e.state}`, 'data-endpoint': e.id, 'data-family': family }, text);
}

/** One line per endpoint, or per family of a dual-stack one. */
function endpointLines(e) {
  if (!e.families) return [endpointLine(e)];
  return e.families.map((f) => endpointLine({ ...f, id: e.id }, f.family));
}

/** A dual-stack region's families that take no answers while the region does. */
function familyNotes(r) {
  return (r.families || [])
    .filter((f) => f.status === 'down' && r.status === 'up')
    .map((f) =>
      el(
        'p',
        { class: 'layer', 'data-family': f.family },
        `${FAMILY[f.family]} DOWN: its ${f.family === 'ipv4' ? 'A' : 'AAAA'} answers go elsewhere${f.holdingFailback && f.failbackAt ? `; failback at ${time(Date.parse(f.failbackAt))}` : ''}`,
      ),
    );
}

function notes(r) {
  const out = [];
  if (!r.decided) out.push(el('p', {}, 'undecided: waiting for fresh reports'));
  if (r.maintenance)
    out.push(
      el(
        'p',
        { class: 'layer' },
        `in maintenance (${r.maintenance.window}) until ${when(r.maintenance.end)}: ${r.maintenance.reason}`,
      ),
    );
  if (r.drain)
    out.push(
      el(
        'p',
        { class: 'layer' },
        `drained by ${r.drain.author}: ${r.drain.reason}${r.drain.until ? ` (until ${when(r.drain.until)})` : ''}`,
      ),
    );
  if (r.override)
    out.push(
      el(
        'p',
        { class: 'layer' },
        `FORCED UP by ${r.override.author} until ${when(r.override.until)}: ${r.override.reason}${r.status === 'drained' ? ' (no effect while drained)' : ''}`,
      ),
    );
  if (r.holdingFailback) {
    const at = r.holdDownUntil || r.failbackAt;
    out.push(
      el(
        'p',
        { class: 'holddown' },
        'endpoints up; failback ',
        at ? el('span', {}, 'in ', countdown(at), ` (at ${time(Date.parse(at))})`) : 'soon',
        r.holdDownReason ? ` · ${r.holdDownReason}` : '',
      ),
    );
  }
  if (r.ramp)
    out.push(
      el(
        'p',
        { class: 'ramp' },
        `failback ramp step ${r.ramp.step}/${r.ramp.steps} (${r.ramp.percent}%), next step `,
        countdown(r.ramp.nextAt),
      ),
    );
  return out;
}

export function renderRegions(s) {
  $('regions').replaceChildren(
    ...s.regions.map((r) => {
      const phase = r.phase || r.status;
      const up = r.endpoints.filter((e) => e.state === 'up').length;
      return el(
        'article',
        {
          class: `region ${r.status} ${phase}${r.override ? ' forced' : ''}`,
          'data-region': r.id,
          'data-phase': phase,
          'data-override': r.override ? 'up' : undefined,
          'data-maintenance': r.maintenance ? r.maintenance.window : undefined,
          'aria-label': `region ${r.id} ${phase}`,
        },
        el('h3', {}, r.id, el('span', { class: `state ${phase}` }, stateWord(phase))),
        el(
          'p',
          {},
          `since ${r.since ? `${time(Date.parse(r.since))} (${ago(r.since)})` : '—'} · endpoints up ${up}/${r.endpoints.length}`,
        ),
        ...notes(r),
        ...familyNotes(r),
        ...vetoNotes(s, r.id),
        el('ul', { class: 'checks' }, ...r.endpoints.flatMap(endpointLines)),
      );
    }),
  );
}
