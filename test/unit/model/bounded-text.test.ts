// Outside text bounded before it is stored or shown: the cut note, a body already cut on read, no
// half surrogate pair, an error's description with its remedy kept, and the log view of an error.
import { describe, expect, it } from 'vitest';
import {
  capText,
  describeBounded,
  ERROR_TEXT_LIMIT,
  errorForLog,
  ProviderError,
} from '../../../src/model/index.ts';

describe('capText', () => {
  it('leaves text that fits alone', () => {
    expect(capText('short')).toBe('short');
    expect(capText('x'.repeat(ERROR_TEXT_LIMIT))).toBe('x'.repeat(ERROR_TEXT_LIMIT));
  });

  it('keeps the start and says how long the whole was', () => {
    const out = capText('y'.repeat(5 * 1024 * 1024));
    expect(out).toBe(`${'y'.repeat(ERROR_TEXT_LIMIT)}… (cut, 5,242,880 characters)`);
    expect(capText('abcdef', 3)).toBe('abc… (cut, 6 characters)');
  });

  it('says what the whole was when the text is already only its start', () => {
    expect(capText('abc', 10, 'more than 65,536 bytes')).toBe('abc… (cut, more than 65,536 bytes)');
  });

  it('never ends on half a surrogate pair', () => {
    const out = capText(`ab${'😀'.repeat(10)}`, 3);
    expect(out.startsWith('ab…')).toBe(true);
    expect(out).not.toMatch(/[\uD800-\uDBFF]…/);
  });
});

describe('errors bounded for status and logs', () => {
  const huge = new ProviderError(`provider p: failed: ${'z'.repeat(1_000_000)}`, {
    provider: 'p',
    remedy: 'try again',
    cause: new Error('e'.repeat(1_000_000)),
  });

  it('describeBounded keeps the remedy after a cut message', () => {
    const d = describeBounded(huge);
    expect(d.length).toBeLessThan(ERROR_TEXT_LIMIT + 100);
    expect(d).toMatch(/… \(cut, 1,000,020 characters\)\n {2}remedy: try again$/);
    expect(describeBounded('plain')).toBe('plain');
  });

  it('errorForLog carries type, bounded message, frames and the bounded cause', () => {
    const v = errorForLog(huge);
    expect(JSON.stringify(v).length).toBeLessThan(6000);
    expect(v.type).toBe('ProviderError');
    expect(v.message).toMatch(/\(cut, 1,000,020 characters\)$/);
    expect(v.stack).toMatch(/^ProviderError: provider p: failed: z+… \(cut, [\d,]+ characters\)\n\s+at /);
    expect(v.cause).toMatch(/^Error: e+… \(cut, 1,000,000 characters\)$/);
  });
});
