// Readers of each benchmark's JSON result (their formats differ): each turns one file into table rows
// of figure, peer or floor, ratio and target. Missing fields give no row rather than an error, so a
// benchmark that changes its output loses a row in RESULTS.md, not the whole report.

export interface Figure {
  area: string;
  figure: string;
  value: string;
  peer: string;
  peerValue: string;
  ratio: string;
  target?: string;
  /** When (and under what load) it was measured. */
  at?: string;
}

export interface Adapter {
  /** results/<file>.json, 'chaos' for the newest chaos-*.json, 'steering' for the newest steering-*.json. */
  file: string;
  figures(doc: unknown): Figure[];
}

// biome-ignore lint/suspicious/noExplicitAny: JSON of several shapes, read defensively below.
type J = any;

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

function fmt(x: unknown, unit = '', digits?: number): string {
  const n = num(x);
  if (n === undefined) return '—';
  const d = digits ?? (Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2);
  return `${n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 })}${unit}`;
}

function ratio(a: unknown, b: unknown): string {
  const x = num(a);
  const y = num(b);
  if (x === undefined || y === undefined || y === 0) return '—';
  const r = x / y;
  // Tiny ratios (4 calls instead of 2,000) read better as a fraction than as 0.00×.
  if (r > 0 && r < 0.05) return `1/${Math.round(y / x).toLocaleString('en-US')}`;
  return `${r.toFixed(2)}×`;
}

