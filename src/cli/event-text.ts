// One line of `geofailover events` text per audit-trail entry: who and what it is about, then what
// explains it — the prober and its check's answer on a vote, the votes on an endpoint decision, the
// changes and time to visible on an apply, the actor on an operator's action, the hold-down's length
// and its reason on a failback. The JSON output is the entry as stored; this is only its reading.

import type { StoredEvent } from '../model/index.ts';
import { isoOrUndefined, spokenDuration } from '../model/index.ts';

type Fields = Record<string, unknown>;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const obj = (v: unknown): Fields => (v !== null && typeof v === 'object' ? (v as Fields) : {});
const list = (v: unknown): Fields[] => (Array.isArray(v) ? v.map(obj) : []);
const isoOf = (v: unknown): string => (typeof v === 'number' ? (isoOrUndefined(v) ?? str(v)) : str(v));
const ms = (v: unknown): string => (typeof v === 'number' ? spokenDuration(v) : '');

function voteDetail(e: StoredEvent): string {
  const ev = obj(e.evidence);
  const t = obj(ev.threshold);
  const run =
    t.fall !== undefined
      ? ` (${str(t.failRun)} failures in a row, fall ${str(t.fall)})`
      : t.rise !== undefined
        ? ` (${str(t.okRun)} successes in a row, rise ${str(t.rise)})`
        : '';
  return `${str(ev.detail) || 'no detail'}${run}`;
}

function endpointDetail(e: StoredEvent): string {
  const ev = obj(e.evidence);
  const votes = list(ev.votes).map((v) => {
    const vote = str(v.vote).toUpperCase() || '?';
    const flags = [v.fresh === false ? 'stale' : '', v.impaired ? 'impaired' : ''].filter(Boolean);
    const detail = v.vote === 'down' && v.detail ? ` ${str(v.detail)}` : '';
    return `${str(v.prober)} ${vote}${detail}${flags.length ? ` (${flags.join(', ')})` : ''}`;
  });
  return [str(ev.tripped), votes.length ? `votes: ${votes.join(', ')}` : ''].filter(Boolean).join('; ');
}

/** "hold-down doubled to 20 s after 2 flaps in 4 min", or the bare length from an older entry. */
function holdDown(ev: Fields, reasonKey = 'holdDownReason', msKey = 'holdDownMs'): string {
  return str(ev[reasonKey]) || (ev[msKey] === undefined ? '' : `hold-down ${ms(ev[msKey])}`);
}

function regionDetail(e: StoredEvent): string {
  const ev = obj(e.evidence);
  const parts = [str(ev.trigger)];
  if (ev.holdDownMs !== undefined && e.to === 'up') parts.push(holdDown(ev));
  if (ev.note) parts.push(str(ev.note));
  return parts.filter(Boolean).join('; ');
}

function changeText(c: Fields): string {
  const sym = c.kind === 'create' ? '+' : c.kind === 'delete' ? '-' : '~';
  const values = (v: unknown, w: unknown) =>
    `${Array.isArray(v) ? v.join(',') : ''}${w === undefined || w === null ? '' : ` w${str(w)}`}`;
  const before = c.before === undefined ? '' : values(c.before, c.beforeWeight);
  const after = c.after === undefined ? '' : values(c.after, c.afterWeight);
  const move = before && after ? `${before} -> ${after}` : before || after;
  const because = obj(c.reason);
  const why = str(because.detail) || str(because.code);
  return `${sym} ${str(c.name)} ${str(c.type)}${c.setId ? ` ${str(c.setId)}` : ''} ${move}${why ? ` (because ${why})` : ''}`;
}

function applyDetail(e: StoredEvent): string {
  const changes = list(e.changes).map(changeText);
  const visible = list(e.visible).map((n) =>
    n.visibleMs === null || n.visibleMs === undefined
      ? `not visible on ${str(n.nameserver)}${n.error ? ` (${str(n.error)})` : ''}`
      : `visible on ${str(n.nameserver)} in ${ms(n.visibleMs)}`,
  );
  const unchecked = Array.isArray(e.unchecked) ? e.unchecked.map(str) : [];
  const parts = [
    changes.join('; '),
    e.result && e.result !== 'applied' ? `result ${str(e.result)}` : '',
    visible.join(', '),
    typeof e.sinceCauseMs === 'number' ? `${ms(e.sinceCauseMs)} after the deciding report` : '',
    unchecked.length ? `not checked: ${unchecked.join('; ')}` : '',
  ];
  return parts.filter(Boolean).join('; ');
}

function authored(ev: Fields, actor: unknown, text: string): string {
  const author = str(ev.author);
  return author && author !== str(actor) ? `${text} (author ${author})` : text;
}

