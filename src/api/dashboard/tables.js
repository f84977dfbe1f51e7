// Dashboard: the prober × endpoint vote matrix (a row per address family of a dual-stack endpoint) and
// the published records per (zone, provider), each in its own sideways-scrolling box so a wide table
// never widens the page.
import { $, ago, el } from './dom.js';

export function renderMatrix(s) {
  const probers = s.probers;
  const head = el(
    'tr',
    {},
    el('th', { scope: 'col' }, 'endpoint'),
    el('th', { scope: 'col' }, 'region'),
    el('th', { scope: 'col' }, 'decision'),
    ...probers.map((p) =>
      el(
        'th',
        {
          scope: 'col',
          'data-prober': p.id,
          class: p.rejected?.current ? 'rejected' : undefined,
          title: p.rejected ? `${p.rejected.what}: ${p.rejected.detail}` : undefined,
        },
        `${p.id}${p.impaired ? ' (impaired)' : ''}${p.fresh ? '' : ' (stale)'}${p.rejected?.current ? ' (rejected)' : ''}`,
      ),
    ),
  );
  // A dual-stack endpoint gets a row per address family, each with that family's votes.
  const lines = (e) =>
    e.families
      ? e.families.map((f) => ({
          ...f,
          id: e.id,
          label: `${e.id} on ${f.family === 'ipv4' ? 'IPv4' : 'IPv6'}`,
        }))
      : [e];
  const rows = s.regions.flatMap((r) =>
    r.endpoints.flatMap(lines).map((e) =>
      el(
        'tr',
        { 'data-endpoint': e.id, 'data-family': e.family },
        el('th', { scope: 'row' }, `${e.label || e.id} (${e.address})`),
        el('td', {}, r.id),
        el('td', { class: `vote ${e.state}` }, e.state === 'unknown' ? '?' : e.state.toUpperCase()),
        ...probers.map((p) => {
          const v = e.votes.find((x) => x.prober === p.id);
          if (!v) return el('td', { class: 'vote unknown' }, '–');
          const cls = ['vote', v.vote, v.fresh ? '' : 'stale', v.impaired ? 'impaired' : ''].join(' ').trim();
          const label = `${v.vote === 'unknown' ? '?' : v.vote.toUpperCase()}${v.fresh ? '' : ' stale'}${v.impaired ? ' impaired' : ''}`;
          return el('td', { class: cls, 'data-prober': p.id, title: v.detail || '' }, label);
        }),
      ),
    ),
  );
  $('matrix').replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
  renderRejections(s);
}

/**
 * Refused reports per prober: a stale column says nothing about why; this says which agent is
 * misconfigured and what fixes it.
 */
function renderRejections(s) {
  const rejected = s.probers.filter((p) => p.rejected);
  const strangers = s.unknownProbers || [];
  $('rejections').hidden = rejected.length === 0 && strangers.length === 0;
  $('rejections').replaceChildren(
    ...rejected.map((p) =>
      el(
        'p',
        { 'data-rejected': p.id, class: p.rejected.current ? 'error' : 'muted' },
        `${p.id}: ${p.rejected.count} report${p.rejected.count === 1 ? '' : 's'} rejected, last ${ago(p.rejected.lastAt)}: ${p.rejected.what}${p.rejected.current ? ` — ${p.rejected.remedy}` : p.rejected.streak ? ' (nothing received since)' : ' (accepted since)'}`,
      ),
    ),
    ...strangers.map((u) =>
      el(
        'p',
        { 'data-rejected': u.name, class: 'error' },
        `"${u.name}" (not a configured prober): ${u.count} report${u.count === 1 ? '' : 's'} rejected, last ${ago(u.lastAt)}`,
      ),
    ),
  );
}

export function renderRecords(s) {
  $('records').replaceChildren(
    ...s.zones.map((z) => {
      const last = z.lastReconcile;
      // Each (zone, provider) has its own table: with provider redundancy each provider's state shows.
      // A read or write still running shows beside the last finished pass (BEHIND once it runs long).
      const running = z.inProgress
        ? ` · ${z.inProgress.behind ? 'BEHIND: ' : ''}${z.inProgress.stage} since ${ago(z.inProgress.since)}`
        : '';
      const state =
        (z.failing
          ? ` · FAILING since ${ago(z.failing.since)} (${z.failing.attempts} attempt${z.failing.attempts === 1 ? '' : 's'})`
          : '') + running;
      const caption = `${z.zone} · ${z.provider} (${z.providerKind})${last ? ` · last reconcile ${ago(last.at)}: ${last.result}, ${last.changes} change(s)` : ''}${state}`;
      const rows = z.records.map((r) => {
        const where =
          r.geo === undefined ? '' : r.geo === 'default' ? 'default' : Object.values(r.geo).join('-');
        return el(
          'tr',
          { 'data-record': `${r.name} ${r.type}${r.setId ? ` ${r.setId}` : ''}` },
          el('td', {}, r.name),
          el('td', {}, r.type),
          el('td', {}, r.setId || '—'),
          el('td', {}, r.weight === undefined ? '—' : String(r.weight)),
          el('td', {}, where || '—'),
          el('td', {}, String(r.ttl)),
          el('td', { class: 'answer' }, r.values.join(', ')),
        );
      });
      return el(
        'div',
        { class: `zone${z.failing ? ' failing' : ''}`, 'data-zone': z.zone, 'data-provider': z.provider },
        el('p', { class: 'cap' }, caption),
        el(
          'div',
          { class: 'scroll' },
          el(
            'table',
            {},
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                ...['name', 'type', 'set', 'weight', 'geo', 'ttl', 'answer'].map((h) =>
                  el('th', { scope: 'col' }, h),
                ),
              ),
            ),
            el('tbody', {}, ...rows),
          ),
        ),
        z.error ? el('p', { class: 'error' }, `error: ${z.error.message}`) : '',
      );
    }),
  );
}
