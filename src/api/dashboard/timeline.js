// Dashboard: the timeline from GET /v1/timeline. Per region a health band (up, down, recovering in the
// failback hold-down, ramping) with ramp steps and flaps marked, and under it the operator layers
// (drain, maintenance window, override), each starting at its own event; DNS changes and leadership
// hand-overs on their own rows. The drawing is as wide as its box, so a phone needs no sideways scroll.
import { $, svg, time } from './dom.js';

const FILL = {
  up: 'var(--up)',
  down: 'url(#hatch)',
  recovering: 'url(#recov)',
  ramping: 'url(#ramp)',
  unknown: 'var(--line)',
};
const LAYER_FILL = { drain: 'url(#dots)', maintenance: 'url(#stripes)', override: 'none' };
const LAYER_WORD = { drain: 'DRAINED', maintenance: 'MAINTENANCE', override: 'FORCED UP' };

function defs() {
  const pattern = (id, size, rotate, ...shapes) =>
    svg(
      'pattern',
      {
        id,
        width: size,
        height: size,
        patternUnits: 'userSpaceOnUse',
        ...(rotate ? { patternTransform: `rotate(${rotate})` } : {}),
      },
      ...shapes,
    );
  return svg(
    'defs',
    {},
    pattern(
      'hatch',
      6,
      45,
      svg('rect', { width: 6, height: 6, fill: 'var(--down)' }),
      svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: 'var(--bg)', 'stroke-width': 2 }),
    ),
    pattern(
      'recov',
      6,
      0,
      svg('rect', { width: 6, height: 6, fill: 'var(--unknown)' }),
      svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: 'var(--bg)', 'stroke-width': 1.5 }),
    ),
    pattern(
      'ramp',
      6,
      0,
      svg('rect', { width: 6, height: 6, fill: 'var(--up)' }),
      svg('line', { x1: 0, y1: 3, x2: 6, y2: 3, stroke: 'var(--bg)', 'stroke-width': 1.5 }),
    ),
    pattern(
      'dots',
      5,
      0,
      svg('rect', { width: 5, height: 5, fill: 'var(--drained)' }),
      svg('circle', { cx: 2.5, cy: 2.5, r: 1, fill: 'var(--bg)' }),
    ),
    pattern(
      'stripes',
      6,
      -45,
      svg('rect', { width: 6, height: 6, fill: 'var(--drained)' }),
      svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: 'var(--bg)', 'stroke-width': 2 }),
    ),
  );
}

/** A focusable shape that says what it is (keyboard and screen readers get the tooltip's text). */
function labelled(tag, attrs, label) {
  return svg(tag, { ...attrs, tabindex: 0, role: 'img', 'aria-label': label }, svg('title', {}, label));
}

