// The controller's latency steering: round-trip times from every accepted report (rtt.ts), and on
// each tick the ranking every latency geography holds, moved only as the hysteresis allows
// (src/policy latency-rank.ts). What it holds is what the latency policy reads (SteeringInput); each
// move of a ranking is an event, and the caller reconciles. A geography holds no ranking until one of
// its probers has a fresh time, so a restarted controller ranks by its first measurements at once.
import type { Config } from '../config/index.ts';
import {
  geoSetId,
  type HeldRanking,
  normaliseName,
  type SteeringInput,
  steeringKey,
} from '../model/index.ts';
import { geographyTimes, holdRanking } from '../policy/index.ts';
import type { ProbeReport } from '../probe/index.ts';
import { RttTable } from './rtt.ts';

/** A latency geography whose ranking moved. */
export interface RankingEvent {
  type: 'ranking';
  at: number;
  record: string;
  recordType: string;
  geography: string;
  from: string[];
  to: string[];
  /** The geography's times when it moved (ms, one decimal), and which probers measured them. */
  times: Record<string, number>;
  probers: string[];
}

interface Geography {
  key: string;
  record: string;
  type: string;
  setId: string;
  regions: string[];
  probers: string[];
  settings: Parameters<typeof holdRanking>[3];
}

export class SteeringEngine {
  private readonly rtt: RttTable;
  private readonly geographies: Geography[] = [];
  private readonly held = new Map<string, HeldRanking>();
  private lastNow = 0;

  constructor(
    config: Config,
    private readonly now: () => number = Date.now,
  ) {
    this.rtt = new RttTable(config);
    for (const zone of config.zones)
      for (const rec of zone.records) {
        const p = rec.policy;
        if (p.kind !== 'latency') continue;
        const name = normaliseName(rec.name);
        for (const g of p.geographies) {
          const setId = geoSetId(g.match);
          this.geographies.push({
            key: steeringKey(name, rec.type, setId),
            record: name,
            type: rec.type,
            setId,
            regions: [...p.regions],
            probers: [...g.probers],
            settings: { margin: p.margin, holdMs: p.hold },
          });
        }
      }
  }

  /** True when some record of the config steers by latency (otherwise nothing here needs to run). */
  get active(): boolean {
    return this.geographies.length > 0;
  }

  ingest(report: ProbeReport, receivedAt: number = this.now()): void {
    if (this.active) this.rtt.ingest(report, receivedAt);
  }

  /** Moves every ranking as far as the hysteresis allows at `now`; returns the ones that moved. */
  tick(now: number = this.now()): RankingEvent[] {
    this.lastNow = now;
    if (!this.active) return [];
    const rtt = this.rtt.regionTimes(now);
    const events: RankingEvent[] = [];
    for (const g of this.geographies) {
      const times = geographyTimes(g.regions, g.probers, rtt);
      const prev = this.held.get(g.key);
      if (!prev && times.size === 0) continue;
      const next = holdRanking(prev, g.regions, times, g.settings, now);
      this.held.set(g.key, next);
      if (prev && next.order.join() !== prev.order.join())
        events.push({
          type: 'ranking',
          at: now,
          record: g.record,
          recordType: g.type,
          geography: g.setId,
          from: prev.order,
          to: next.order,
          times: Object.fromEntries([...times].map(([r, ms]) => [r, Math.round(ms * 10) / 10])),
          probers: g.probers,
        });
    }
    return events;
  }

  /** What the latency policy reads now. */
  input(): SteeringInput {
    const now = this.lastNow || this.now();
    return { rtt: this.rtt.regionTimes(now), held: new Map(this.held), source: 'measured', now };
  }
}
