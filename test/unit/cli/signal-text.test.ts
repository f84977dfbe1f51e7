// Signals as the CLI prints them: the SIGNAL table of `geofailover status` and the `events` lines of a
// signal's transition and of a push, from a real engine's events.
import { describe, expect, it } from 'vitest';
import type { StatusDoc } from '../../../src/api/index.ts';
import { renderStatus } from '../../../src/cli/commands/status.ts';
import { eventSummary } from '../../../src/cli/event-text.ts';
import { configSchema } from '../../../src/config/index.ts';
import { auditOf } from '../../../src/controller/runtime/health-events.ts';
import { Harness, PROBERS } from '../health/harness.ts';

const doc: StatusDoc = {
  version: 1,
  owner: 'o',
  mode: 'apply',
  role: 'single',
  replica: 'r',
  now: '2026-03-01T12:00:00.000Z',
  startedAt: '2026-03-01T11:00:00.000Z',
  failStatic: false,
  freshProbers: 3,
  minProbers: 2,
  regions: [],
  probers: [],
  zones: [],
  errors: [],
  problems: [],
  signals: [
    {
      name: 'high-errors:eu-west',
      signal: 'high-errors',
      kind: 'alertmanager',
      effect: 'veto',
      target: 'region eu-west',
      region: 'eu-west',
      state: 'down',
      since: '2026-03-01T11:57:00.000Z',
      acting: true,
      words: 'eu-west down: alert HighErrorRate firing since 11:56:40 UTC (veto)',
      fall: 1,
      rise: 1,
      alertCount: 1,
    },
  ],
};

describe('signals in the CLI', () => {
  it('status lists each signal with its target, state, effect and what it says', () => {
    const text = renderStatus(doc, Date.parse(doc.now));
    const lines = text.split('\n');
    const head = lines.findIndex((l) => l.startsWith('SIGNAL'));
    expect(lines[head]).toMatch(/^SIGNAL\s+KIND\s+TARGET\s+STATE\s+EFFECT\s+SINCE\s+SAYS$/);
    expect(lines[head + 1]).toMatch(
      /^high-errors:eu-west\s+alertmanager\s+region eu-west\s+DOWN \(vetoing\)\s+veto\s+3m ago\s+eu-west down: alert HighErrorRate firing since 11:56:40 UTC \(veto\)$/,
    );
  });

  it('events say which signal moved, what it saw and the run that tripped it; a push names its pusher', () => {
    const h = new Harness(
      configSchema.parse({
        owner: 'test',
        regions: [
          { id: 'r1', endpoints: [{ id: 'r1-e0', address: '192.0.2.1', check: { kind: 'tcp', port: 80 } }] },
        ],
        probers: PROBERS.map((id) => ({ id, keyEnv: `K_${id}` })),
        health: { fall: 2, rise: 2 },
        providers: { m: { kind: 'memory' } },
        controller: { tokens: [{ name: 'lb', role: 'signal', tokenEnv: 'LB' }] },
        signals: [{ name: 'lb-pool', kind: 'push', tokens: ['lb'], region: 'r1' }],
      }),
    );
    const push = h.engine.pushSignal('lb-pool', {
      state: 'down',
      reason: 'pool drained',
      author: 'lb',
      at: h.t,
      until: h.t + 60_000,
    });
    h.advance(5000);
    h.advance(5000);
    const moved = h.events.find((e) => e.type === 'signal-transition')!;
    const line = (e: typeof moved, actor?: string) =>
      eventSummary({
        seq: 1,
        at: '2026-03-01T12:00:00.000Z',
        type: e.type,
        ...auditOf({ ...e, ...(actor ? { actor } : {}) }),
      });
    expect(line(moved)).toBe(
      'r1 unknown -> down: signal lb-pool (push, veto): pushed down by lb: pool drained (2 bad in a row, fall 2)',
    );
    expect(line(push, 'lb')).toMatch(
      /^r1 none -> down by lb: signal lb-pool: pool drained until 1970-01-01T00:17:40.000Z$/,
    );
  });
});
