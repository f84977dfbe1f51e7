// The dashboard's timeline as data: per region its health over time (up, down, recovering in the
// failback hold-down, ramping) and the operator layers on top (drain, maintenance window, override),
// each drawn from its own events at the times they happened; ramp steps and flaps as marks; DNS changes
// and leadership hand-overs on their own rows. Pure: events, the regions as they are now and a clock.

import type { RegionView } from '../../api/index.ts';
import type { StoredEvent } from '../../model/index.ts';
import { isoClamped } from '../../model/index.ts';

export type HealthBand = 'up' | 'down' | 'recovering' | 'ramping' | 'unknown';
export type LayerKind = 'drain' | 'maintenance' | 'override';

export interface TimelineRegion {
  id: string;
  health: { state: HealthBand; from: string; to: string }[];
  /** `open`: still in force at the end of the timeline. */
  layers: { kind: LayerKind; from: string; to: string; label: string; open: boolean }[];
  marks: { kind: 'ramp' | 'flap'; at: string; label: string }[];
}

export interface TimelineDoc {
  version: 1;
  start: string;
  end: string;
  regions: TimelineRegion[];
  dns: { at: string; zone: string; provider?: string; label: string }[];
  leadership: { at: string; type: string; label: string }[];
}

/** The event types the timeline is drawn from. */
export const TIMELINE_TYPES = [
  'region-transition',
  'region-health',
  'failback-hold',
  'failback-aborted',
  'failback-ramp',
  'drain',
  'undrain',
  'maintenance-start',
  'maintenance-end',
  'override',
  'override-lifted',
  'apply',
  'leader-elected',
  'leadership-lost',
  'leader-changed',
] as const;

const LEADERSHIP = new Set(['leader-elected', 'leadership-lost', 'leader-changed']);

/** When an event happened: the engine's time for health events, else when it was written. */
export function eventTime(e: StoredEvent): number {
  const t = typeof e.at_engine === 'string' ? Date.parse(e.at_engine) : Number.NaN;
  return Number.isFinite(t) ? t : Date.parse(e.at);
}

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const evidenceOf = (e: StoredEvent) => (e.evidence ?? {}) as Record<string, unknown>;

/** The band a health event leaves the region in, or undefined when it does not move the band. */
function bandAfter(e: StoredEvent, current: HealthBand): HealthBand | undefined {
  const to = str(e.to);
  switch (e.type) {
    case 'region-transition':
    case 'region-health':
      return to === 'up' || to === 'down' ? to : undefined;
    case 'failback-hold':
      return 'recovering';
    case 'failback-aborted':
      return 'down';
    case 'failback-ramp':
      if (to === 'done') return 'up';
      if (to === 'aborted') return current;
      return /^step /.test(to) ? 'ramping' : undefined;
    default:
      return undefined;
  }
}

/** The band before the first health event: what that event says it came from. */
function bandBefore(e: StoredEvent): HealthBand {
  const from = str(e.from);
  if (e.type === 'failback-hold' || e.type === 'failback-aborted')
    return from === 'holding' ? 'recovering' : 'down';
  if (e.type === 'failback-ramp') return from === 'hold-down passed' ? 'recovering' : 'ramping';
  return from === 'up' || from === 'down' ? from : 'unknown';
}

/** A region's band now, from the status (used when no event of it is known). */
function bandNow(r: RegionView | undefined): HealthBand {
  if (!r?.decided) return 'unknown';
  if (r.status === 'down') return r.holdingFailback ? 'recovering' : 'down';
  if (r.ramp) return 'ramping';
  // A drained region's underlying health is not in the status; up is the usual case.
  return 'up';
}

function layerLabel(kind: LayerKind, e: StoredEvent): string {
  const ev = evidenceOf(e);
  if (kind === 'drain') return `drained by ${str(ev.author) || str(e.actor) || '?'}: ${str(ev.reason)}`;
  if (kind === 'maintenance') return `maintenance window ${str(ev.window)}: ${str(ev.reason)}`;
  return `forced up by ${str(ev.author) || str(e.actor) || '?'}: ${str(ev.reason)}`;
}