export function renderTimeline(doc, order) {
  const root = $('timeline');
  const width = Math.max(260, Math.floor(root.parentElement.clientWidth));
  const narrow = width < 560;
  const left = narrow ? 62 : 90;
  const right = 8;
  const rowH = 40;
  const start = Date.parse(doc.start);
  const end = Date.parse(doc.end);
  const span = Math.max(1, end - start);
  const x = (iso) => left + ((Date.parse(iso) - start) / span) * (width - left - right);
  const regions = order.map((id) => doc.regions.find((r) => r.id === id)).filter(Boolean);
  const axisY = 8 + regions.length * rowH;
  const dnsY = axisY + 30;
  const leaderY = dnsY + 22;
  const height = leaderY + (doc.leadership.length ? 16 : 0);
  const title = root.querySelector('title');
  root.replaceChildren(title, defs());
  for (const [k, v] of Object.entries({
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    'data-start': doc.start,
    'data-end': doc.end,
    'data-left': left,
    'data-right': width - right,
  }))
    root.setAttribute(k, String(v));
  const span2 = (a, b) => `${time(Date.parse(a))}–${time(Date.parse(b))}`;
  regions.forEach((r, i) => {
    const y = 8 + i * rowH;
    root.append(svg('text', { x: 2, y: y + 13, class: 'label' }, r.id));
    for (const h of r.health) {
      const xa = x(h.from);
      root.append(
        svg(
          'rect',
          {
            class: `band ${h.state}`,
            'data-region': r.id,
            'data-state': h.state,
            'data-from': h.from,
            'data-to': h.to,
            x: xa,
            y,
            width: Math.max(1, x(h.to) - xa),
            height: 16,
            fill: FILL[h.state] || 'var(--line)',
            opacity: h.state === 'up' ? 0.75 : 1,
          },
          svg('title', {}, `${r.id} ${h.state.toUpperCase()} ${span2(h.from, h.to)}`),
        ),
      );
    }
    for (const l of r.layers) {
      const xa = x(l.from);
      const label = `${r.id} ${LAYER_WORD[l.kind]} ${span2(l.from, l.to)}${l.open ? ' (in force)' : ''}: ${l.label}`;
      root.append(
        labelled(
          'rect',
          {
            class: `layer ${l.kind}`,
            'data-region': r.id,
            'data-kind': l.kind,
            'data-from': l.from,
            'data-to': l.to,
            x: xa,
            y: y + 19,
            width: Math.max(2, x(l.to) - xa),
            height: 9,
            fill: LAYER_FILL[l.kind],
            ...(l.kind === 'override'
              ? { stroke: 'var(--fg)', 'stroke-dasharray': '3 2', 'stroke-width': 1.5 }
              : {}),
          },
          label,
        ),
      );
    }
    for (const m of r.marks) {
      const cx = x(m.at);
      const label = `${r.id} ${time(Date.parse(m.at))}: ${m.label}`;
      root.append(
        m.kind === 'ramp'
          ? labelled(
              'circle',
              { class: 'mark ramp', 'data-region': r.id, 'data-at': m.at, cx, cy: y + 8, r: 3.5 },
              label,
            )
          : labelled(
              'path',
              {
                class: 'mark flap',
                'data-region': r.id,
                'data-at': m.at,
                d: `M ${cx - 4} ${y + 4} L ${cx + 4} ${y + 12} M ${cx + 4} ${y + 4} L ${cx - 4} ${y + 12}`,
              },
              label,
            ),
      );
    }
  });
  root.append(svg('line', { class: 'axis', x1: left, y1: axisY, x2: width - right, y2: axisY }));
  const ticks = narrow ? 2 : 4;
  for (let k = 0; k <= ticks; k++) {
    const t = start + (span * k) / ticks;
    const tx = left + ((t - start) / span) * (width - left - right);
    const anchor = k === 0 ? 'start' : k === ticks ? 'end' : 'middle';
    root.append(svg('text', { x: tx, y: axisY + 13, 'text-anchor': anchor }, time(t)));
  }
  root.append(svg('text', { x: 2, y: dnsY + 4, class: 'label' }, 'DNS'));
  for (const d of doc.dns) {
    const cx = x(d.at);
    const label = `DNS change at ${time(Date.parse(d.at))} in ${d.zone}${d.provider ? ` (${d.provider})` : ''}: ${d.label}`;
    root.append(
      labelled(
        'path',
        {
          class: 'mark dns',
          'data-at': d.at,
          d: `M ${cx - 6} ${dnsY - 6} L ${cx + 6} ${dnsY - 6} L ${cx} ${dnsY + 4} Z`,
          fill: 'var(--fg)',
        },
        label,
      ),
    );
  }
  if (doc.leadership.length) {
    root.append(svg('text', { x: 2, y: leaderY + 4, class: 'label' }, 'leader'));
    for (const e of doc.leadership) {
      const cx = x(e.at);
      root.append(
        labelled(
          'path',
          {
            class: `mark leadership ${e.type}`,
            d: `M ${cx} ${leaderY - 6} L ${cx + 6} ${leaderY} L ${cx} ${leaderY + 6} L ${cx - 6} ${leaderY} Z`,
            fill: e.type === 'leadership-lost' ? 'var(--down)' : 'var(--fg)',
          },
          `${e.label} at ${time(Date.parse(e.at))}`,
        ),
      );
    }
  }
}
