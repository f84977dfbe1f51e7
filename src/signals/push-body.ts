// Reads the body of PUT /v1/signals/NAME: {state: "down"|"up", reason, expiresIn} where expiresIn is
// a duration ("10m") or milliseconds, at least 1 s and at most the signal's maxExpiresIn (also its
// default). Anything else is refused whole with one reason. Pure.
import { parseDuration } from '../config/index.ts';
import { SignalInputError } from './errors.ts';

export const MAX_PUSH_BYTES = 16 * 1024;
export const MAX_REASON = 500;
const MIN_EXPIRES_MS = 1000;

export interface PushBody {
  state: 'up' | 'down';
  reason: string;
  expiresInMs: number;
}

const KEYS = new Set(['state', 'reason', 'expiresIn']);

function bad(message: string): SignalInputError {
  return new SignalInputError('bad-payload', message);
}

export function parsePushBody(body: string, maxExpiresInMs: number): PushBody {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new SignalInputError('malformed-json', 'the body is not valid JSON');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw bad('the body must be a JSON object: {"state": "down", "reason": "...", "expiresIn": "10m"}');
  const b = doc as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !KEYS.has(k));
  if (unknown.length > 0)
    throw bad(
      `unknown key${unknown.length > 1 ? 's' : ''} ${unknown
        .slice(0, 5)
        .map((k) => `"${k.slice(0, 40)}"`)
        .join(', ')}; a push takes state, reason and expiresIn`,
    );
  if (b.state !== 'up' && b.state !== 'down') throw bad('"state" must be "down" or "up"');
  if (typeof b.reason !== 'string' || b.reason.trim() === '') throw bad('a push needs a "reason" (string)');
  if (b.reason.length > MAX_REASON)
    throw bad(`"reason" is ${b.reason.length} characters, over ${MAX_REASON}`);
  let ms: number;
  if (b.expiresIn === undefined) ms = maxExpiresInMs;
  else if (typeof b.expiresIn === 'number' && Number.isFinite(b.expiresIn)) ms = Math.round(b.expiresIn);
  else if (typeof b.expiresIn === 'string' && b.expiresIn.length <= 20) {
    const d = parseDuration(b.expiresIn);
    if (d === undefined)
      throw bad(`"expiresIn" must be a duration such as 10m, or milliseconds; got "${b.expiresIn}"`);
    ms = d;
  } else throw bad('"expiresIn" must be a duration such as 10m, or milliseconds');
  if (ms < MIN_EXPIRES_MS || ms > maxExpiresInMs)
    throw bad(
      `"expiresIn" must be from ${MIN_EXPIRES_MS} ms (1s) to ${maxExpiresInMs} ms (this signal's maxExpiresIn); got ${ms} ms`,
    );
  return { state: b.state, reason: b.reason.trim(), expiresInMs: ms };
}
