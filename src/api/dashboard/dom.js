// Dashboard client helpers: build elements from text only (never HTML), and say times the way a person
// reads them (local clock time, "12s ago", "in 8 s").
const NS = 'http://www.w3.org/2000/svg';

export const $ = (id) => document.getElementById(id);

function fill(e, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false || c === '') continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null && v !== false) e.setAttribute(k, String(v));
  }
  return fill(e, children);
}

export function svg(tag, attrs, ...children) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  }
  return fill(e, children);
}

export function time(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

export function ago(iso) {
  if (!iso) return '';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  return `${Math.round(s / 3600)}h ago`;
}

/** "8 s", "2 min 5 s": how long until an ISO time (0 s once it has passed). */
export function until(iso) {
  const s = Math.max(0, Math.ceil((Date.parse(iso) - Date.now()) / 1000));
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
}

/** An element whose text counts down to `iso`; tick() keeps every one of them current. */
export function countdown(iso) {
  return el('span', { class: 'countdown', 'data-until': iso }, until(iso));
}

export function tickCountdowns() {
  for (const e of document.querySelectorAll('[data-until]')) e.textContent = until(e.dataset.until);
}

/** Upper-case label for a region phase or route state. */
export function stateWord(s) {
  return String(s || 'unknown')
    .replace('-', ' ')
    .toUpperCase();
}