/** What explains the entry, by type; undefined falls back to its message or reason. */
const DETAIL: Record<string, (e: StoredEvent) => string> = {
  'vote-transition': voteDetail,
  'endpoint-transition': endpointDetail,
  'region-transition': regionDetail,
  'region-health': regionDetail,
  'family-transition': regionDetail,
  'family-health': regionDetail,
  'failback-hold': (e) => {
    const ev = obj(e.evidence);
    return [
      `failback at ${isoOf(ev.failbackAt)}`,
      holdDown(ev),
      ev.restored ? 'continued after a restart' : '',
    ]
      .filter(Boolean)
      .join('; ');
  },
  'family-failback-hold': (e) => DETAIL['failback-hold']!(e),
  'family-failback-aborted': (e) => DETAIL['failback-aborted']!(e),
  'failback-aborted': (e) => {
    const ev = obj(e.evidence);
    const next = holdDown(ev, 'nextHoldDownReason', 'nextHoldDownMs');
    return `down again during the hold-down${next ? `; next ${next}` : ''}`;
  },
  'failback-ramp': (e) => {
    const ev = obj(e.evidence);
    return ev.nextAt !== undefined ? `next step at ${isoOf(ev.nextAt)}` : str(ev.note);
  },
  drain: (e) => {
    const ev = obj(e.evidence);
    return authored(ev, e.actor, `${str(ev.reason)}${ev.until ? ` until ${isoOf(ev.until)}` : ''}`);
  },
  undrain: (e) => {
    const ev = obj(e.evidence);
    return authored(ev, e.actor, str(ev.why));
  },
  override: (e) => {
    const ev = obj(e.evidence);
    return authored(
      ev,
      e.actor,
      `${str(ev.reason)} until ${isoOf(ev.until)}${ev.note ? `; ${str(ev.note)}` : ''}`,
    );
  },
  'override-lifted': (e) => {
    const ev = obj(e.evidence);
    return authored(ev, e.actor, str(ev.why));
  },
  'maintenance-start': (e) => {
    const ev = obj(e.evidence);
    return `${str(ev.reason)} until ${isoOf(ev.end)}`;
  },
  'maintenance-end': (e) => {
    const ev = obj(e.evidence);
    return ev.holdingFailback ? `failback at ${isoOf(ev.failbackAt)} (hold-down)` : str(ev.reason);
  },
  'maintenance-added': (e) => authored(obj(e.after), e.actor, str(obj(e.after).reason)),
  'maintenance-removed': (e) => authored(e, e.actor, str(obj(e.before).reason)),
  'maintenance-upcoming': (e) => {
    const ev = obj(e.evidence);
    return `${str(ev.reason)} from ${isoOf(ev.start)} to ${isoOf(ev.end)}`;
  },
  'signal-transition': (e) => {
    const ev = obj(e.evidence);
    const t = obj(ev.threshold);
    const run =
      t.fall !== undefined
        ? ` (${str(t.failRun)} bad in a row, fall ${str(t.fall)})`
        : t.rise !== undefined
          ? ` (${str(t.okRun)} good in a row, rise ${str(t.rise)})`
          : '';
    return `signal ${str(ev.signal)} (${str(ev.kind)}, ${str(ev.effect)}): ${str(ev.detail)}${run}`;
  },
  'signal-push': (e) => {
    const ev = obj(e.evidence);
    return `signal ${str(ev.signal)}: ${str(ev.reason)} until ${isoOf(ev.until)}`;
  },
  'fail-static': (e) => str(obj(e.evidence).note),
  'prober-impaired': (e) => str(obj(e.evidence).note),
  apply: applyDetail,
  plan: applyDetail,
  'plan-refused': (e) =>
    [list(e.changes).map(changeText).join('; '), ...(Array.isArray(e.refusals) ? e.refusals.map(str) : [])]
      .filter(Boolean)
      .join('; '),
};

/** The text after the type: the subject first, then `: ` and what explains it. */
export function eventSummary(e: StoredEvent): string {
  const pick = (k: string) => (e[k] === undefined || e[k] === null ? '' : String(e[k]));
  const head = [
    pick('zone'),
    e.type === 'apply' || e.type === 'plan' || e.type === 'plan-refused' ? pick('provider') : '',
    pick('region'),
    pick('endpoint'),
    e.family === 'ipv4' ? 'IPv4' : e.family === 'ipv6' ? 'IPv6' : '',
    e.prober !== undefined ? `prober ${pick('prober')}` : '',
    pick('from') && `${pick('from')} -> ${pick('to')}`,
    pick('window') && `window ${pick('window')}`,
    pick('actor') && `by ${pick('actor')}`,
  ]
    .filter(Boolean)
    .join(' ');
  const detail = DETAIL[e.type]?.(e) || pick('message') || pick('reason');
  return detail ? `${head}: ${detail}` : head;
}

/** One line: sequence number, time, type, summary. */
export function eventLine(e: StoredEvent): string {
  return `${String(e.seq).padStart(6)}  ${e.at}  ${e.type.padEnd(18)} ${eventSummary(e)}`;
}