function when(doc: J): string {
  const at = doc?.at ?? doc?.when ?? doc?.startedAt ?? doc?.machine?.date;
  const load = doc?.machine?.loadavg1m ?? doc?.machine?.load1;
  return [
    typeof at === 'string' ? at.slice(0, 16).replace('T', ' ') : '',
    num(load) ? `load ${fmt(load)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

const met = (ok: unknown, text: string) => (ok === true ? `${text} ✓` : ok === false ? `${text} ✗` : text);

/** Keep only rows whose value was present. */
const rows = (list: (Figure | undefined)[]) =>
  list.filter((f): f is Figure => f !== undefined && !f.value.startsWith('—'));

export const benchAdapters: Adapter[] = [
  {
    file: 'cli',
    figures: (d: J) =>
      rows(
        (['validate', 'plan', 'help'] as const).map((name) => ({
          area: 'cli',
          figure: `\`${name === 'help' ? '--help' : name}\` start to exit, median wall (${d.node ?? ''})`,
          value: fmt(d.commands?.[name]?.wallMs, ' ms'),
          peer: 'floor: node -e 0',
          peerValue: fmt(d.floor?.wallMs, ' ms'),
          ratio: ratio(d.commands?.[name]?.wallMs, d.floor?.wallMs),
          ...(name === 'validate' ? { target: met(d.meetsTargets, '<= 500 ms, <= 6×') } : {}),
          at: when(d),
        })),
      ),
  },
  {
    file: 'plan',
    figures: (d: J) =>
      rows([
        {
          area: 'plan',
          figure: `plan + JSON render, ${fmt(d.records)} records (${fmt(d.changed)} changed), median CPU`,
          value: fmt(d.planCpuMs?.median, ' ms'),
          peer: 'floor: bare Map diff + JSON.stringify',
          peerValue: fmt(d.floorCpuMs?.median, ' ms'),
          ratio: ratio(d.planCpuMs?.median, d.floorCpuMs?.median),
          target: met(d.meetsTargets, '< 100 ms, < 200 MB'),
          at: when(d),
        },
        {
          area: 'plan',
          figure: 'peak RSS of the planning process',
          value: fmt(d.maxRssMb, ' MB'),
          peer: 'RSS before planning',
          peerValue: fmt(d.rssBeforeMb, ' MB'),
          ratio: ratio(d.maxRssMb, d.rssBeforeMb),
          target: met(num(d.maxRssMb) === undefined ? undefined : d.maxRssMb < 200, '< 200 MB'),
          at: when(d),
        },
      ]),
  },
  {
    file: 'ingest',
    figures: (d: J) =>
      rows([
        {
          area: 'ingest',
          figure: `probe results/s, full path (${d.fullPath?.what ?? 'verify + parse + validate + ingest'})`,
          value: fmt(d.fullPath?.resultsPerSec, '/s'),
          peer: `floor: ${d.floor?.what ?? 'HMAC + JSON.parse'}`,
          peerValue: fmt(d.floor?.resultsPerSec, '/s'),
          ratio: ratio(d.fullPath?.resultsPerSec, d.floor?.resultsPerSec),
          target: met(d.pass?.throughput, `>= ${fmt(d.targets?.resultsPerSec, '/s')}`),
          at: when(d),
        },
        {
          area: 'ingest',
          figure: 'probe results/s, health engine alone',
          value: fmt(d.engineIngest?.resultsPerSec, '/s'),
          peer: 'floor: HMAC + JSON.parse',
          peerValue: fmt(d.floor?.resultsPerSec, '/s'),
          ratio: ratio(d.engineIngest?.resultsPerSec, d.floor?.resultsPerSec),
          at: when(d),
        },
        {
          area: 'ingest',
          figure: 'deciding report → region transition, p99 (CPU)',
          value: fmt(d.decidingReport?.processCpuMs?.p99, ' ms'),
          peer: 'target',
          peerValue: fmt(d.targets?.p99Ms, ' ms'),
          ratio: ratio(d.decidingReport?.processCpuMs?.p99, d.targets?.p99Ms),
          target: met(d.pass?.p99Cpu, `p99 <= ${fmt(d.targets?.p99Ms, ' ms')}`),
          at: when(d),
        },
      ]),
  },
  {
    file: 'dns',
    figures: (d: J) => {
      const r = d.results ?? {};
      return rows([
        {
          area: 'DNS server',
          figure: `max queries/s under dnsperf (${r.ours?.server ?? 'builtin'})`,
          value: fmt(r.ours?.max?.qps, ' qps'),
          peer: r.floor?.server ?? 'floor: bare node:dgram',
          peerValue: fmt(r.floor?.max?.qps, ' qps'),
          ratio: ratio(r.ours?.max?.qps, r.floor?.max?.qps),
          target: met(d.targets?.met, `>= ${fmt(d.targets?.ratioToFloorMin)}× floor`),
          at: when(d),
        },
        {
          area: 'DNS server',
          figure: 'max queries/s, same zone',
          value: fmt(r.ours?.max?.qps, ' qps'),
          peer: r.knot?.server ?? 'Knot DNS',
          peerValue: fmt(r.knot?.max?.qps, ' qps'),
          ratio: ratio(r.ours?.max?.qps, r.knot?.max?.qps),
          at: when(d),
        },
        {
          area: 'DNS server',
          figure: 'queries per CPU-core second, 1 worker',
          value: fmt(r.ours?.max?.qpsPerCpuCore),
          peer: r.knot?.server ?? 'Knot DNS',
          peerValue: fmt(r.knot?.max?.qpsPerCpuCore),
          ratio: ratio(r.ours?.max?.qpsPerCpuCore, r.knot?.max?.qpsPerCpuCore),
          target: met(d.targets?.cpuEfficiencyMet, '>= 0.5×'),
          at: when(d),
        },
        {
          area: 'DNS server',
          figure: `queries per CPU-core second at a common ${fmt(d.commonQps)} qps, 1 worker`,
          value: fmt(r.ours?.common?.qpsPerCpuCore),
          peer: r.knot?.server ?? 'Knot DNS',
          peerValue: fmt(r.knot?.common?.qpsPerCpuCore),
          ratio: ratio(r.ours?.common?.qpsPerCpuCore, r.knot?.common?.qpsPerCpuCore),
          at: when(d),
        },
        {
          area: 'DNS server',
          figure: `max queries/s with ${fmt(d.workers)} workers vs 1 worker (dnsperf on the same cores; ceiling ${fmt(d.workerScalingCeiling)}×, Knot ${fmt(d.knotWorkerScaling)}×)`,
          value: fmt(r.oursAll?.max?.qps, ' qps'),
          peer: r.ours?.server ?? 'one worker',
          peerValue: fmt(r.ours?.max?.qps, ' qps'),
          ratio: ratio(r.oursAll?.max?.qps, r.ours?.max?.qps),
          target: met(d.targets?.workerScalingMet, '>= 1.7×'),
          at: when(d),
        },
        {
          area: 'DNS server',
          figure: `max queries/s with ${fmt(d.workers)} workers vs 1, each worker held to ${fmt(d.workerScalingEqualShares?.share)} of a core`,
          value: fmt(d.workerScalingEqualShares?.all?.qps, ' qps'),
          peer: 'the same, 1 worker',
          peerValue: fmt(d.workerScalingEqualShares?.one?.qps, ' qps'),
          ratio: ratio(d.workerScalingEqualShares?.all?.qps, d.workerScalingEqualShares?.one?.qps),
          target: met(d.targets?.workerScalingEqualSharesMet ?? undefined, '>= 1.7×'),
          at: when(d),
        },
        {
          area: 'DNS server',
          figure: `queries per CPU-core second, ${fmt(d.workers)} workers`,
          value: fmt(r.oursAll?.max?.qpsPerCpuCore),
          peer: r.knotAll?.server ?? 'Knot DNS, as many UDP workers',
          peerValue: fmt(r.knotAll?.max?.qpsPerCpuCore),
          ratio: ratio(r.oursAll?.max?.qpsPerCpuCore, r.knotAll?.max?.qpsPerCpuCore),
          target: met(
            num(d.cpuEfficiencyRatioToKnotAllWorkers) === undefined
              ? undefined
              : d.cpuEfficiencyRatioToKnotAllWorkers >= 0.5,
            '>= 0.5×',
          ),
          at: when(d),
        },
        {
          area: 'DNS server',
          figure: `lost queries at a fixed ${fmt(d.fixedQps)} qps`,
          value: fmt(r.ours?.fixed?.lost, '', 0),
          peer: 'floor (bare node:dgram)',
          peerValue: fmt(r.floor?.fixed?.lost, '', 0),
          ratio: '—',
          target: '0 lost',
          at: when(d),
        },
      ]);
    },
  },
  {
    file: 'probe',
    figures: (d: J) => {
      const ways = (d.ways ?? {}) as Record<string, { perSec?: number; cpuMsPer1k?: number }>;
      const find = (re: RegExp) => Object.entries(ways).find(([k]) => re.test(k));
      const ours = find(/^geofailover http/);
      const fetchFloor = find(/fetch loop, connection: close/);
      const httpFloor = find(/http\.request/);
      // The other kinds, each priced in CPU beside the same run's HTTP floor.
      const others = Object.entries(ways).filter(([k]) => /^geofailover (grpc|several)/.test(k));
      return rows([
        ours && fetchFloor
          ? {
              area: 'probe agent',
              figure: 'HTTP checks/s, fresh connection each',
              value: fmt(ours[1].perSec, '/s'),
              peer: fetchFloor[0],
              peerValue: fmt(fetchFloor[1].perSec, '/s'),
              ratio: ratio(ours[1].perSec, fetchFloor[1].perSec),
              target: met(d.pass, `>= ${fmt(d.target?.ratioToFetchFloor)}× fetch`),
              at: when(d),
            }
          : undefined,
        ours && httpFloor
          ? {
              area: 'probe agent',
              figure: 'HTTP checks/s, fresh connection each',
              value: fmt(ours[1].perSec, '/s'),
              peer: httpFloor[0],
              peerValue: fmt(httpFloor[1].perSec, '/s'),
              ratio: ratio(ours[1].perSec, httpFloor[1].perSec),
              at: when(d),
            }
          : undefined,
        ours && httpFloor
          ? {
              area: 'probe agent',
              figure: 'CPU ms per 1,000 checks',
              value: fmt(ours[1].cpuMsPer1k, ' ms'),
              peer: httpFloor[0],
              peerValue: fmt(httpFloor[1].cpuMsPer1k, ' ms'),
              ratio: ratio(ours[1].cpuMsPer1k, httpFloor[1].cpuMsPer1k),
              at: when(d),
            }
          : undefined,
        ...others.map(([name, w]) =>
          httpFloor
            ? {
                area: 'probe agent',
                figure: `CPU ms per 1,000 checks: ${name.replace(/^geofailover /, '')}`,
                value: fmt(w.cpuMsPer1k, ' ms'),
                peer: httpFloor[0],
                peerValue: fmt(httpFloor[1].cpuMsPer1k, ' ms'),
                ratio: ratio(w.cpuMsPer1k, httpFloor[1].cpuMsPer1k),
                at: when(d),
              }
            : undefined,
        ),
      ]);
    },
  },
  {
    file: 'probe-vs-blackbox',
    figures: (d: J) =>
      rows([
        {
          area: 'probe agent',
          figure: `HTTP probes/s, concurrency ${fmt(d.setup?.concurrency)}, timeout ${fmt(d.setup?.timeoutMs, ' ms')}`,
          value: fmt(d.ours?.perSec, '/s'),
          peer: `Prometheus ${d.setup?.blackbox ?? 'blackbox exporter'} (/probe)`,
          peerValue: fmt(d.blackbox?.perSec, '/s'),
          ratio: ratio(d.ours?.perSec, d.blackbox?.perSec),
          at: when(d),
        },
        {
          area: 'probe agent',
          figure: 'CPU ms per 1,000 probes',
          value: fmt(d.ours?.cpuMsPer1k, ' ms'),
          peer: `Prometheus ${d.setup?.blackbox ?? 'blackbox exporter'} (exporter process)`,
          peerValue: fmt(d.blackbox?.cpuMsPer1k, ' ms'),
          ratio: ratio(d.ours?.cpuMsPer1k, d.blackbox?.cpuMsPer1k),
          at: when(d),
        },
      ]),
  },
  {
    file: 'route53',
    figures: (d: J) =>
      rows([
        {
          area: 'Route 53',
          figure: `failover of ${fmt(d.records)} records: change calls`,
          value: fmt(d.failover?.change, '', 0),
          peer: 'one call per record (octoDNS-style)',
          peerValue: fmt(d.perRecordPeer?.change, '', 0),
          ratio: ratio(d.failover?.change, d.perRecordPeer?.change),
          target: d.failover?.secondsAt5rps ? `${d.failover.secondsAt5rps} s at 5 req/s` : undefined,
          at: when(d),
        },
        {
          area: 'Route 53',
          figure: 'steady-state reconcile: list calls (writes)',
          value: `${fmt(d.steady?.list, '', 0)} (${fmt(d.steady?.change, '', 0)} writes)`,
          peer: 'floor: pages of the zone',
          peerValue: fmt(d.steady?.listFloor, '', 0),
          ratio: ratio(d.steady?.list, d.steady?.listFloor),
          target: '0 writes',
          at: when(d),
        },
      ]),
  },
  {
    file: 'cloudflare',
    figures: (d: J) =>
      rows([
        {
          area: 'Cloudflare',
          figure: `failover of ${fmt(d.names)} names: write calls`,
          value: fmt(d.failover?.writeCalls, '', 0),
          peer: 'one call per record (octoDNS-style)',
          peerValue: fmt(d.peerOneCallPerRecord?.writeCalls, '', 0),
          ratio: ratio(d.failover?.writeCalls, d.peerOneCallPerRecord?.writeCalls),
          at: when(d),
        },
        {
          area: 'Cloudflare',
          figure: 'record listing: list calls',
          value: fmt(d.pagination?.oursListCalls, '', 0),
          peer: 'SDK auto-pagination',
          peerValue: fmt(d.pagination?.sdkAutoPaginationListCalls, '', 0),
          ratio: ratio(d.pagination?.oursListCalls, d.pagination?.sdkAutoPaginationListCalls),
          at: when(d),
        },
        {
          area: 'Cloudflare',
          figure: 'steady-state reconcile: requests (writes)',
          value: `${fmt(d.steadyState?.requests, '', 0)} (${fmt(d.steadyState?.writes, '', 0)} writes)`,
          peer: 'floor: one list call',
          peerValue: '1',
          ratio: ratio(d.steadyState?.requests, 1),
          target: '0 writes',
          at: when(d),
        },
      ]),
  },
  {
    file: 'failover',
    figures: (d: J) =>
      rows([
        {
          area: 'failover (loopback demo)',
          figure: `fault → DNS answer moved, p50 of ${fmt(d.setup?.trials, '', 0)}`,
          value: fmt(d.failover?.p50Ms, ' ms'),
          peer: 'floor: fall × interval',
          peerValue: fmt(d.failover?.floorMs, ' ms'),
          ratio: ratio(d.failover?.p50Ms, d.failover?.floorMs),
          target: met(d.failover?.pass, 'p50 <= 3 s, max <= 4 s'),
          at: when(d),
        },
        {
          area: 'failover (loopback demo)',
          figure: 'fault → DNS answer moved, max',
          value: fmt(d.failover?.maxMs, ' ms'),
          peer: 'target',
          peerValue: fmt(d.failover?.target?.maxMs, ' ms'),
          ratio: ratio(d.failover?.maxMs, d.failover?.target?.maxMs),
          at: when(d),
        },
        {
          area: 'failover (loopback demo)',
          figure: "controller's share (report → visible), p99",
          value: fmt(d.controllerShare?.p99Ms, ' ms'),
          peer: 'target',
          peerValue: fmt(d.controllerShare?.target?.p99Ms, ' ms'),
          ratio: ratio(d.controllerShare?.p99Ms, d.controllerShare?.target?.p99Ms),
          target: met(d.controllerShare?.pass, `p99 <= ${fmt(d.controllerShare?.target?.p99Ms, ' ms')}`),
          at: when(d),
        },
      ]),
  },
  {
    file: 'ha',
    figures: (d: J) =>
      rows(
        ((d.results ?? []) as J[]).map((r) => ({
          area: 'HA (etcd)',
          figure: `leader hand-over, lease ${fmt(r.leaseTtlMs, ' ms')}, p50 of ${fmt(r.trials, '', 0)}`,
          value: fmt(r.handoverMs?.p50, ' ms'),
          peer: 'floor: a bare etcd lease of the same TTL expiring',
          peerValue: fmt(r.floorLeaseExpiryMs?.p50, ' ms'),
          ratio: ratio(r.handoverMs?.p50, r.floorLeaseExpiryMs?.p50),
          target: met(r.meetsTarget, `<= ${fmt(r.targetMs, ' ms')}`),
          at: when(d),
        })),
      ),
  },
  {
    file: 'chaos',
    figures: (d: J) => {
      const h = d.settings?.health ?? {};
      const detectFloor = (Number.parseFloat(h.interval ?? '1') || 1) * 1000 * (num(h.fall) ?? 2);
      const scen = (id: string) => ((d.scenarios ?? []) as J[]).find((s) => s.id === id);
      const zero = ['3', '3b', '4', '4b', '8']
        .map(scen)
        .filter(Boolean)
        .map((s: J) => ({
          area: 'chaos (namespaces)',
          figure: `scenario ${s.id}: ${s.scenario} — DNS changes`,
          value: s.result === 'skipped' ? '—' : fmt(s.figures?.applies ?? Number.NaN, '', 0),
          peer: 'target',
          peerValue: '0',
          ratio: '—',
          target: met(s.target?.met, 'zero false failovers'),
          at: when(d),
        }));
      const s7 = scen('7');
      const s9 = scen('9');
      return rows([
        {
          area: 'chaos (namespaces)',
          figure: `failover seen by a client's dig, p50 of ${fmt(d.failover?.samplesMs?.length, '', 0)} (${(d.failover?.faults ?? []).join(', ')})`,
          value: fmt(d.failover?.p50Ms, ' ms'),
          peer: `floor: fall × interval (${h.fall ?? 2} × ${h.interval ?? '1s'})`,
          peerValue: fmt(detectFloor, ' ms'),
          ratio: ratio(d.failover?.p50Ms, detectFloor),
          target: met(
            num(d.failover?.p50Ms) === undefined ? undefined : d.failover.p50Ms <= 3000,
            'p50 <= 3 s',
          ),
          at: when(d),
        },
        {
          area: 'chaos (namespaces)',
          figure: 'failover seen by a client, max',
          value: fmt(d.failover?.maxMs, ' ms'),
          peer: 'target',
          peerValue: '4,000 ms',
          ratio: ratio(d.failover?.maxMs, 4000),
          target: met(
            num(d.failover?.maxMs) === undefined ? undefined : d.failover.maxMs <= 4000,
            'max <= 4 s',
          ),
          at: when(d),
        },
        {
          area: 'chaos (namespaces)',
          figure: 'failback after the backend returned, min',
          value: fmt(d.failback?.samplesMs ? Math.min(...d.failback.samplesMs) : undefined, ' ms'),
          peer: 'floor: failbackAfter',
          peerValue: fmt(d.failback?.failbackAfterMs, ' ms'),
          ratio: ratio(
            d.failback?.samplesMs ? Math.min(...d.failback.samplesMs) : undefined,
            d.failback?.failbackAfterMs,
          ),
          target: 'never before failbackAfter',
          at: when(d),
        },
        ...zero,
        s7
          ? {
              area: 'chaos (namespaces)',
              figure: 'scenario 7: controller SIGKILLed mid-failover — events lost',
              value: fmt(s7.figures?.eventsLost ?? Number.NaN, '', 0),
              peer: 'target',
              peerValue: '0',
              ratio: '—',
              target: met(s7.target?.met, 'nothing lost'),
              at: when(d),
            }
          : undefined,
        s9 && s9.result !== 'skipped'
          ? {
              area: 'chaos (namespaces)',
              figure: 'scenario 9: HA leader partitioned — takeover',
              value: fmt(s9.figures?.takeoverMs, ' ms'),
              peer: 'writes by the old leader',
              peerValue: fmt(s9.figures?.oldLeaderSharedWrites, '', 0),
              ratio: '—',
              target: met(s9.target?.met, 'no double write'),
              at: when(d),
            }
          : undefined,
      ]);
    },
  },
  {
    file: 'steering',
    figures: (d: J) => {
      const f = d.figures ?? {};
      const s = d.settings ?? {};
      const area = `latency steering (namespaces, ${d.mechanism === 'netem' ? 'tc netem' : 'delay proxy'})`;
      return rows([
        {
          area,
          figure: `lasting delay change → moved answer (margin ${s.marginMs} ms, hold ${s.holdS} s, probes every ${s.intervalS} s)`,
          value: fmt(f.delayChangeToAnswerMs, ' ms'),
          peer: `floor: samples for the smoothed times to cross the margin (${fmt(f.crossingSamples, '', 0)} × ${s.intervalS} s) + hold`,
          peerValue: fmt(f.floorMs, ' ms'),
          ratio: ratio(f.delayChangeToAnswerMs, f.floorMs),
          target: met(f.movedOnce, 'moves exactly once'),
          at: when(d),
        },
        {
          area,
          figure: `answer changes in ${s.jitterS} s of ±${s.jitterMs} ms jitter on every path`,
          value: fmt(f.jitterAnswerChanges, '', 0),
          peer: 'target',
          peerValue: '0',
          ratio: '—',
          target: met(
            num(f.jitterAnswerChanges) === undefined ? undefined : f.jitterAnswerChanges === 0,
            'no move',
          ),
          at: when(d),
        },
        {
          area,
          figure: 'failing region → its geographies on their next fastest region',
          value: fmt(f.failoverMs, ' ms'),
          peer: 'floor: fall × interval (2 × 1 s)',
          peerValue: '2,000 ms',
          ratio: ratio(f.failoverMs, 2000),
          target: met(num(f.failoverMs) === undefined ? undefined : f.failoverMs <= 4000, 'max <= 4 s'),
          at: when(d),
        },
      ]);
    },
  },
];
