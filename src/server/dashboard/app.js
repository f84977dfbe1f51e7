// geofailover dashboard client: polls /v1/status and /v1/events (incrementally) and redraws the
// regions, the health matrix, the published answers and an SVG timeline. No request leaves the
// controller; every value is inserted as text (never as HTML).
(() => {
  const REFRESH_MS = 2000;
  const WINDOW_MS = 3 * 3600 * 1000;
  const TIMELINE_TYPES =
    'region-transition,apply,drain,undrain,override,override-lifted,maintenance-start,maintenance-end,controller-started,leader-elected,leadership-lost,leader-changed';
  const LEADERSHIP = ['leader-elected', 'leadership-lost', 'leader-changed'];
  const $ = (id) => document.getElementById(id);
  const NS = 'http://www.w3.org/2000/svg';
  let paused = false;
  let lastSeq = 0;
  const events = [];

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null && v !== false) e.setAttribute(k, String(v));
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  function svg(tag, attrs, ...children) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  function ago(iso) {
    if (!iso) return '';
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 120) return `${s}s ago`;
    if (s < 7200) return `${Math.round(s / 60)}m ago`;
    return `${Math.round(s / 3600)}h ago`;
  }
  function time(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function renderRegions(s) {
    const box = $('regions');
    box.replaceChildren(
      ...s.regions.map((r) => {
        const up = r.endpoints.filter((e) => e.state === 'up').length;
        const notes = [];
        if (!r.decided) notes.push('undecided: waiting for fresh reports');
        if (r.drain)
          notes.push(
            `drained by ${r.drain.author}: ${r.drain.reason}${r.drain.until ? ` (until ${new Date(r.drain.until).toLocaleString()})` : ''}`,
          );
        if (r.maintenance)
          notes.push(
            `in maintenance (${r.maintenance.window}) until ${new Date(r.maintenance.end).toLocaleString()}: ${r.maintenance.reason}`,
          );
        if (r.override)
          notes.push(
            `FORCED UP by ${r.override.author} until ${new Date(r.override.until).toLocaleString()}: ${r.override.reason}${r.status === 'drained' ? ' (no effect while drained)' : ''}`,
          );
        if (r.holdingFailback)
          notes.push(`recovered; failback at ${r.failbackAt ? time(Date.parse(r.failbackAt)) : '?'}`);
        if (r.ramp)
          notes.push(
            `failback ramp step ${r.ramp.step}/${r.ramp.steps} (${r.ramp.percent}%), next at ${time(Date.parse(r.ramp.nextAt))}`,
          );
        if (r.reason && !r.drain && !r.maintenance && !r.override) notes.push(r.reason);
        return el(
          'article',
          {
            class: `region ${r.status}${r.override ? ' forced' : ''}`,
            'data-region': r.id,
            'data-override': r.override ? 'up' : undefined,
            'data-maintenance': r.maintenance ? r.maintenance.window : undefined,
            'aria-label': `region ${r.id} ${r.status}`,
          },
          el('h3', {}, r.id, el('span', { class: `state ${r.status}` }, r.status.toUpperCase())),
          el(
            'p',
            {},
            `since ${r.since ? `${time(Date.parse(r.since))} (${ago(r.since)})` : '—'} · endpoints up ${up}/${r.endpoints.length}`,
          ),
          ...notes.map((n) => el('p', {}, n)),
        );
      }),
    );
  }

  function renderMatrix(s) {
    const probers = s.probers.map((p) => p);
    const head = el(
      'tr',
      {},
      el('th', { scope: 'col' }, 'endpoint'),
      el('th', { scope: 'col' }, 'region'),
      el('th', { scope: 'col' }, 'decision'),
      ...probers.map((p) =>
        el(
          'th',
          {
            scope: 'col',
            'data-prober': p.id,
            class: p.rejected?.current ? 'rejected' : undefined,
            title: p.rejected ? `${p.rejected.what}: ${p.rejected.detail}` : undefined,
          },
          `${p.id}${p.impaired ? ' (impaired)' : ''}${p.fresh ? '' : ' (stale)'}${p.rejected?.current ? ' (rejected)' : ''}`,
        ),
      ),
    );
    const rows = s.regions.flatMap((r) =>
      r.endpoints.map((e) =>
        el(
          'tr',
          { 'data-endpoint': e.id },
          el('th', { scope: 'row' }, `${e.id} (${e.address})`),
          el('td', {}, r.id),
          el('td', { class: `vote ${e.state}` }, e.state === 'unknown' ? '?' : e.state.toUpperCase()),
          ...probers.map((p) => {
            const v = e.votes.find((x) => x.prober === p.id);
            if (!v) return el('td', { class: 'vote unknown' }, '–');
            const cls = ['vote', v.vote, v.fresh ? '' : 'stale', v.impaired ? 'impaired' : '']
              .join(' ')
              .trim();
            const label = `${v.vote === 'unknown' ? '?' : v.vote.toUpperCase()}${v.fresh ? '' : ' stale'}${v.impaired ? ' impaired' : ''}`;
            return el('td', { class: cls, 'data-prober': p.id, title: v.detail || '' }, label);
          }),
        ),
      ),
    );
    $('matrix').replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
    // Refused reports per prober: a stale column says nothing about why; this says which agent is
    // misconfigured and what fixes it.
    const rejected = probers.filter((p) => p.rejected);
    const strangers = s.unknownProbers || [];
    $('rejections').hidden = rejected.length === 0 && strangers.length === 0;
    $('rejections').replaceChildren(
      ...rejected.map((p) =>
        el(
          'p',
          { 'data-rejected': p.id, class: p.rejected.current ? 'error' : 'muted' },
          `${p.id}: ${p.rejected.count} report${p.rejected.count === 1 ? '' : 's'} rejected, last ${ago(p.rejected.lastAt)}: ${p.rejected.what}${p.rejected.current ? ` — ${p.rejected.remedy}` : p.rejected.streak ? ' (nothing received since)' : ' (accepted since)'}`,
        ),
      ),
      ...strangers.map((u) =>
        el(
          'p',
          { 'data-rejected': u.name, class: 'error' },
          `"${u.name}" (not a configured prober): ${u.count} report${u.count === 1 ? '' : 's'} rejected, last ${ago(u.lastAt)}`,
        ),
      ),
    );
  }

  function renderRecords(s) {
    $('records').replaceChildren(
      ...s.zones.map((z) => {
        const last = z.lastReconcile;
        // Each (zone, provider) has its own table: with provider redundancy, each provider's state
        // (its error message is printed under the table).
        const state = z.failing
          ? ` · FAILING since ${ago(z.failing.since)} (${z.failing.attempts} attempt${z.failing.attempts === 1 ? '' : 's'})`
          : '';
        const caption = `${z.zone} · ${z.provider} (${z.providerKind})${last ? ` · last reconcile ${ago(last.at)}: ${last.result}, ${last.changes} change(s)` : ''}${state}`;
        const rows = z.records.map((r) => {
          const where =
            r.geo === undefined ? '' : r.geo === 'default' ? 'default' : Object.values(r.geo).join('-');
          return el(
            'tr',
            { 'data-record': `${r.name} ${r.type}${r.setId ? ` ${r.setId}` : ''}` },
            el('td', {}, r.name),
            el('td', {}, r.type),
            el('td', {}, r.setId || '—'),
            el('td', {}, r.weight === undefined ? '—' : String(r.weight)),
            el('td', {}, where || '—'),
            el('td', {}, String(r.ttl)),
            el('td', { class: 'answer' }, r.values.join(', ')),
          );
        });
        return el(
          'div',
          {
            class: `scroll${z.failing ? ' failing' : ''}`,
            'data-zone': z.zone,
            'data-provider': z.provider,
          },
          el(
            'table',
            {},
            el('caption', { class: 'cap' }, caption),
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                ...['name', 'type', 'set', 'weight', 'geo', 'ttl', 'answer'].map((h) =>
                  el('th', { scope: 'col' }, h),
                ),
              ),
            ),
            el('tbody', {}, ...rows),
          ),
          z.error ? el('p', { class: 'error' }, `error: ${z.error.message}`) : '',
        );
      }),
    );
  }

  function renderTimeline(s) {
    const now = Date.now();
    const first = events.length ? Date.parse(events[0].at) : now;
    // From the first event we know of (at least two minutes back), at most the last three hours.
    const start = Math.max(now - WINDOW_MS, Math.min(first, now - 2 * 60 * 1000));
    const width = Math.max(600, Math.min(1400, document.body.clientWidth - 40));
    const left = 90;
    const rowH = 26;
    const regions = s.regions.map((r) => r.id);
    const leadership = events.filter((e) => LEADERSHIP.includes(e.type) && Date.parse(e.at) >= start);
    const height = 30 + regions.length * rowH + 40 + (leadership.length ? rowH : 0);
    const x = (t) => left + ((t - start) / (now - start)) * (width - left - 10);
    const root = $('timeline');
    const title = root.querySelector('title');
    root.replaceChildren(title);
    root.setAttribute('width', String(width));
    root.setAttribute('height', String(height));
    root.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const defs = svg('defs', {});
    defs.append(
      svg(
        'pattern',
        { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
        svg('rect', { width: 6, height: 6, fill: 'var(--down)' }),
        svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: 'var(--bg)', 'stroke-width': 2 }),
      ),
      svg(
        'pattern',
        { id: 'dots', width: 5, height: 5, patternUnits: 'userSpaceOnUse' },
        svg('rect', { width: 5, height: 5, fill: 'var(--drained)' }),
        svg('circle', { cx: 2.5, cy: 2.5, r: 1, fill: 'var(--bg)' }),
      ),
    );
    root.append(defs);
    const fill = { up: 'var(--up)', down: 'url(#hatch)', drained: 'url(#dots)' };
    regions.forEach((id, i) => {
      const y = 20 + i * rowH;
      root.append(svg('text', { x: 4, y: y + 15 }, id));
      const trans = events.filter((e) => e.type === 'region-transition' && e.region === id);
      const current = s.regions.find((r) => r.id === id);
      const segs = [];
      let state = trans.length ? trans[0].from : current ? current.status : 'unknown';
      let t0 = start;
      for (const e of trans) {
        const t = Date.parse(e.at_engine || e.at);
        if (t > t0) segs.push([t0, t, state]);
        t0 = Math.max(t0, t);
        state = e.to;
      }
      segs.push([t0, now, current ? current.status : state]);
      for (const [a, b, st] of segs) {
        if (b <= start) continue;
        const xa = x(Math.max(a, start));
        const w = Math.max(1, x(b) - xa);
        root.append(
          svg(
            'rect',
            {
              class: `band ${st}`,
              'data-region': id,
              'data-state': st,
              x: xa,
              y,
              width: w,
              height: rowH - 8,
              fill: fill[st] || 'var(--line)',
              opacity: st === 'up' ? 0.75 : 1,
            },
            svg('title', {}, `${id} ${String(st).toUpperCase()} from ${time(a)} to ${time(b)}`),
          ),
        );
      }
    });
    const axisY = 20 + regions.length * rowH + 4;
    root.append(svg('line', { class: 'axis', x1: left, y1: axisY, x2: width - 10, y2: axisY }));
    for (let k = 0; k <= 4; k++) {
      const t = start + ((now - start) * k) / 4;
      root.append(
        svg('text', { x: Math.min(Math.max(x(t) - 25, left - 20), width - 70), y: axisY + 28 }, time(t)),
      );
    }
    if (leadership.length) {
      const y = axisY + 40;
      root.append(svg('text', { x: 4, y: y + 4 }, 'leader'));
      for (const e of leadership) {
        const t = Date.parse(e.at);
        const who = e.type === 'leader-changed' ? `${e.from || '?'} -> ${e.to || '(none)'}` : e.replica;
        const label = `${e.type} at ${time(t)}: ${who}${e.reason ? ` (${e.reason})` : ''}`;
        root.append(
          svg(
            'path',
            {
              class: `mark leadership ${e.type}`,
              tabindex: 0,
              role: 'img',
              'aria-label': label,
              d: `M ${x(t)} ${y - 6} L ${x(t) + 6} ${y} L ${x(t)} ${y + 6} L ${x(t) - 6} ${y} Z`,
              fill: e.type === 'leadership-lost' ? 'var(--down)' : 'var(--fg)',
            },
            svg('title', {}, label),
          ),
        );
      }
    }
    for (const e of events.filter((ev) => ev.type === 'apply' && Date.parse(ev.at) >= start)) {
      const t = Date.parse(e.at);
      const vis = (e.visible || [])
        .map((v) => `${v.nameserver}: ${v.visibleMs === null ? 'not visible' : `${v.visibleMs} ms`}`)
        .join('; ');
      const changes = (e.changes || [])
        .map((c) => `${c.kind} ${c.name}${c.setId ? ` ${c.setId}` : ''}`)
        .join(', ');
      const label = `DNS change at ${time(t)} in ${e.zone}${e.provider ? ` (${e.provider})` : ''}: ${changes}${vis ? ` · visible ${vis}` : ''}`;
      root.append(
        svg(
          'path',
          {
            class: 'mark',
            tabindex: 0,
            role: 'img',
            'aria-label': label,
            d: `M ${x(t) - 6} ${axisY + 2} L ${x(t) + 6} ${axisY + 2} L ${x(t)} ${axisY + 12} Z`,
            fill: 'var(--fg)',
          },
          svg('title', {}, label),
        ),
      );
    }
  }

  function render(s) {
    $('meta').textContent =
      `owner ${s.owner} · ${s.replica} · ${s.role}${s.leader ? ` (leader ${s.leader})` : ''} · mode ${s.mode} · probers fresh ${s.freshProbers}/${s.probers.length}`;
    const fs = $('failstatic');
    fs.hidden = !s.failStatic;
    fs.textContent = s.failStatic ? `FAIL STATIC — ${s.failStaticReason || 'too few fresh probers'}` : '';
    renderRegions(s);
    renderMatrix(s);
    renderRecords(s);
    renderTimeline(s);
    // Problems stay on screen until they clear (a provider that cannot write, a refused plan, ...).
    const problems = (s.problems || []).filter((p) => p.kind !== 'fail-static');
    $('problems').hidden = problems.length === 0;
    $('problems').replaceChildren(
      ...problems.map((p) => el('div', {}, `${p.kind.toUpperCase()} since ${p.since}: ${p.message}`)),
    );
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
                `${w.region}: ${new Date(w.start).toLocaleString()} – ${new Date(w.end).toLocaleString()} · ${w.reason} (${w.window})`,
              ),
            )
        : ['none scheduled']),
    );
    $('errors').replaceChildren(
      ...(s.errors.length
        ? s.errors
            .slice(-10)
            .map((e) => el('div', { class: 'error' }, `${e.at} ${e.zone || ''} ${e.message}`))
        : ['none']),
    );
    $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  }

  async function refresh() {
    try {
      const ev = await fetch(`v1/events?type=${TIMELINE_TYPES}&since=${lastSeq}&limit=5000`, {
        cache: 'no-store',
      });
      if (ev.ok) {
        const doc = await ev.json();
        for (const e of doc.events) {
          events.push(e);
          lastSeq = Math.max(lastSeq, e.seq);
        }
        if (events.length > 20000) events.splice(0, events.length - 20000);
      }
      const res = await fetch('v1/status', { cache: 'no-store' });
      if (!res.ok) throw new Error(`status ${res.status}`);
      render(await res.json());
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
  refresh();
  setInterval(() => {
    if (!paused && !document.hidden) refresh();
  }, REFRESH_MS);
})();
