// Reads Alertmanager's webhook payload (version "4": {version, groupKey, status, receiver,
// groupLabels, commonLabels, commonAnnotations, externalURL, alerts: [{status, labels, annotations,
// startsAt, endsAt, generatorURL, fingerprint}]}) into bounded alerts, or refuses it whole with one
// reason: nothing of a payload with one bad alert is applied. Pure.
import { createHash } from 'node:crypto';
import type { SignalAlert } from '../health/index.ts';
import { SignalInputError } from './errors.ts';

/** The body size the webhook route accepts. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;
/** Alerts in one payload (Alertmanager's max_alerts caps a group's; it defaults to all of them). */
export const MAX_ALERTS = 1000;
export const MAX_LABELS = 64;
export const MAX_LABEL_VALUE = 1024;
const SUMMARY_CHARS = 300;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function bad(message: string): SignalInputError {
  return new SignalInputError('bad-payload', message);
}

function labelsOf(v: unknown, where: string): Record<string, string> {
  if (!isObj(v)) throw bad(`${where}.labels must be an object of label names to strings`);
  const entries = Object.entries(v);
  if (entries.length > MAX_LABELS)
    throw bad(`${where}.labels has ${entries.length} labels, over ${MAX_LABELS}`);
  // No prototype: a label called constructor or toString is only data.
  const out: Record<string, string> = Object.create(null);
  for (const [k, val] of entries) {
    if (!LABEL_NAME.test(k)) throw bad(`${where}.labels: "${k.slice(0, 40)}" is not a label name`);
    // Names starting with __ are reserved for Prometheus itself; Alertmanager never sends them.
    if (k.startsWith('__')) throw bad(`${where}.labels: "${k.slice(0, 40)}" is a reserved label name`);
    if (typeof val !== 'string') throw bad(`${where}.labels.${k} must be a string`);
    if (val.length > MAX_LABEL_VALUE)
      throw bad(`${where}.labels.${k} is ${val.length} characters, over ${MAX_LABEL_VALUE}`);
    out[k] = val;
  }
  return out;
}

/** Epoch ms of an RFC 3339 time; Alertmanager's zero time (year 1) and absent mean "not said". */
function timeOf(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > 64) throw bad(`${where} must be an RFC 3339 time`);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw bad(`${where} must be an RFC 3339 time, not "${v.slice(0, 40)}"`);
  return t <= 0 ? undefined : t;
}

/** The same alert's identity as Alertmanager would give it when a sender leaves the fingerprint out. */
function fingerprintOf(labels: Record<string, string>): string {
  const text = Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function alertOf(v: unknown, i: number): SignalAlert {
  const where = `alerts[${i}]`;
  if (!isObj(v)) throw bad(`${where} must be an object`);
  if (v.status !== 'firing' && v.status !== 'resolved')
    throw bad(`${where}.status must be "firing" or "resolved"`);
  const labels = labelsOf(v.labels, where);
  let fingerprint: string;
  if (v.fingerprint === undefined) fingerprint = fingerprintOf(labels);
  else if (typeof v.fingerprint === 'string' && /^[0-9a-zA-Z]{1,64}$/.test(v.fingerprint))
    fingerprint = v.fingerprint;
  else throw bad(`${where}.fingerprint must be up to 64 letters and digits`);
  const startsAt = timeOf(v.startsAt, `${where}.startsAt`);
  timeOf(v.endsAt, `${where}.endsAt`);
  const notes = isObj(v.annotations) ? v.annotations : {};
  const note = [notes.summary, notes.description].find((x) => typeof x === 'string' && x.trim() !== '');
  return {
    fingerprint,
    status: v.status,
    labels,
    ...(startsAt === undefined ? {} : { startsAt }),
    ...(typeof note === 'string' ? { summary: note.trim().slice(0, SUMMARY_CHARS) } : {}),
  };
}

/** The alerts of a webhook body; SignalInputError (malformed-json, bad-payload) otherwise. */
export function parseAlertmanagerPayload(body: string): SignalAlert[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new SignalInputError('malformed-json', 'the body is not valid JSON');
  }
  if (!isObj(doc)) throw bad('the payload must be a JSON object (Alertmanager webhook, version "4")');
  if (doc.version !== '4')
    throw bad(
      `version must be "4" (Alertmanager's webhook payload), not ${JSON.stringify(doc.version ?? null)?.slice(0, 20)}`,
    );
  if (doc.status !== 'firing' && doc.status !== 'resolved')
    throw bad('status must be "firing" or "resolved"');
  if (!Array.isArray(doc.alerts)) throw bad('alerts must be a list');
  if (doc.alerts.length > MAX_ALERTS)
    throw new SignalInputError(
      'too-large',
      `${doc.alerts.length} alerts in one payload, over ${MAX_ALERTS}; set max_alerts in the webhook_config`,
    );
  return doc.alerts.map(alertOf);
}