function regionTimeline(
  id: string,
  events: readonly StoredEvent[],
  now: RegionView | undefined,
  start: number,
  end: number,
): TimelineRegion {
  const iso = isoClamped;
  const mine = events.filter((e) => e.region === id);
  const healthEvents = mine.filter(
    (e) => bandAfter(e, 'unknown') !== undefined || e.type === 'failback-ramp',
  );
  const health: TimelineRegion['health'] = [];
  let band: HealthBand = healthEvents.length > 0 ? bandBefore(healthEvents[0]!) : bandNow(now);
  let since = Number.NEGATIVE_INFINITY;
  const push = (to: number) => {
    const a = Math.max(since, start);
    const b = Math.min(to, end);
    if (b <= a) return;
    const last = health.at(-1);
    if (last && last.state === band && Date.parse(last.to) === a) last.to = iso(b);
    else health.push({ state: band, from: iso(a), to: iso(b) });
  };
  const layers: TimelineRegion['layers'] = [];
  const open = new Map<LayerKind, { from: number; label: string }>();
  const close = (kind: LayerKind, at: number, stillOpen = false) => {
    const l = open.get(kind);
    if (!l) return;
    open.delete(kind);
    const a = Math.max(l.from, start);
    const b = Math.min(at, end);
    if (b > a || (stillOpen && b >= a))
      layers.push({ kind, from: iso(a), to: iso(b), label: l.label, open: stillOpen });
  };
  const marks: TimelineRegion['marks'] = [];
  for (const e of mine) {
    const t = eventTime(e);
    const next = bandAfter(e, band);
    if (next !== undefined && next !== band) {
      push(t);
      band = next;
      since = t;
    }
    const inWindow = t >= start && t <= end;
    if (e.type === 'failback-ramp' && inWindow)
      marks.push({ kind: 'ramp', at: iso(t), label: `failback ramp ${str(e.from)} -> ${str(e.to)}` });
    if (e.type === 'failback-aborted' && inWindow) {
      const ev = evidenceOf(e);
      const next = str(ev.nextHoldDownReason);
      marks.push({
        kind: 'flap',
        at: iso(t),
        label: `down again during the hold-down${next ? `; next ${next}` : ''}`,
      });
    }
    const opens: Record<string, LayerKind> = {
      drain: 'drain',
      'maintenance-start': 'maintenance',
      override: 'override',
    };
    const closes: Record<string, LayerKind> = {
      undrain: 'drain',
      'maintenance-end': 'maintenance',
      'override-lifted': 'override',
    };
    const kind = opens[e.type];
    if (kind) {
      close(kind, t); // a replaced drain or override: the old one ends where the new one starts
      open.set(kind, { from: t, label: layerLabel(kind, e) });
    } else if (closes[e.type]) close(closes[e.type]!, t);
  }
  push(end);
  // What the status says is in force but no event in memory opened (older than the kept events).
  if (now?.drain && !open.has('drain'))
    open.set('drain', {
      from: Date.parse(now.drain.at),
      label: `drained by ${now.drain.author}: ${now.drain.reason}`,
    });
  if (now?.maintenance && !open.has('maintenance'))
    open.set('maintenance', {
      from: Date.parse(now.maintenance.start),
      label: `maintenance window ${now.maintenance.window}: ${now.maintenance.reason}`,
    });
  if (now?.override && !open.has('override'))
    open.set('override', {
      from: Date.parse(now.override.at),
      label: `forced up by ${now.override.author}: ${now.override.reason}`,
    });
  for (const kind of [...open.keys()]) close(kind, end, true);
  layers.sort((a, b) => a.from.localeCompare(b.from));
  return { id, health, layers, marks };
}

function dnsLabel(e: StoredEvent): string {
  const changes = (Array.isArray(e.changes) ? e.changes : []) as Record<string, unknown>[];
  const what = changes
    .map((c) => `${str(c.kind)} ${str(c.name)}${c.setId ? ` ${str(c.setId)}` : ''}`)
    .join(', ');
  const visible = (Array.isArray(e.visible) ? e.visible : []) as Record<string, unknown>[];
  const vis = visible
    .map((v) => `${str(v.nameserver)} ${v.visibleMs === null ? 'not visible' : `${str(v.visibleMs)} ms`}`)
    .join(', ');
  return `${what}${vis ? `; visible on ${vis}` : ''}`;
}

function leadershipLabel(e: StoredEvent): string {
  const who =
    e.type === 'leader-changed' ? `${str(e.from) || '?'} -> ${str(e.to) || '(none)'}` : str(e.replica);
  return `${e.type}: ${who}${e.reason ? ` (${str(e.reason)})` : ''}`;
}

/**
 * The timeline from `events` (any order, any types; the ones it needs are picked) for the regions as
 * they are now, from `start` (default: the first event, at least a minute and at most `windowMs`
 * back) to `now`.
 */
export function timelineOf(input: {
  events: readonly StoredEvent[];
  regions: readonly RegionView[];
  now: number;
  windowMs?: number;
}): TimelineDoc {
  const { now } = input;
  const wanted = new Set<string>(TIMELINE_TYPES);
  const events = input.events
    .filter((e) => wanted.has(e.type))
    .map((e) => ({ e, t: eventTime(e) }))
    .filter((x) => Number.isFinite(x.t))
    .sort((a, b) => a.t - b.t || a.e.seq - b.e.seq)
    .map((x) => x.e);
  const windowMs = input.windowMs ?? 3 * 3_600_000;
  const first = events.length > 0 ? eventTime(events[0]!) : now;
  const start = Math.max(now - windowMs, Math.min(first, now - 60_000));
  const inWindow = (e: StoredEvent) => eventTime(e) >= start && eventTime(e) <= now;
  return {
    version: 1,
    start: isoClamped(start),
    end: isoClamped(now),
    regions: input.regions.map((r) => regionTimeline(r.id, events, r, start, now)),
    dns: events
      .filter((e) => e.type === 'apply' && inWindow(e))
      .map((e) => ({
        at: isoClamped(eventTime(e)),
        zone: str(e.zone),
        ...(e.provider ? { provider: str(e.provider) } : {}),
        label: dnsLabel(e),
      })),
    leadership: events
      .filter((e) => LEADERSHIP.has(e.type) && inWindow(e))
      .map((e) => ({ at: isoClamped(eventTime(e)), type: e.type, label: leadershipLabel(e) })),
  };
}
