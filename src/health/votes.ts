// Applying one prober report: each result goes through that (endpoint, prober) pair's hysteresis
// (hysteresis.ts), with the result's time translated from the agent's clock, duplicates and stale
// results skipped, and a prober back from silence restarting from UNKNOWN. Also the vote evidence.
import type { ProbeReport } from '../probe/index.ts';
import { applyResult, resetPair } from './hysteresis.ts';
import { type EndpointState, type EngineState, impairedFor, probedStates } from './state.ts';
import type { HealthEvent, VoteEvidence } from './types.ts';

/**
 * Applies an accepted report's results to the pairs, pushing vote and prober-impaired events.
 * Returns the endpoints whose tally may have changed (to re-run the quorum on).
 */
export function applyReport(
  s: EngineState,
  pi: number,
  report: ProbeReport,
  receivedAt: number,
  events: HealthEvent[],
): Set<EndpointState> {
  const prober = s.probers[pi]!;
  prober.lastReportAt = Math.max(prober.lastReportAt, receivedAt);
  const dirty = new Set<EndpointState>();
  if (prober.impaired !== report.impaired) {
    events.push({
      type: 'prober-impaired',
      at: receivedAt,
      prober: prober.id,
      from: prober.impaired ? 'impaired' : 'ok',
      to: report.impaired ? 'impaired' : 'ok',
      evidence: { reportSeq: report.seq, note: 'an impaired prober’s DOWN votes are not counted' },
    });
    prober.impaired = report.impaired;
    for (const ep of probedStates(s)) dirty.add(ep);
  }
  const families = report.impairedFamilies ?? [];
  for (const f of ['ipv4', 'ipv6'] as const) {
    const was = prober.impairedFamilies.includes(f);
    if (was === families.includes(f)) continue;
    events.push({
      type: 'prober-impaired',
      at: receivedAt,
      prober: prober.id,
      family: f,
      from: was ? 'impaired' : 'ok',
      to: was ? 'ok' : 'impaired',
      evidence: {
        reportSeq: report.seq,
        note: `every ${f} check of this prober fails in every region: its ${f} DOWN votes are not counted`,
      },
    });
    for (const ep of probedStates(s)) if (ep.family === f) dirty.add(ep);
  }
  prober.impairedFamilies = [...families];
  const staleBefore = receivedAt - s.h.staleAfter;
  const { fall, rise } = s.h;
  for (const r of report.results) {
    const ep = target(s.endpoints.get(r.endpoint), r.family);
    if (ep === undefined || r.prober !== report.prober) {
      s.ignoredResults++;
      continue;
    }
    const pair = ep.pairs[pi]!;
    const effAt = receivedAt - Math.max(0, report.sentAt - r.at);
    if (r.at <= pair.lastRawAt || effAt < staleBefore) {
      s.ignoredResults++;
      continue;
    }
    // A prober back from silence starts from fresh evidence, not from the vote it had before.
    if (pair.lastAt < effAt - s.h.staleAfter && pair.vote !== 'unknown') resetPair(pair);
    const before = applyResult(pair, r.ok, fall, rise);
    pair.lastAt = Math.max(pair.lastAt, effAt);
    pair.lastRawAt = r.at;
    pair.detail = r.detail;
    pair.failed = r.failed;
    if (!r.ok) {
      pair.failDetail = r.detail;
      pair.failFailed = r.failed;
      pair.failAt = effAt;
    }
    if (pair.vote !== before) {
      events.push({
        type: 'vote-transition',
        at: receivedAt,
        region: ep.region.id,
        endpoint: ep.id,
        ...(ep.family === undefined ? {} : { family: ep.family }),
        prober: prober.id,
        from: before,
        to: pair.vote,
        evidence: {
          threshold: pair.vote === 'down' ? { fall, failRun: pair.failRun } : { rise, okRun: pair.okRun },
          detail: r.detail,
          ...(r.failed ? { failed: r.failed } : {}),
          latencyMs: r.latencyMs,
          resultAt: r.at,
          reportSeq: report.seq,
        },
      });
    }
    // Even without a vote change the pair may have become fresh again, which changes the tally.
    dirty.add(ep);
  }
  return dirty;
}

/**
 * The state a result is for: a single-address endpoint takes results without a family, a dual-stack
 * one only results naming one of its families (anything else is mislabelled and skipped).
 */
function target(ep: EndpointState | undefined, family: string | undefined): EndpointState | undefined {
  if (ep === undefined) return undefined;
  if (ep.families) return family === undefined ? undefined : ep.families.find((f) => f.family === family);
  return family === undefined ? ep : undefined;
}

/** Every prober's vote on an endpoint, with whether it counts (fresh, known, not an impaired DOWN). */
export function voteEvidence(s: EngineState, e: EndpointState, staleBefore: number): VoteEvidence[] {
  return e.pairs.map((pair, i) => {
    const p = s.probers[i]!;
    const fresh = pair.lastAt >= staleBefore;
    return {
      prober: p.id,
      ...(e.family === undefined ? {} : { family: e.family }),
      vote: pair.vote,
      fresh,
      impaired: impairedFor(p, e),
      counted: fresh && pair.vote !== 'unknown' && !(pair.vote === 'down' && impairedFor(p, e)),
      lastAt: Number.isFinite(pair.lastAt) ? pair.lastAt : null,
      detail: pair.detail,
      ...(pair.failed ? { failed: pair.failed } : {}),
      ...(pair.failDetail === undefined
        ? {}
        : {
            lastFailure: {
              detail: pair.failDetail,
              at: pair.failAt!,
              ...(pair.failFailed ? { failed: pair.failFailed } : {}),
            },
          }),
    };
  });
}
