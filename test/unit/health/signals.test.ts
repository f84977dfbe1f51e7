// Signals in the health engine: a veto takes an endpoint or region down although every prober says
// up and never brings one up; a vote is one more voter in the endpoint quorum; fall/rise apply to
// signals; whenMissing up/down/last; alerts held until resolved or expired; pushes held until they
// expire; the evidence on events and in the snapshot.
import { describe, expect, it } from 'vitest';
import { type Config, configSchema } from '../../../src/config/index.ts';
import type { SignalAlert } from '../../../src/health/index.ts';
import { UsageError } from '../../../src/model/index.ts';
import { Harness, INTERVAL, PROBERS } from './harness.ts';

function withSignals(signals: unknown[], health: Record<string, unknown> = {}): Config {
  return configSchema.parse({
    owner: 'test',
    regions: ['r1', 'r2'].map((id) => ({
      id,
      endpoints: [{ id: `${id}-e0`, address: '192.0.2.1', check: { kind: 'tcp', port: 80 } }],
    })),
    probers: PROBERS.map((id) => ({ id, keyEnv: `K_${id}` })),
    health: { interval: '5s', staleAfter: '15s', failbackAfter: '10s', fall: 2, rise: 2, ...health },
    providers: { m: { kind: 'memory' } },
    controller: { tokens: [{ name: 'am', role: 'signal', tokenEnv: 'AM' }] },
    signals,
  });
}

const prom = (extra: Record<string, unknown> = {}) => ({
  name: 'errors',
  kind: 'prometheus',
  url: 'http://127.0.0.1:9090',
  query: 'error_ratio',
  downWhen: { op: '>', value: 0.05 },
  region: 'r1',
  ...extra,
});

/** Both regions up: two rounds of every prober saying up. */
function upFirst(h: Harness): void {
  h.round(PROBERS, true);
  h.round(PROBERS, true);
  expect(h.status()).toBe('up');
}

const bad = { outcome: 'down', value: 0.3, detail: 'value 0.3 > 0.05' } as const;
const good = { outcome: 'up', value: 0.01, detail: 'value 0.01 is not > 0.05' } as const;
const missing = { outcome: 'missing', detail: 'no data: the query returned no series' } as const;

function signal(h: Harness, id = 'errors') {
  return h.engine.snapshot().signals.find((s) => s.id === id)!;
}

