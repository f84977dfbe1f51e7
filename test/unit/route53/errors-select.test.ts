// Error mapping (a stale DELETE is a ConflictError, one bad record is named) and the records()
// selection rule (markers of any owner, our names, query names; unreadable records refused).
import { describe, expect, it } from 'vitest';
import { fromWire, mapError, selectRecords, toWire } from '../../../providers/route53/index.ts';
import { ConflictError, InvalidChangeError, markerRecord, ProviderError } from '../../../src/model/index.ts';

const scope = { provider: 'aws', zone: 'example.com.', hostedZoneId: 'Z1', operation: 'change batch 1/1' };
const sdk = (name: string, message: string, extra: object = {}) =>
  Object.assign(new Error(message), { name, ...extra });

describe('route53 error mapping', () => {
  it('maps a stale DELETE to a ConflictError that says to re-plan', () => {
    const e = mapError(
      sdk(
        'InvalidChangeBatch',
        "[Tried to delete resource record set [name='app.example.com.', type='A'] but the values provided do not match the current values]",
      ),
      scope,
    );
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).retryable).toBe(true);
    expect(e.context.record).toBe('app.example.com. A');
    expect(e.context.remedy).toMatch(/plan again/);
  });

  it('names the one record that made a batch invalid', () => {
    const e = mapError(
      sdk('InvalidChangeBatch', 'x', {
        messages: ['RRSet with DNS name bad.example.org. is not permitted in zone example.com.'],
      }),
      scope,
    );
    expect(e).toBeInstanceOf(InvalidChangeError);
    expect(e.message).toContain('bad.example.org');
  });

  it('names the hosted zone and what to do when it does not exist', () => {
    const e = mapError(sdk('NoSuchHostedZone', 'No hosted zone found with ID: Z1'), scope);
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.message).toContain('example.com.');
    expect(e.message).toContain('Z1');
    expect(e.context.remedy).toMatch(/hostedZoneId/);
  });

  it('explains missing credentials', () => {
    const e = mapError(
      sdk('CredentialsProviderError', 'Could not load credentials from any providers'),
      scope,
    );
    expect(e.message).toMatch(/no AWS credentials/);
    expect(e.context.remedy).toMatch(/AWS_ACCESS_KEY_ID/);
  });
});

describe('route53 records() selection', () => {
  const rr = (name: string, v: string, extra = {}) => ({
    Name: name,
    Type: 'A' as const,
    TTL: 30,
    ResourceRecords: [{ Value: v }],
    ...extra,
  });
  const wire = [
    toWire(markerRecord('ours.example.com.', 'shop')),
    toWire(markerRecord('theirs.example.com.', 'other')),
    rr('ours.example.com.', '192.0.2.1'),
    rr('theirs.example.com.', '192.0.2.2'),
    rr('query.example.com.', '192.0.2.3'),
    rr('unrelated.example.com.', '192.0.2.4'),
    {
      Name: 'unrelated2.example.com.',
      Type: 'A' as const,
      AliasTarget: { HostedZoneId: 'Z', DNSName: 'x.', EvaluateTargetHealth: false },
    },
    {
      Name: 'ours.example.com.',
      Type: 'MX' as const,
      TTL: 30,
      ResourceRecords: [{ Value: '10 mx.example.com.' }],
    },
  ].map(fromWire);

  it('returns markers of every owner, our names and query names, nothing else', () => {
    const got = selectRecords(wire, 'shop', ['Query.Example.com'], { provider: 'aws', zone: 'example.com.' });
    expect(got.map((r) => `${r.name} ${r.type}`).sort()).toEqual([
      '_geofailover.ours.example.com. TXT',
      '_geofailover.theirs.example.com. TXT',
      'ours.example.com. A',
      'query.example.com. A',
    ]);
  });

  it('refuses a hand-edited record at one of our names, naming it', () => {
    const edited = [
      ...wire,
      fromWire({
        Name: 'ours.example.com.',
        Type: 'AAAA',
        SetIdentifier: 'p',
        Failover: 'PRIMARY',
        TTL: 30,
        ResourceRecords: [{ Value: '::1' }],
      }),
    ];
    expect(() => selectRecords(edited, 'shop', [], { provider: 'aws', zone: 'example.com.' })).toThrow(
      /ours\.example\.com\. AAAA: it uses failover routing/,
    );
  });
});

describe('route53 error mapping: Route 53 own InvalidChangeBatch body', () => {
  it('recognises an "Unknown" SDK error carrying Messages as InvalidChangeBatch, and drops the raw response', () => {
    const raw = sdk('Unknown', 'UnknownError', {
      Messages: {
        Message: "Tried to delete resource record set [name='a.example.com.', type='A'] but it was not found",
      },
      $response: { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/secret-ish' } },
      $metadata: { httpStatusCode: 400, requestId: 'r1' },
    });
    const e = mapError(raw, scope);
    expect(e).toBeInstanceOf(ConflictError);
    expect(e.context.record).toBe('a.example.com. A');
    expect(JSON.stringify(e.context.cause, Object.getOwnPropertyNames(e.context.cause))).not.toContain(
      'AWS4-HMAC',
    );
  });
});
