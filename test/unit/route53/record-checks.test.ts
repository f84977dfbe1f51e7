// Validation refuses, before any request, what Route 53 would refuse, naming the record.
import { describe, expect, it } from 'vitest';
import { validateChanges, validateRecord } from '../../../providers/route53/index.ts';
import { type Change, InvalidChangeError, type RecordSet } from '../../../src/model/index.ts';

const Z = 'example.com.';
const rec = (o: Partial<RecordSet> = {}): RecordSet => ({
  name: 'app.example.com.',
  type: 'A',
  ttl: 30,
  values: ['192.0.2.1'],
  ...o,
});
const create = (after: RecordSet): Change => ({ kind: 'create', after, reason: { code: 'config' } });

function refusal(fn: () => void): InvalidChangeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidChangeError);
    return e as InvalidChangeError;
  }
  throw new Error('expected a refusal');
}

describe('route53 validation', () => {
  it('accepts simple, weighted and geo records', () => {
    validateRecord(Z, rec());
    validateRecord(Z, rec({ setId: 'us', weight: 255 }));
    validateRecord(Z, rec({ setId: 'ca', geo: { country: 'US', subdivision: 'CA' } }));
    validateRecord(Z, rec({ setId: 'd', geo: 'default' }));
  });

  it('refuses a continent with a country, naming the record', () => {
    const e = refusal(() => validateRecord(Z, rec({ setId: 'x', geo: { continent: 'EU', country: 'DE' } })));
    expect(e.message).toContain('app.example.com. A x');
    expect(e.context.zone).toBe(Z);
    expect(e.context.remedy).toBeTruthy();
  });

  it('refuses a subdivision outside the US', () => {
    expect(
      refusal(() => validateRecord(Z, rec({ setId: 'x', geo: { country: 'DE', subdivision: 'BY' } })))
        .message,
    ).toMatch(/subdivision BY outside the US/);
  });

  it('refuses weights over 255 and long set identifiers', () => {
    expect(refusal(() => validateRecord(Z, rec({ setId: 'x', weight: 256 }))).context.limit).toBe('0..255');
    expect(refusal(() => validateRecord(Z, rec({ setId: 'x'.repeat(129), weight: 1 }))).context.limit).toBe(
      128,
    );
  });

  it('refuses out-of-zone names, empty answers and multi-value CNAMEs', () => {
    refusal(() => validateRecord(Z, rec({ name: 'app.example.org.' })));
    refusal(() => validateRecord(Z, rec({ values: [] })));
    refusal(() => validateRecord(Z, rec({ type: 'CNAME', values: ['a.example.net.', 'b.example.net.'] })));
  });

  it('refuses more than 100 weighted records at a name and mixed TTLs in a weighted group', () => {
    const many = Array.from({ length: 101 }, (_, i) => create(rec({ setId: `r${i}`, weight: 1 })));
    expect(refusal(() => validateChanges(Z, many)).context.limit).toBe(100);
    const mixed = [create(rec({ setId: 'a', weight: 1 })), create(rec({ setId: 'b', weight: 1, ttl: 60 }))];
    expect(refusal(() => validateChanges(Z, mixed)).message).toMatch(/different TTLs/);
  });

  it('refuses an update without the record it replaces (no blind overwrite)', () => {
    const e = refusal(() =>
      validateChanges(Z, [{ kind: 'update', after: rec(), reason: { code: 'config' } }]),
    );
    expect(e.message).toMatch(/no `before`/);
  });
});
