// geofailover dashboard client, the entry point: polls /v1/status and /v1/timeline and redraws who
// serves whom, the regions, the matrix, the published records and the timeline. No request leaves the
// controller; every value is inserted as text (never as HTML).
import { $, el, tickCountdowns, when } from './dom.js';
import { renderRegions } from './regions.js';
import { renderRoutes } from './routes.js';
import { renderSignals } from './signals.js';
import { renderMatrix, renderRecords } from './tables.js';
import { renderTimeline } from './timeline.js';

const REFRESH_MS = 2000;
let paused = false;
let last = { status: undefined, timeline: undefined };

function drawTimeline() {
  if (last.status && last.timeline)
    renderTimeline(
      last.timeline,
      last.status.regions.map((r) => r.id),
    );
}

function render(s) {
  $('meta').textContent =
    `owner ${s.owner} · ${s.replica} · ${s.role}${s.leader ? ` (leader ${s.leader})` : ''} · mode ${s.mode} · probers fresh ${s.freshProbers}/${s.probers.length}`;
  const fs = $('failstatic');
  fs.hidden = !s.failStatic;
  // The controller's reason already says that DNS is held as it is.
  fs.textContent = s.failStatic
    ? `FAIL STATIC — ${s.failStaticReason || 'too few fresh probers; DNS is held as it is'}`
    : '';
  // Problems stay on screen until they clear (a provider that cannot write, a refused plan, ...).
  const problems = (s.problems || []).filter((p) => p.kind !== 'fail-static');
  $('problems').hidden = problems.length === 0;
  $('problems').replaceChildren(
    ...problems.map((p) => el('div', {}, `${p.kind.toUpperCase()} since ${p.since}: ${p.message}`)),
  );
  renderRoutes(s);
  renderRegions(s);
  renderSignals(s);
  renderMatrix(s);
  renderRecords(s);
  // Upcoming maintenance windows: when traffic will move away, and why.
  const upcoming = s.maintenance?.upcoming || [];
  $('maintenance').replaceChildren(
    ...(upcoming.length
      ? upcoming
          .slice(0, 10)
          .map((w) =>
            el(
              'div',
              { 'data-window': w.window },
              `${w.region}: ${when(w.start)} – ${when(w.end)} · ${w.reason} (${w.window})`,
            ),
          )
      : ['none scheduled']),
  );
  $('errors').replaceChildren(
    ...(s.errors.length
      ? s.errors.slice(-10).map((e) => el('div', { class: 'error' }, `${e.at} ${e.zone || ''} ${e.message}`))
      : ['none']),
  );
  $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
}

async function json(path) {
  const res = await fetch(path, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${path.split('?')[0]}: ${res.status}`);
  return res.json();
}

async function refresh() {
  try {
    const [status, timeline] = await Promise.all([json('v1/status'), json('v1/timeline')]);
    last = { status, timeline };
    render(status);
    drawTimeline();
    document.body.dataset.loaded = 'true';
  } catch (err) {
    $('updated').textContent = `update failed: ${err.message}`;
  }
}

$('pause').addEventListener('click', () => {
  paused = !paused;
  $('pause').setAttribute('aria-pressed', String(paused));
  $('pause').textContent = paused ? 'Resume updates' : 'Pause updates';
});
window.addEventListener('resize', drawTimeline);
refresh();
setInterval(() => {
  if (!paused && !document.hidden) refresh();
}, REFRESH_MS);
// Countdowns (failback, ramp steps) move every second between refreshes.
setInterval(tickCountdowns, 1000);
