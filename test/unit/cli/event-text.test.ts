// `geofailover events` text from entries as the controller writes them (a real engine's events through
// auditOf): the prober and its check on vote lines, the votes on endpoint lines, the hold-down and its
// reason on failback lines, the actor (and author) on operator actions, changes and time to visible on
// apply lines.
import { describe, expect, it } from 'vitest';
import { eventLine, eventSummary } from '../../../src/cli/event-text.ts';
import { auditOf } from '../../../src/controller/runtime/health-events.ts';
import type { HealthEvent } from '../../../src/health/index.ts';
import type { StoredEvent } from '../../../src/model/index.ts';
import { Harness, makeConfig, PROBERS } from '../health/harness.ts';

let seq = 0;
const stored = (type: string, fields: Record<string, unknown>): StoredEvent => ({
  ...fields,
  seq: ++seq,
  at: '2026-03-01T12:00:00.000Z',
  type,
});
const fromEngine = (e: HealthEvent) => stored(e.type, auditOf(e));

/** r1 fails, recovers, fails inside its hold-down and recovers again: the hold-down doubles. */
function flapping() {
  const h = new Harness(makeConfig({ failbackAfter: '10s', maxFailbackAfter: '5m' }));
  const quick = (ok: boolean) => {
    for (const p of PROBERS) h.report(p, { 'r1-e0': ok, 'r2-e0': true });
    h.advance(1000);
  };
  for (let i = 0; i < 2; i++) quick(true);
  for (let i = 0; i < 3; i++) quick(false);
  for (let i = 0; i < 2; i++) quick(true);
  for (let i = 0; i < 3; i++) quick(false);
  for (let i = 0; i < 2; i++) quick(true);
  h.advance(20_000);
  return h.events.map(fromEngine);
}

describe('events text', () => {
  const events = flapping();
  const first = (type: string, pred: (e: StoredEvent) => boolean = () => true) =>
    events.find((e) => e.type === type && pred(e))!;

  it('names the prober and what its check answered on a vote line', () => {
    const vote = first('vote-transition', (e) => e.to === 'down');
    expect(eventSummary(vote)).toMatch(
      /^r1 r1-e0 prober [abc] up -> down: fail \(3 failures in a row, fall 3\)$/,
    );
  });

  it('gives the quorum and every vote with its failing check on an endpoint line', () => {
    const ep = first('endpoint-transition', (e) => e.to === 'down');
    expect(eventSummary(ep)).toBe(
      'r1 r1-e0 up -> down: 2 DOWN votes >= quorum 2; votes: a DOWN fail, b DOWN fail, c UP',
    );
  });

  it('gives the hold-down length and its reason on failback lines', () => {
    const holds = events.filter((e) => e.type === 'failback-hold').map(eventSummary);
    expect(holds[0]).toMatch(/^r1 down -> holding: failback at \S+Z; hold-down 10 s \(failbackAfter\)$/);
    expect(holds[1]).toMatch(
      /^r1 down -> holding: failback at \S+Z; hold-down doubled to 20 s after 2 flaps in 10 min$/,
    );
    expect(eventSummary(first('failback-aborted'))).toBe(
      'r1 holding -> down: down again during the hold-down; next hold-down doubled to 20 s after 2 flaps in 10 min',
    );
    const back = events.filter((e) => e.type === 'region-transition' && e.region === 'r1').at(-1)!;
    expect(eventSummary(back)).toBe(
      'r1 down -> up: failback hold-down passed; hold-down doubled to 20 s after 2 flaps in 10 min',
    );
  });

  it('names the actor, and the author when another, on operator actions', () => {
    const h = new Harness();
    const drain = stored('drain', {
      ...auditOf(h.engine.drain('r1', { reason: 'db migration', author: 'ana' })),
      actor: 'oncall',
    });
    expect(eventSummary(drain)).toBe('r1 up -> drained by oncall: db migration (author ana)');
    const undrain = stored('undrain', { ...auditOf(h.engine.undrain('r1', 'oncall')), actor: 'oncall' });
    expect(eventSummary(undrain)).toBe('r1 drained -> up by oncall: undrained by operator');
    const added = stored('maintenance-added', {
      actor: 'oncall',
      region: 'r1',
      window: 'k1',
      before: null,
      after: { id: 'k1', reason: 'kernel updates', author: 'bo' },
    });
    expect(eventSummary(added)).toBe('r1 window k1 by oncall: kernel updates (author bo)');
    expect(eventSummary(stored('reconcile-requested', { actor: 'admin' }))).toBe('by admin');
  });

  it('gives the changes and the time to visible on an apply line', () => {
    const apply = stored('apply', {
      zone: 'example.com.',
      provider: 'p',
      checksum: 'abc',
      trigger: 'health',
      result: 'applied',
      changes: [
        {
          kind: 'update',
          name: 'app.example.com.',
          type: 'A',
          before: ['192.0.2.10'],
          after: ['198.51.100.10'],
          reason: { code: 'region-down', region: 'us-east', detail: 'us-east is DOWN' },
        },
        {
          kind: 'update',
          name: 'api.example.com.',
          type: 'A',
          setId: 'us-east',
          before: ['192.0.2.10'],
          beforeWeight: 70,
          after: ['192.0.2.10'],
          afterWeight: 0,
          reason: { code: 'region-down', region: 'us-east', detail: 'us-east is DOWN' },
        },
      ],
      visible: [
        { nameserver: '127.0.0.1:5353', visibleMs: 4.2 },
        { nameserver: '127.0.0.1:5354', visibleMs: null, error: 'timeout' },
      ],
      sinceCauseMs: 35,
    });
    expect(eventSummary(apply)).toBe(
      'example.com. p: ~ app.example.com. A 192.0.2.10 -> 198.51.100.10 (because us-east is DOWN); ' +
        '~ api.example.com. A us-east 192.0.2.10 w70 -> 192.0.2.10 w0 (because us-east is DOWN); ' +
        'visible on 127.0.0.1:5353 in 4 ms, not visible on 127.0.0.1:5354 (timeout); 35 ms after the deciding report',
    );
    expect(eventLine(apply)).toMatch(
      /^\s+\d+ {2}2026-03-01T12:00:00\.000Z {2}apply {14}example\.com\. p: ~ /,
    );
  });

  it('falls back to the message or reason of entries it has nothing special for', () => {
    expect(eventSummary(stored('reconcile-held', { zone: 'example.com.', message: 'fail static' }))).toBe(
      'example.com.: fail static',
    );
    expect(eventSummary(stored('leadership-lost', { replica: 'a', reason: 'lease expired' }))).toBe(
      ': lease expired',
    );
  });
});