describe('signals in the health engine', () => {
  it('a region veto takes the region down after fall bad evaluations although the probers say up', () => {
    const h = new Harness(withSignals([prom()]));
    upFirst(h);
    h.events.push(...h.engine.observeSignal('errors', bad));
    expect(signal(h).state).toBe('unknown');
    expect(h.status()).toBe('up');
    h.events.push(...h.engine.observeSignal('errors', bad));
    expect(signal(h)).toMatchObject({ state: 'down', acting: true, effect: 'veto', region: 'r1' });
    expect(h.status()).toBe('down');
    const st = h.events.find((e) => e.type === 'signal-transition')!;
    expect(st).toMatchObject({ from: 'unknown', to: 'down', region: 'r1' });
    expect(st.evidence).toMatchObject({ signal: 'errors', value: 0.3, threshold: { fall: 2, failRun: 2 } });
    const rt = h.regionTransitions().at(-1)!;
    expect(rt).toMatchObject({ from: 'up', to: 'down' });
    expect(rt.evidence.trigger).toBe('signal errors down (veto)');
    expect(h.engine.regionStates().get('r1')!.reason).toMatch(
      /signal errors is down \(veto\): value 0.3 > 0.05/,
    );
    // The probes still say up: the endpoint itself is up, only the region is held down.
    expect(h.engine.snapshot().endpoints.find((e) => e.id === 'r1-e0')!.state).toBe('up');
  });

  it('a veto never brings a region up: lifted, the region waits out its failback hold-down', () => {
    const h = new Harness(withSignals([prom({ fall: 1, rise: 1 })]));
    upFirst(h);
    h.round(PROBERS, false);
    h.round(PROBERS, false);
    expect(h.status()).toBe('down');
    h.engine.observeSignal('errors', good);
    expect(signal(h).state).toBe('up');
    expect(h.status()).toBe('down');
    // Probes recover while the veto is down: the region stays down.
    h.engine.observeSignal('errors', bad);
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    expect(h.status()).toBe('down');
    expect(h.engine.regionStates().get('r1')!.reason).toMatch(/signal errors is down \(veto\)/);
    h.engine.observeSignal('errors', good);
    expect(h.engine.regionStates().get('r1')!.holdingFailback).toBe(true);
    h.advance(10_000);
    expect(h.status()).toBe('up');
  });

  it('an endpoint veto takes only that endpoint down, with the signal as the tripped threshold', () => {
    const h = new Harness(withSignals([prom({ region: undefined, endpoint: 'r2-e0', fall: 1 })]));
    upFirst(h);
    h.events.push(...h.engine.observeSignal('errors', bad));
    const snap = h.engine.snapshot();
    expect(snap.endpoints.find((e) => e.id === 'r2-e0')!.state).toBe('down');
    expect(h.status('r2')).toBe('down');
    expect(h.status('r1')).toBe('up');
    const ep = h.events.filter((e) => e.type === 'endpoint-transition' && e.endpoint === 'r2-e0').at(-1)!;
    expect(ep).toMatchObject({ from: 'up', to: 'down' });
    expect(ep.evidence.tripped).toMatch(/signal errors is down \(veto\)/);
    expect(ep.evidence.signals).toEqual([expect.objectContaining({ signal: 'errors', state: 'down' })]);
  });

  it('a vote is one more voter: with it the quorum is a majority of four', () => {
    const h = new Harness(withSignals([prom({ effect: 'vote', fall: 1, rise: 1 })]));
    h.engine.observeSignal('errors', good);
    upFirst(h);
    // Two of three probers down would be a majority of three; with the signal voting up it is 2 of 4.
    for (let i = 0; i < 3; i++) {
      h.report('a', { 'r1-e0': false, 'r2-e0': true });
      h.report('b', { 'r1-e0': false, 'r2-e0': true });
      h.report('c', { 'r1-e0': true, 'r2-e0': true });
      h.advance(INTERVAL);
    }
    expect(h.status()).toBe('up');
    const snap = h.engine.snapshot().endpoints.find((e) => e.id === 'r1-e0')!;
    expect(snap.quorum).toBe('unknown');
    // The signal turns: three of four down.
    h.events.push(...h.engine.observeSignal('errors', bad));
    expect(h.status()).toBe('down');
    const ep = h.events.filter((e) => e.type === 'endpoint-transition' && e.endpoint === 'r1-e0').at(-1)!;
    expect(ep.evidence.tripped).toBe('3 DOWN votes >= quorum 3');
  });

  it('a vote never stands in for probers: fewer fresh probers than minProbers decides nothing', () => {
    const h = new Harness(withSignals([prom({ effect: 'vote', fall: 1, rise: 1 })]));
    h.engine.observeSignal('errors', bad);
    h.report('a', { 'r1-e0': false, 'r2-e0': true });
    h.advance(INTERVAL);
    h.report('a', { 'r1-e0': false, 'r2-e0': true });
    h.advance(INTERVAL);
    expect(h.engine.snapshot().endpoints.find((e) => e.id === 'r1-e0')!.quorum).toBe('unknown');
    expect(h.engine.decided('r1')).toBe(false);
  });

  it('whenMissing: last holds the state, down counts as bad, up counts as good', () => {
    const last = new Harness(withSignals([prom({ fall: 1, rise: 1 })]));
    last.engine.observeSignal('errors', bad);
    for (let i = 0; i < 5; i++) last.engine.observeSignal('errors', missing);
    expect(signal(last)).toMatchObject({ state: 'down', last: { outcome: 'missing' } });

    const down = new Harness(withSignals([prom({ whenMissing: 'down' })]));
    upFirst(down);
    down.engine.observeSignal('errors', missing);
    down.engine.observeSignal('errors', missing);
    expect(signal(down).state).toBe('down');
    expect(down.status()).toBe('down');

    const up = new Harness(withSignals([prom({ whenMissing: 'up', fall: 1, rise: 1 })]));
    up.engine.observeSignal('errors', bad);
    up.engine.observeSignal('errors', missing);
    expect(signal(up).state).toBe('up');
  });

  it('alerts: held while firing, sampled once per interval with hysteresis, released when resolved', () => {
    const h = new Harness(
      withSignals([
        {
          name: 'am',
          kind: 'alertmanager',
          match: { alertname: 'HighErrorRate' },
          regionLabel: 'region',
          tokens: ['am'],
          expireAfter: '1h',
        },
      ]),
    );
    upFirst(h);
    const alert = (status: 'firing' | 'resolved', region = 'r1'): SignalAlert => ({
      fingerprint: `fp-${region}`,
      status,
      labels: { alertname: 'HighErrorRate', region },
      startsAt: h.t - 60_000,
    });
    // A sender whose token no signal names has nothing held.
    expect(h.engine.receiveAlerts('other', [alert('firing')])).toEqual({
      matched: {},
      ignored: 1,
      overflow: 0,
    });
    const got = h.engine.receiveAlerts('am', [
      alert('firing'),
      { ...alert('firing'), labels: { alertname: 'Other', region: 'r1' }, fingerprint: 'x' },
    ]);
    expect(got).toEqual({ matched: { 'am:r1': 1 }, ignored: 1, overflow: 0 });
    h.advance(INTERVAL);
    expect(h.status()).toBe('up');
    h.advance(INTERVAL);
    expect(h.status()).toBe('down');
    expect(h.status('r2')).toBe('up');
    const s = signal(h, 'am:r1');
    expect(s).toMatchObject({ name: 'am', kind: 'alertmanager', state: 'down', alertCount: 1 });
    expect(s.last!.detail).toMatch(/^alert HighErrorRate firing since /);
    h.engine.receiveAlerts('am', [alert('resolved')]);
    h.advance(INTERVAL);
    h.advance(INTERVAL);
    expect(signal(h, 'am:r1').state).toBe('up');
    expect(h.engine.regionStates().get('r1')!.holdingFailback).toBe(true);
  });

  it('a held alert keeps the labels it matched on, alertname and eight more, cut short', () => {
    const h = new Harness(
      withSignals([
        { name: 'am', kind: 'alertmanager', match: { team: 'web' }, regionLabel: 'region', tokens: ['am'] },
      ]),
    );
    const labels: Record<string, string> = { team: 'web', region: 'r1', alertname: 'X' };
    for (let i = 0; i < 40; i++) labels[`l${i}`] = 'v'.repeat(1000);
    h.engine.receiveAlerts('am', [{ fingerprint: 'f', status: 'firing', labels }]);
    const held = signal(h, 'am:r1').alerts![0]!.labels;
    expect(Object.keys(held)).toHaveLength(11);
    expect(held).toMatchObject({ team: 'web', region: 'r1', alertname: 'X' });
    expect(held.l0).toHaveLength(257);
  });

  it('alerts never resolved expire after expireAfter', () => {
    const h = new Harness(
      withSignals([
        {
          name: 'am',
          kind: 'alertmanager',
          match: { alertname: 'HighErrorRate' },
          region: 'r1',
          tokens: ['am'],
          expireAfter: '30s',
          fall: 1,
          rise: 1,
        },
      ]),
    );
    upFirst(h);
    h.engine.receiveAlerts('am', [
      { fingerprint: 'f', status: 'firing', labels: { alertname: 'HighErrorRate' } },
    ]);
    h.advance(INTERVAL);
    expect(signal(h, 'am').state).toBe('down');
    h.advance(20_000);
    expect(signal(h, 'am').state).toBe('down');
    h.advance(INTERVAL);
    expect(signal(h, 'am')).toMatchObject({ state: 'up', alertCount: 0 });
  });

  it('a push holds until it expires, then whenMissing (up) releases it', () => {
    const h = new Harness(
      withSignals([{ name: 'lb', kind: 'push', tokens: ['am'], region: 'r2', fall: 1, rise: 1 }]),
    );
    upFirst(h);
    const e = h.engine.pushSignal('lb', {
      state: 'down',
      reason: 'LB pool drained',
      author: 'am',
      at: h.t,
      until: h.t + 20_000,
    });
    expect(e).toMatchObject({ type: 'signal-push', from: 'none', to: 'down', region: 'r2' });
    h.advance(INTERVAL);
    expect(h.status('r2')).toBe('down');
    expect(signal(h, 'lb').last!.detail).toBe('pushed down by am: LB pool drained');
    h.advance(20_000);
    expect(signal(h, 'lb')).toMatchObject({ state: 'up' });
    expect(signal(h, 'lb').last!.detail).toMatch(/the last push \(down\) expired at/);
  });

  it('what the signals hold survives a restart: alerts still firing and pushes in force, expired ones dropped', () => {
    const config = withSignals([
      {
        name: 'am',
        kind: 'alertmanager',
        match: { alertname: 'X' },
        region: 'r1',
        tokens: ['am'],
        expireAfter: '1m',
        fall: 1,
      },
      { name: 'lb', kind: 'push', tokens: ['am'], region: 'r2', fall: 1 },
    ]);
    const before = new Harness(config);
    before.engine.receiveAlerts('am', [{ fingerprint: 'a', status: 'firing', labels: { alertname: 'X' } }]);
    before.t += 30_000;
    before.engine.receiveAlerts('am', [{ fingerprint: 'b', status: 'firing', labels: { alertname: 'X' } }]);
    before.engine.pushSignal('lb', {
      state: 'down',
      reason: 'r',
      author: 'am',
      at: before.t,
      until: before.t + 10_000,
    });
    const saved = JSON.parse(JSON.stringify(before.engine.signalInputs()));
    expect(saved.alerts).toHaveLength(2);

    const after = new Harness(config);
    after.t = before.t + 40_000; // alert a (expires at +60 s from its delivery) is over; b is not; the push is over
    after.engine.restoreSignalInputs(saved, after.t);
    after.advance(0);
    expect(signal(after, 'am')).toMatchObject({ state: 'down', alertCount: 1 });
    expect(signal(after, 'am').alerts![0]!.fingerprint).toBe('b');
    expect(signal(after, 'lb').push).toBeUndefined();
  });

  it('an unknown signal id is a UsageError naming the known ones', () => {
    const h = new Harness(withSignals([prom()]));
    expect(() => h.engine.observeSignal('nope', good)).toThrow(UsageError);
    expect(() => h.engine.observeSignal('nope', good)).toThrow(/unknown signal "nope"/);
  });
});
