// Bounds text that comes from outside (a provider's error message, an HTTP error body) before it is
// stored or shown: status, events, logs and notifications keep the first part and say it was cut and
// how long the whole was, so a 5 MB error body cannot become a 5 MB status message or log line.
import { GeofailoverError } from './errors.ts';

/** Characters of outside text kept in one message. */
export const ERROR_TEXT_LIMIT = 2000;

// Made on first use: a NumberFormat costs about 10 ms of ICU set-up, paid by every CLI start otherwise.
let grouped: Intl.NumberFormat | undefined;

/** "5,242,880": a count with thousands separators, as the cut notes show it. */
export function groupDigits(n: number): string {
  grouped ??= new Intl.NumberFormat('en-US');
  return grouped.format(n);
}

/**
 * `text` when it fits in `limit` characters, else its first `limit` characters and
 * "… (cut, 5,242,880 characters)". `whole` describes the original when `text` is already only part of
 * it (a body read up to a bound: "more than 65,536 bytes"); the note is then always added.
 */
export function capText(text: string, limit = ERROR_TEXT_LIMIT, whole?: string): string {
  if (text.length <= limit && whole === undefined) return text;
  let end = Math.min(limit, text.length);
  // Never end on the first half of a surrogate pair.
  const last = text.charCodeAt(end - 1);
  if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}… (cut, ${whole ?? `${groupDigits(text.length)} characters`})`;
}

/** An error as an operator reads it (message, then remedy), each part bounded. */
export function describeBounded(err: unknown): string {
  if (err instanceof GeofailoverError) {
    const remedy = err.context.remedy;
    return remedy === undefined
      ? capText(err.message)
      : `${capText(err.message)}\n  remedy: ${capText(remedy)}`;
  }
  if (err instanceof Error) return capText(err.message);
  return capText(String(err));
}

/**
 * An error as a log line carries it (type, bounded message, the first stack frames, the cause's
 * bounded message), in place of the error itself: a logger would copy the whole message twice
 * (message and stack) and every cause's after it.
 */
export function errorForLog(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: capText(String(err)) };
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .slice(0, 15);
  const cause = err.cause;
  return {
    type: err.name,
    message: capText(err.message),
    ...(frames.length > 0
      ? { stack: `${err.name}: ${capText(err.message, 200)}\n${frames.join('\n')}` }
      : {}),
    ...(cause === undefined
      ? {}
      : {
          cause:
            cause instanceof Error
              ? `${cause.name}: ${capText(cause.message, 500)}`
              : capText(String(cause), 500),
        }),
  };
}
