// Unit tests of per-address-family health: a dual-stack endpoint's IPv4 and IPv6 are voted on and
// decided apart, its region gets one roll-up per family with its own hold-down, and a family's events
// name it; the region as a whole is down only when no family of it serves.
import { describe, expect, it } from 'vitest';
import { dualStackConfig, FamilyHarness, INTERVAL, PROBERS } from './family-harness.ts';

describe('per-address-family health', () => {
  it('decides each family of a dual-stack region, and waits for both before the region counts as decided', () => {
    const h = new FamilyHarness();
    h.rounds(2);
    expect(h.engine.allDecided()).toBe(true);
    const s = h.state()!;
    expect(s.status).toBe('up');
    expect(s.families).toEqual({
      ipv4: expect.objectContaining({ status: 'up', upEndpoints: ['use-a'] }),
      ipv6: expect.objectContaining({ status: 'up', upEndpoints: ['use-a'] }),
    });
    // eu-west's single-address endpoint counts in its family (IPv4) only.
    const eu = h.state('eu-west')!;
    expect(eu.families?.ipv4?.upEndpoints).toEqual(['euw-a', 'euw-b']);
    expect(eu.families?.ipv6?.upEndpoints).toEqual(['euw-a']);
    expect(h.of('family-transition').map((e) => [e.family, e.from, e.to])).toEqual([
      ['ipv4', 'unknown', 'up'],
      ['ipv6', 'unknown', 'up'],
    ]);
  });

  it('a region waits for its IPv6 evidence: not decided while only IPv4 results came', () => {
    const h = new FamilyHarness();
    for (let i = 0; i < 2; i++) {
      for (const prober of PROBERS)
        h.engine.ingest(
          {
            prober,
            seq: h.seq++,
            sentAt: h.t,
            impaired: false,
            results: ['use-a', 'euw-a'].map((endpoint) => ({
              endpoint,
              family: 'ipv4' as const,
              prober,
              ok: true,
              latencyMs: 1,
              detail: 'ok',
              at: h.t,
            })),
          },
          h.t,
        );
      h.advance(INTERVAL);
    }
    expect(h.engine.decided('us-east')).toBe(false);
    expect(h.engine.regionStates().has('us-east')).toBe(false);
  });

  it('IPv6 down moves only the IPv6 family: the endpoint is UP on IPv4, DOWN on IPv6, the region stays up', () => {
    const h = new FamilyHarness();
    h.rounds(2);
    h.rounds(3, { 'use-a': ['ipv6'] });
    const s = h.state()!;
    expect(s.status).toBe('up');
    expect(s.upEndpoints).toEqual(['use-a']);
    expect(s.families?.ipv4).toMatchObject({ status: 'up', upEndpoints: ['use-a'] });
    expect(s.families?.ipv6).toMatchObject({ status: 'down', upEndpoints: [] });
    expect(s.families?.ipv6?.reason).toMatch(/0 of 1 endpoints up on IPv6, below minHealthy 1/);

    // The events name the family: the endpoint's family transition, then the family's.
    const ep = h.events.find((e) => e.type === 'endpoint-transition' && e.to === 'down')!;
    expect(ep).toMatchObject({ endpoint: 'use-a', family: 'ipv6', region: 'us-east', from: 'up' });
    const votes = ep.evidence.votes as { family?: string; vote: string }[];
    expect(votes.every((v) => v.family === 'ipv6')).toBe(true);
    expect(votes.filter((v) => v.vote === 'down').length).toBeGreaterThanOrEqual(2);
    const ft = h.of('family-transition').at(-1)!;
    expect(ft).toMatchObject({ family: 'ipv6', from: 'up', to: 'down' });
    expect(ft.evidence.trigger).toBe('up endpoints on IPv6 0 < minHealthy 1');
    expect(h.of('region-transition')).toHaveLength(1); // the first decision only

    const snap = h.engine.snapshot();
    const use = snap.endpoints.find((e) => e.id === 'use-a')!;
    expect(use.state).toBe('up');
    expect(use.families?.map((f) => [f.family, f.state])).toEqual([
      ['ipv4', 'up'],
      ['ipv6', 'down'],
    ]);
    expect(use.lastFailure?.detail).toBe('ipv6 fails');
    expect(use.votes.filter((v) => v.family === 'ipv4')).toHaveLength(3);
    const region = snap.regions.find((r) => r.id === 'us-east')!;
    expect(region.families?.map((f) => [f.family, f.status])).toEqual([
      ['ipv4', 'up'],
      ['ipv6', 'down'],
    ]);
  });

  it('IPv4 down moves only the IPv4 family (the reverse)', () => {
    const h = new FamilyHarness();
    h.rounds(2);
    h.rounds(3, { 'use-a': ['ipv4'] });
    const s = h.state()!;
    expect(s.status).toBe('up');
    expect(s.families?.ipv4?.status).toBe('down');
    expect(s.families?.ipv6).toMatchObject({ status: 'up', upEndpoints: ['use-a'] });
  });

  it('a family comes back through its own failback hold-down', () => {
    const h = new FamilyHarness();
    h.rounds(2);
    h.rounds(3, { 'use-a': ['ipv6'] });
    h.rounds(2);
    expect(h.state()!.families?.ipv6).toMatchObject({ status: 'down', holdingFailback: true });
    const hold = h.of('family-failback-hold').at(-1)!;
    expect(hold).toMatchObject({ family: 'ipv6', from: 'down', to: 'holding' });
    expect(hold.evidence.holdDownMs).toBe(60_000);
    h.advance(60_000);
    expect(h.state()!.families?.ipv6).toMatchObject({ status: 'up', upEndpoints: ['use-a'] });
    expect(h.of('family-transition').at(-1)).toMatchObject({ family: 'ipv6', from: 'down', to: 'up' });
    // A flap inside the hold-down is the family's own: it aborts and lengthens the family's next wait.
    h.rounds(3, { 'use-a': ['ipv6'] });
    h.rounds(2);
    h.rounds(3, { 'use-a': ['ipv6'] });
    const aborted = h.of('family-failback-aborted').at(-1)!;
    expect(aborted).toMatchObject({ family: 'ipv6', from: 'holding', to: 'down' });
    expect(h.of('failback-aborted')).toHaveLength(0);
  });

  it('the region is down only when no family serves; its families then say so as evidence', () => {
    const h = new FamilyHarness();
    h.rounds(2);
    h.rounds(3, { 'use-a': ['ipv4', 'ipv6'] });
    const s = h.state()!;
    expect(s.status).toBe('down');
    expect(s.families?.ipv4?.status).toBe('down');
    expect(s.families?.ipv6?.status).toBe('down');
    expect(h.of('region-transition').at(-1)).toMatchObject({ from: 'up', to: 'down' });
    // The region's transition moved the answers: the families' are evidence, not transitions.
    expect(h.of('family-transition').filter((e) => e.to === 'down')).toHaveLength(0);
    expect(h.of('family-health').map((e) => [e.family, e.to])).toEqual([
      ['ipv4', 'down'],
      ['ipv6', 'down'],
    ]);
    // Back: the region's hold-down holds its families too, even when theirs ends first.
    h.rounds(2);
    expect(h.state()!.families?.ipv4?.status).toBe('down');
    h.advance(60_000);
    expect(h.state()!.status).toBe('up');
    expect(h.state()!.families?.ipv4?.status).toBe('up');
    expect(h.state()!.families?.ipv6?.status).toBe('up');
  });

  it('a drain or a force-up of the region applies to each family', () => {
    const h = new FamilyHarness();
    h.rounds(2);
    h.rounds(3, { 'use-a': ['ipv6'] });
    h.engine.drain('us-east', { reason: 'migration', author: 'alice' });
    expect(h.state()!.families).toMatchObject({
      ipv4: { status: 'drained', reason: 'migration' },
      ipv6: { status: 'drained', reason: 'migration' },
    });
    h.engine.undrain('us-east', 'alice');
    h.engine.forceUp('us-east', { reason: 'checks wrong', author: 'bob', until: h.t + 60_000 });
    expect(h.state()!.families?.ipv6).toMatchObject({ status: 'up', upEndpoints: ['use-a'] });
  });

  it('ignores a result without a family for a dual-stack endpoint, and one with a family for a single address', () => {
    const h = new FamilyHarness();
    const before = h.engine.ignoredResults;
    h.engine.ingest(
      {
        prober: 'a',
        seq: h.seq++,
        sentAt: h.t,
        impaired: false,
        results: [
          { endpoint: 'use-a', prober: 'a', ok: true, latencyMs: 1, detail: 'ok', at: h.t },
          { endpoint: 'euw-b', family: 'ipv6', prober: 'a', ok: true, latencyMs: 1, detail: 'ok', at: h.t },
        ],
      },
      h.t,
    );
    expect(h.engine.ignoredResults - before).toBe(2);
  });

  it('remembers each family across a restart: a family holding its failback continues the hold-down', () => {
    const h = new FamilyHarness();
    h.rounds(2);
    h.rounds(3, { 'use-a': ['ipv6'] });
    h.rounds(2);
    const memory = h.engine.history();
    expect(memory.find((m) => m.region === 'us-east' && m.family === 'ipv6')).toMatchObject({
      health: 'down',
      holdingFailback: true,
    });
    const next = new FamilyHarness();
    next.t = h.t;
    next.engine.restoreHistory(memory);
    next.rounds(2);
    expect(next.state()!.families?.ipv6).toMatchObject({ status: 'down', holdingFailback: true });
    expect(next.state()!.families?.ipv4?.status).toBe('up');
  });

  it('a signal on a dual-stack endpoint acts on both families; a region veto holds both families down', () => {
    const prom = (name: string, target: Record<string, string>) => ({
      name,
      kind: 'prometheus',
      url: 'http://127.0.0.1:9090',
      query: 'error_ratio',
      downWhen: { op: '>', value: 0.05 },
      fall: 1,
      rise: 1,
      ...target,
    });
    const h = new FamilyHarness(
      dualStackConfig(
        {},
        { signals: [prom('use-errors', { endpoint: 'use-a' }), prom('euw-lb', { region: 'eu-west' })] },
      ),
    );
    h.rounds(2);
    const bad = { outcome: 'down', value: 0.3, detail: 'value 0.3 > 0.05' } as const;
    h.events.push(...h.engine.observeSignal('use-errors', bad));
    const s = h.state()!;
    expect(s.status).toBe('down');
    expect(s.families?.ipv4?.status).toBe('down');
    expect(s.families?.ipv6?.status).toBe('down');
    const vetoed = h.events.filter((e) => e.type === 'endpoint-transition' && e.endpoint === 'use-a');
    expect(vetoed.filter((e) => e.to === 'down').map((e) => e.family)).toEqual(['ipv4', 'ipv6']);

    h.events.push(...h.engine.observeSignal('euw-lb', bad));
    const eu = h.state('eu-west')!;
    expect(eu.status).toBe('down');
    expect(eu.families?.ipv4?.status).toBe('down');
    expect(eu.families?.ipv6?.status).toBe('down');
  });

  it('a prober impaired on IPv6 (its own IPv6 path) has its IPv6 DOWN votes left out, and only those', () => {
    const h = new FamilyHarness();
    h.rounds(2);
    // Probers a and b lose IPv6 themselves: every IPv6 check fails for them; c still sees it work.
    for (let i = 0; i < 4; i++) {
      for (const prober of PROBERS) {
        const lost = prober !== 'c';
        const results = [
          ['use-a', 'ipv4', true],
          ['use-a', 'ipv6', !lost],
          ['euw-a', 'ipv4', true],
          ['euw-a', 'ipv6', !lost],
        ].map(([endpoint, family, ok]) => ({
          endpoint: endpoint as string,
          family: family as 'ipv4' | 'ipv6',
          prober,
          ok: ok as boolean,
          latencyMs: 1,
          detail: ok ? 'ok' : 'connect ENETUNREACH',
          at: h.t,
        }));
        h.events.push(
          ...h.engine.ingest(
            {
              prober,
              seq: h.seq++,
              sentAt: h.t,
              impaired: false,
              ...(lost ? { impairedFamilies: ['ipv6' as const] } : {}),
              results,
            },
            h.t,
          ),
        );
      }
      h.advance(INTERVAL);
    }
    expect(h.state()!.families?.ipv6?.status).toBe('up');
    expect(h.state('eu-west')!.families?.ipv6?.status).toBe('up');
    const said = h.events.filter((e) => e.type === 'prober-impaired');
    expect(said.map((e) => [e.prober, e.family, e.to])).toEqual([
      ['a', 'ipv6', 'impaired'],
      ['b', 'ipv6', 'impaired'],
    ]);
    const votes = h.engine.snapshot().endpoints.find((e) => e.id === 'use-a')!.families![1]!.votes;
    expect(votes.find((v) => v.prober === 'a')).toMatchObject({
      vote: 'down',
      impaired: true,
      counted: false,
    });
    expect(h.engine.snapshot().probers.find((p) => p.id === 'a')).toMatchObject({
      impaired: false,
      impairedFamilies: ['ipv6'],
    });
    // Their IPv4 votes still count: an IPv4 outage still moves A.
    h.rounds(3, { 'use-a': ['ipv4'] });
    expect(h.state()!.families?.ipv4?.status).toBe('down');
  });
});
