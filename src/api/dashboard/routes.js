// Dashboard: who serves whom, and why. One block per record; one line per client group (a geo rule,
// a weighted share, everyone for a failover record) with the region that answers, its state, the
// answer and the reason in words, as /v1/status gives them.
import { $, el, stateWord } from './dom.js';

function routeLine(r, opened) {
  const key = `${r.name} ${r.type}${r.setId ? ` ${r.setId}` : ''}`;
  return el(
    'li',
    {
      class: `route ${r.state}`,
      'data-route': key,
      'data-serving': r.regions.join(' '),
      'data-state': r.state,
    },
    el(
      'div',
      { class: 'who' },
      el('span', { class: 'clients' }, r.clients),
      el('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → '),
      el('span', { class: 'sr' }, ' get '),
      el('strong', { class: 'serving' }, r.regions.length ? r.regions.join(' + ') : 'no region'),
      ' ',
      el('span', { class: `state ${r.state}` }, stateWord(r.state)),
    ),
    el('div', { class: 'values' }, r.values.join(', ')),
    el('p', { class: 'because' }, r.because),
    r.pending && !r.because.includes(r.pending.join(', '))
      ? el('p', { class: 'pending' }, `pending: ${r.pending.join(', ')}`)
      : '',
    // The policy's own chain of reasoning, one click away (what `geofailover explain` prints).
    r.explanation
      ? el('details', { class: 'chain', open: opened.has(key) }, el('summary', {}, 'policy'), r.explanation)
      : '',
  );
}

export function renderRoutes(s) {
  const routes = s.routes || [];
  const records = new Map();
  for (const r of routes) {
    const k = `${r.zone}|${r.name}|${r.type}`;
    if (!records.has(k)) records.set(k, []);
    records.get(k).push(r);
  }
  // A redraw every two seconds must not close what the reader opened.
  const opened = new Set(
    [...document.querySelectorAll('#routes details[open]')].map(
      (d) => d.closest('[data-route]')?.dataset.route,
    ),
  );
  $('routes').replaceChildren(
    ...(records.size === 0
      ? ['no managed records']
      : [...records.values()].map((list) =>
          el(
            'article',
            { class: 'record', 'data-name': list[0].name, 'data-type': list[0].type },
            el('h3', {}, `${list[0].name} ${list[0].type} `, el('span', { class: 'muted' }, list[0].policy)),
            el('ul', { class: 'routes' }, ...list.map((r) => routeLine(r, opened))),
          ),
        )),
  );
}
