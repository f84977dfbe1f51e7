// Dashboard: the signals list (Prometheus queries, Alertmanager alerts, pushes): each with what it
// speaks for, its state and effect, and what it says now in words; a veto holding its target down is
// marked. Empty when none is configured.
import { $, ago, el, stateWord } from './dom.js';

function signalLine(g) {
  const acting = g.acting && g.effect === 'veto' ? ' acting' : '';
  return el(
    'li',
    {
      class: `signal ${g.state}${acting}`,
      'data-signal': g.name,
      'data-state': g.state,
      title: g.last ? `last ${g.last.outcome} ${ago(g.last.at)}: ${g.last.detail}` : undefined,
    },
    el('span', { class: `state ${g.state}` }, stateWord(g.state)),
    ` ${g.name} · ${g.kind} · ${g.target} · ${g.effect}${g.since ? ` · since ${ago(g.since)}` : ''}`,
    el('div', { class: 'muted' }, g.words),
  );
}

export function renderSignals(s) {
  const list = s.signals || [];
  $('signals').replaceChildren(
    ...(list.length ? [el('ul', { class: 'signals' }, ...list.map(signalLine))] : ['none configured']),
  );
}

/** The vetoes holding a region (or one of its endpoints) down, for its card. */
export function vetoNotes(s, region) {
  return (s.signals || [])
    .filter((g) => g.region === region && g.effect === 'veto' && g.state === 'down')
    .map((g) => el('p', { class: 'layer', 'data-veto': g.name }, `VETO by signal ${g.name}: ${g.words}`));
}
