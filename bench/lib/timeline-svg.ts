// Renders a failover timeline (probe votes, region state, DNS answer over time) as a standalone SVG.
// Pure: the chaos suite records the lanes, bench/run-all.ts and the suite both render them with this.

export interface TimelineSpan {
  /** Milliseconds relative to the fault. */
  from: number;
  to: number;
  /** up | down | holding | unknown for votes and state; a region id (or 'several', 'timeout') for DNS. */
  label: string;
}

export interface TimelineLane {
  group: 'votes' | 'region' | 'dns';
  title: string;
  spans: TimelineSpan[];
}

export interface FailoverTimeline {
  title: string;
  /** Wall-clock ms of the fault (t = 0). */
  faultAt: number;
  /** Window shown, ms relative to the fault. */
  start: number;
  end: number;
  /** Vertical markers (fault, client sees failover, restore, failback…). */
  marks: { at: number; label: string }[];
  lanes: TimelineLane[];
}

const STATE_COLOURS: Record<string, string> = {
  up: '#2e9d57',
  down: '#d1453b',
  holding: '#e0a100',
  unknown: '#b8b8b8',
  timeout: '#b8b8b8',
  several: '#7d5ba6',
};
const REGION_COLOURS = ['#2f6db5', '#c0622b', '#3b9a9a', '#8a8a2e'];

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderTimelineSvg(t: FailoverTimeline): string {
  const left = 170;
  const right = 20;
  const width = 960;
  const laneH = 22;
  const gap = 6;
  const top = 70;
  const plotW = width - left - right;
  const span = Math.max(1, t.end - t.start);
  const x = (ms: number) => left + ((Math.min(t.end, Math.max(t.start, ms)) - t.start) / span) * plotW;
  const regionLabels = [
    ...new Set(
      t.lanes
        .filter((l) => l.group === 'dns')
        .flatMap((l) => l.spans.map((s) => s.label))
        .filter((l) => !(l in STATE_COLOURS)),
    ),
  ].sort();
  const colour = (label: string) => {
    if (label in STATE_COLOURS) return STATE_COLOURS[label]!;
    const i = regionLabels.indexOf(label);
    return REGION_COLOURS[i % REGION_COLOURS.length] ?? '#555';
  };

  const parts: string[] = [];
  let y = top;
  let lastGroup = '';
  for (const lane of t.lanes) {
    if (lane.group !== lastGroup && lastGroup !== '') y += 10;
    lastGroup = lane.group;
    parts.push(
      `<text x="${left - 8}" y="${y + laneH / 2 + 4}" text-anchor="end" class="lane">${escapeXml(lane.title)}</text>`,
    );
    parts.push(
      `<rect x="${left}" y="${y}" width="${plotW}" height="${laneH}" fill="#f3f3f3" stroke="#ddd"/>`,
    );
    for (const s of lane.spans) {
      if (s.to <= t.start || s.from >= t.end) continue;
      const x0 = x(s.from);
      const w = Math.max(0.5, x(s.to) - x0);
      parts.push(
        `<rect x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${laneH}" fill="${colour(s.label)}"><title>${escapeXml(
          `${lane.title}: ${s.label} ${(s.from / 1000).toFixed(2)}s → ${(s.to / 1000).toFixed(2)}s`,
        )}</title></rect>`,
      );
      if (w > 46 && lane.group !== 'votes')
        parts.push(
          `<text x="${(x0 + 4).toFixed(1)}" y="${y + laneH / 2 + 4}" class="in">${escapeXml(s.label)}</text>`,
        );
    }
    y += laneH + gap;
  }
  const bottom = y;
  // Time axis, one tick per second (or per 5 s for long windows).
  const step = span > 40_000 ? 5000 : span > 20_000 ? 2000 : 1000;
  const ticks: string[] = [];
  for (let ms = Math.ceil(t.start / step) * step; ms <= t.end; ms += step) {
    const xx = x(ms).toFixed(1);
    ticks.push(`<line x1="${xx}" y1="${top - 4}" x2="${xx}" y2="${bottom}" stroke="#e4e4e4"/>`);
    ticks.push(`<text x="${xx}" y="${bottom + 14}" text-anchor="middle" class="tick">${ms / 1000}s</text>`);
  }
  const marks = t.marks.map((m, i) => {
    const xx = x(m.at).toFixed(1);
    const ly = top - 10 - (i % 2) * 12;
    return `<line x1="${xx}" y1="${ly + 2}" x2="${xx}" y2="${bottom}" stroke="#222" stroke-dasharray="3,3"/><text x="${xx}" y="${ly}" text-anchor="middle" class="mark">${escapeXml(m.label)}</text>`;
  });
  const legendItems = [
    ['up', STATE_COLOURS.up],
    ['down', STATE_COLOURS.down],
    ['holding failback', STATE_COLOURS.holding],
    ['unknown / no answer', STATE_COLOURS.unknown],
    ...regionLabels.map((r) => [`answer: ${r}`, colour(r)]),
  ] as [string, string][];
  let lx = left;
  const legend = legendItems.map(([label, c]) => {
    const s = `<rect x="${lx}" y="${bottom + 26}" width="12" height="12" fill="${c}"/><text x="${lx + 16}" y="${bottom + 36}" class="tick">${escapeXml(label)}</text>`;
    lx += 28 + label.length * 6.5;
    return s;
  });
  const height = bottom + 50;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" role="img">`,
    `<title>${escapeXml(t.title)}</title>`,
    '<style>.lane{font-size:12px;fill:#222}.tick{font-size:11px;fill:#555}.mark{font-size:11px;fill:#222}.in{font-size:11px;fill:#fff}.title{font-size:14px;font-weight:bold;fill:#222}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...t.title
      .split(' — ')
      .map(
        (line, i) =>
          `<text x="10" y="${18 + i * 16}" class="${i === 0 ? 'title' : 'tick'}">${escapeXml(line)}</text>`,
      ),
    ...ticks,
    ...parts,
    ...marks,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}

/**
 * Spans from a list of transitions: `initial` until the first one, then each `to` until the next.
 * Times are relative ms; the last span runs to `end`.
 */
export function spansFrom(
  initial: string,
  transitions: readonly { at: number; to: string }[],
  start: number,
  end: number,
): TimelineSpan[] {
  const out: TimelineSpan[] = [];
  let cur = initial;
  let from = start;
  for (const tr of [...transitions].sort((a, b) => a.at - b.at)) {
    if (tr.at <= start) {
      cur = tr.to;
      continue;
    }
    if (tr.at >= end) break;
    if (tr.to === cur) continue;
    out.push({ from, to: tr.at, label: cur });
    cur = tr.to;
    from = tr.at;
  }
  out.push({ from, to: end, label: cur });
  return out;
}
