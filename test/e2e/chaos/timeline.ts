// Scenario 1's failover timeline from what the run recorded: each prober's vote on the failed
// endpoint and the endpoint's quorum state (vote/endpoint transitions in the event log), the region's
// state with its failback hold-down, and the answer the client's dig got. Times relative to the fault.
import { type FailoverTimeline, spansFrom, type TimelineSpan } from '../../../bench/lib/timeline-svg.ts';
import { atMs, type ChaosEvent } from './events.ts';
import { regionOf } from './layout.ts';
import type { Sample } from './sampler.ts';

export interface TimelineInput {
  events: readonly ChaosEvent[];
  samples: readonly Sample[];
  faultAt: number;
  failoverAt: number;
  restoreAt: number;
  failbackAt: number;
  fault: string;
  probers: readonly string[];
  endpoint: string;
  region: string;
}

export function buildTimeline(i: TimelineInput): FailoverTimeline {
  const rel = (ms: number) => ms - i.faultAt;
  const start = rel(i.samples[0]?.at ?? i.faultAt - 3000);
  const end = rel(i.samples[i.samples.length - 1]?.at ?? i.failbackAt + 2000);
  const transitions = (pred: (e: ChaosEvent) => boolean) =>
    i.events.filter(pred).map((e) => ({ at: rel(atMs(e)), to: String(e.to) }));

  const votes = i.probers.map((p) => ({
    group: 'votes' as const,
    title: `vote ${p} → ${i.endpoint}`,
    spans: spansFrom(
      'up',
      transitions((e) => e.type === 'vote-transition' && e.prober === p && e.endpoint === i.endpoint),
      start,
      end,
    ),
  }));
  const endpoint = {
    group: 'votes' as const,
    title: `endpoint ${i.endpoint} (quorum)`,
    spans: spansFrom(
      'up',
      transitions((e) => e.type === 'endpoint-transition' && e.endpoint === i.endpoint),
      start,
      end,
    ),
  };
  // Region: down on its transition, "holding" from the failback hold-down until the region is up again.
  const regionMoves = i.events
    .filter(
      (e) =>
        e.region === i.region &&
        (e.type === 'region-transition' || e.type === 'failback-hold' || e.type === 'failback-aborted'),
    )
    .map((e) => ({
      at: rel(atMs(e)),
      to: e.type === 'failback-hold' ? 'holding' : e.type === 'failback-aborted' ? 'down' : String(e.to),
    }));
  const region = {
    group: 'region' as const,
    title: `region ${i.region}`,
    spans: spansFrom('up', regionMoves, start, end),
  };
  const dnsSpans: TimelineSpan[] = [];
  for (const s of i.samples) {
    const label = s.status === 'TIMEOUT' ? 'timeout' : s.status !== 'NOERROR' ? s.status : regionOf(s.values);
    const t = rel(s.at);
    const prev = dnsSpans[dnsSpans.length - 1];
    if (prev && prev.label === label) prev.to = t;
    else {
      if (prev) prev.to = t;
      dnsSpans.push({ from: t, to: t, label: label || 'empty' });
    }
  }
  if (dnsSpans.length > 0) dnsSpans[dnsSpans.length - 1]!.to = end;
  return {
    title: `Failover timeline (chaos scenario 1, fault: ${i.fault}; interval 1s, timeout 500ms, fall 2) — failover ${(
      (i.failoverAt - i.faultAt) / 1000
    ).toFixed(
      2,
    )} s, failback ${((i.failbackAt - i.restoreAt) / 1000).toFixed(2)} s after the backend returned`,
    faultAt: i.faultAt,
    start,
    end,
    marks: [
      { at: 0, label: `fault (${i.fault})` },
      { at: rel(i.failoverAt), label: 'client sees failover' },
      { at: rel(i.restoreAt), label: 'backend back' },
      { at: rel(i.failbackAt), label: 'client sees failback' },
    ],
    lanes: [...votes, endpoint, region, { group: 'dns', title: 'dig app (client)', spans: dnsSpans }],
  };
}
