// Signals as people read them, for status, explain, the dashboard and the CLI: "eu-west down: alert
// HighErrorRate firing since 12:03:00 UTC (veto)", "euw-a down: value 0.31 > 0.05 (vote)", and the
// signal's view in the status document.

import type { SignalView } from '../../api/index.ts';
import type { SignalSnapshot } from '../../health/index.ts';
import { clockWords, type VetoWords } from './region-words.ts';

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString();

const nameOf = (a: { labels: Record<string, string>; fingerprint: string }) =>
  a.labels.alertname ?? a.fingerprint;

/** What the signal says now: the alerts firing, the push in force, or the last evaluation. */
export function signalWords(s: SignalSnapshot, now: number): string {
  if (s.kind === 'alertmanager') {
    const first = s.alerts?.[0];
    if (!first) return 'no matching alert firing';
    const more = (s.alertCount ?? 1) - 1;
    const since = first.startsAt === undefined ? '' : ` since ${clockWords(first.startsAt, now)}`;
    return `alert ${nameOf(first)} firing${since}${more > 0 ? ` (and ${more} more)` : ''}`;
  }
  if (s.kind === 'push' && s.push && s.push.until > now)
    return `pushed ${s.push.state} by ${s.push.author} until ${clockWords(s.push.until, now)}: ${s.push.reason}`;
  if (!s.last) return 'not evaluated yet';
  if (s.last.outcome === 'missing' && s.whenMissing) return `${s.last.detail} (whenMissing ${s.whenMissing})`;
  return s.last.detail;
}

/** "eu-west down: alert HighErrorRate firing since 12:03:00 UTC (veto)". */
export function signalSentence(s: SignalSnapshot, now: number): string {
  const state = s.state === 'unknown' ? 'not decided yet' : s.state;
  return `${s.endpoint ?? s.region} ${state}: ${signalWords(s, now)} (${s.effect})`;
}

export function signalView(s: SignalSnapshot, now: number): SignalView {
  return {
    name: s.id,
    signal: s.name,
    kind: s.kind,
    effect: s.effect,
    target: s.endpoint ? `endpoint ${s.endpoint}` : `region ${s.region}`,
    region: s.region,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    state: s.state,
    ...(iso(s.since) ? { since: iso(s.since) } : {}),
    acting: s.acting,
    words: signalSentence(s, now),
    fall: s.fall,
    rise: s.rise,
    ...(s.whenMissing ? { whenMissing: s.whenMissing } : {}),
    ...(s.last
      ? {
          last: {
            at: iso(s.last.at)!,
            outcome: s.last.outcome,
            ...(s.last.value === undefined || !Number.isFinite(s.last.value) ? {} : { value: s.last.value }),
            detail: s.last.detail,
          },
        }
      : {}),
    ...(s.alerts
      ? {
          alerts: s.alerts.map((a) => ({
            name: nameOf(a),
            labels: a.labels,
            ...(iso(a.startsAt) ? { startsAt: iso(a.startsAt) } : {}),
            ...(a.summary ? { summary: a.summary } : {}),
            expiresAt: iso(a.expiresAt)!,
          })),
          alertCount: s.alertCount ?? s.alerts.length,
        }
      : {}),
    ...(s.push
      ? {
          push: {
            state: s.push.state,
            reason: s.push.reason,
            author: s.push.author,
            at: iso(s.push.at)!,
            until: iso(s.push.until)!,
          },
        }
      : {}),
  };
}

/** The down vetoes on a region or its endpoints: "signal euw-alerts (veto): alert … firing since …". */
export function vetoesOf(signals: readonly SignalSnapshot[], region: string, now: number): VetoWords[] {
  return signals
    .filter((s) => s.region === region && s.effect === 'veto' && s.state === 'down')
    .map((s) => ({
      ...(s.endpoint ? { endpoint: s.endpoint } : {}),
      words: `signal ${s.id} (veto): ${signalWords(s, now)}`,
    }));
}
