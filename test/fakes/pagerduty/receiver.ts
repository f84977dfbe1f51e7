// A strict local stand-in for the PagerDuty Events API v2 endpoint (POST /v2/enqueue), which cannot
// be reached from tests. It checks each event as PagerDuty documents it and answers like PagerDuty:
// 202 {status: "success", dedup_key} for a valid event, 400 {status: "invalid event", errors} for
// anything else. https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];
const TOP = [
  'routing_key',
  'event_action',
  'dedup_key',
  'payload',
  'images',
  'links',
  'client',
  'client_url',
];
const PAYLOAD = [
  'summary',
  'source',
  'severity',
  'timestamp',
  'component',
  'group',
  'class',
  'custom_details',
];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** The problems PagerDuty would name for this body (empty: accepted). */
export function pagerdutyProblems(body: unknown): string[] {
  const errors: string[] = [];
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return ['Event object is invalid'];
  const e = body as Record<string, unknown>;
  for (const k of Object.keys(e)) if (!TOP.includes(k)) errors.push(`'${k}' is not a recognised field`);
  if (typeof e.routing_key !== 'string' || !/^[a-zA-Z0-9]{32}$/.test(e.routing_key))
    errors.push("'routing_key' must be a 32 character integration key");
  if (!ACTIONS.includes(e.event_action as string))
    errors.push("'event_action' must be trigger, acknowledge or resolve");
  if (
    e.dedup_key !== undefined &&
    (typeof e.dedup_key !== 'string' || e.dedup_key.length === 0 || e.dedup_key.length > 255)
  )
    errors.push("'dedup_key' must be a string of at most 255 characters");
  if (e.event_action !== 'trigger') {
    if (e.dedup_key === undefined) errors.push(`'dedup_key' is required for ${String(e.event_action)}`);
    return errors;
  }
  const p = e.payload as Record<string, unknown> | undefined;
  if (p === undefined || p === null || typeof p !== 'object')
    return [...errors, "'payload' is required for trigger"];
  for (const k of Object.keys(p))
    if (!PAYLOAD.includes(k)) errors.push(`'payload.${k}' is not a recognised field`);
  if (typeof p.summary !== 'string' || p.summary.length === 0 || p.summary.length > 1024)
    errors.push("'payload.summary' must be 1 to 1024 characters");
  if (typeof p.source !== 'string' || p.source.length === 0) errors.push("'payload.source' is required");
  if (!SEVERITIES.includes(p.severity as string))
    errors.push("'payload.severity' must be critical, error, warning or info");
  if (p.timestamp !== undefined && (typeof p.timestamp !== 'string' || !ISO.test(p.timestamp)))
    errors.push("'payload.timestamp' must be an ISO 8601 time");
  for (const k of ['component', 'group', 'class'])
    if (p[k] !== undefined && typeof p[k] !== 'string') errors.push(`'payload.${k}' must be a string`);
  if (p.custom_details !== undefined && (typeof p.custom_details !== 'object' || p.custom_details === null))
    errors.push("'payload.custom_details' must be an object");
  return errors;
}

export interface PagerdutyReceiver {
  url: string;
  accepted: Record<string, unknown>[];
  rejected: { body: string; errors: string[] }[];
  close(): Promise<void>;
}

export async function pagerdutyReceiver(): Promise<PagerdutyReceiver> {
  const accepted: Record<string, unknown>[] = [];
  const rejected: { body: string; errors: string[] }[] = [];
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => {
      const answer = (status: number, doc: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
      };
      if (req.method !== 'POST' || req.url !== '/v2/enqueue') return answer(404, { status: 'not found' });
      let errors: string[];
      let body: unknown;
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
        errors = ['Content-Type must be application/json'];
      else {
        try {
          body = JSON.parse(data);
          errors = pagerdutyProblems(body);
        } catch {
          errors = ['Malformed JSON'];
        }
      }
      if (errors.length > 0) {
        rejected.push({ body: data, errors });
        return answer(400, { status: 'invalid event', message: 'Event object is invalid', errors });
      }
      const e = body as Record<string, unknown>;
      accepted.push(e);
      answer(202, { status: 'success', message: 'Event processed', dedup_key: e.dedup_key ?? 'generated' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/enqueue`,
    accepted,
    rejected,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
