// Route 53 <-> RecordSet mapping: names with octal escapes, quoted TXT, weights and geolocations,
// aliases both ways, and records we refuse to read (failover, multivalue, health checks).
import { describe, expect, it } from 'vitest';
import { decodeName, fromWire, quoteTxt, toWire, unquoteTxt } from '../../../providers/route53/index.ts';
import type { RecordSet } from '../../../src/model/index.ts';

describe('route53 mapping', () => {
  it('decodes octal escapes and normalises names', () => {
    expect(decodeName('\\052.Example.COM')).toBe('*.example.com.');
    expect(decodeName('app.example.com.')).toBe('app.example.com.');
  });

  it('quotes and unquotes TXT values, escapes included', () => {
    expect(quoteTxt('owner=a')).toBe('"owner=a"');
    expect(quoteTxt('say "hi" \\')).toBe('"say \\"hi\\" \\\\"');
    expect(unquoteTxt(quoteTxt('say "hi" \\'))).toBe('say "hi" \\');
    expect(unquoteTxt('"a" "b"')).toBe('ab');
    expect(unquoteTxt('"\\065x"')).toBe('5x');
  });

  const cases: RecordSet[] = [
    { name: 'app.example.com.', type: 'A', ttl: 30, values: ['192.0.2.1', '192.0.2.2'] },
    { name: 'api.example.com.', type: 'A', ttl: 30, values: ['192.0.2.1'], setId: 'us-east', weight: 70 },
    {
      name: 'www.example.com.',
      type: 'AAAA',
      ttl: 60,
      values: ['2001:db8::1'],
      setId: 'eu',
      geo: { continent: 'EU' },
    },
    {
      name: 'www.example.com.',
      type: 'A',
      ttl: 60,
      values: ['192.0.2.9'],
      setId: 'ca',
      geo: { country: 'US', subdivision: 'CA' },
    },
    { name: 'www.example.com.', type: 'A', ttl: 60, values: ['192.0.2.9'], setId: 'default', geo: 'default' },
    { name: '_geofailover.app.example.com.', type: 'TXT', ttl: 300, values: ['owner=shop'] },
    { name: 'c.example.com.', type: 'CNAME', ttl: 300, values: ['target.example.net.'] },
  ];
  it.each(cases)('round-trips $name $type $setId', (r) => {
    const back = fromWire(toWire(r));
    expect(back).toEqual({ ok: true, record: r });
  });

  it('writes the default geo rule as CountryCode * and TXT quoted', () => {
    expect(toWire(cases[4]!).GeoLocation).toEqual({ CountryCode: '*' });
    expect(toWire(cases[5]!).ResourceRecords).toEqual([{ Value: '"owner=shop"' }]);
  });

  it('refuses what it cannot express, saying why', () => {
    const base = { Name: 'app.example.com.', Type: 'A' as const };
    const rr = { ...base, TTL: 30, ResourceRecords: [{ Value: '192.0.2.1' }] };
    const why = (x: Parameters<typeof fromWire>[0]) => {
      const r = fromWire(x);
      return r.ok ? 'ok' : r.why;
    };
    expect(
      why({ ...base, AliasTarget: { HostedZoneId: 'Z', DNSName: '', EvaluateTargetHealth: false } }),
    ).toMatch(/alias without a target/);
    expect(
      why({ ...rr, AliasTarget: { HostedZoneId: 'Z', DNSName: 'lb.', EvaluateTargetHealth: false } }),
    ).toMatch(/alias with values/);
    expect(why({ ...rr, SetIdentifier: 'p', Failover: 'PRIMARY' })).toMatch(/failover/);
    expect(why({ ...rr, SetIdentifier: 'm', MultiValueAnswer: true })).toMatch(/multivalue/);
    expect(why({ ...rr, HealthCheckId: 'abc' })).toMatch(/health check/);
    expect(why({ ...rr, SetIdentifier: 'x' })).toMatch(/SetIdentifier/);
    expect(why({ ...rr, Type: 'MX' })).toMatch(/type MX/);
    expect(why(rr)).toBe('ok');
  });

  it('reads and writes an alias: one target, its hosted zone id, no TTL (0 in the model)', () => {
    const rec: RecordSet = {
      name: 'example.com.',
      type: 'A',
      ttl: 0,
      setId: 'us-east',
      weight: 70,
      values: ['lb-1.us-east-1.elb.amazonaws.com.'],
      alias: { hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: true },
    };
    const wire = toWire(rec);
    expect(wire.TTL).toBeUndefined();
    expect(wire.ResourceRecords).toBeUndefined();
    expect(wire.AliasTarget).toEqual({
      HostedZoneId: 'Z35SXDOTRQ7X7K',
      DNSName: 'lb-1.us-east-1.elb.amazonaws.com.',
      EvaluateTargetHealth: true,
    });
    const back = fromWire({
      ...wire,
      AliasTarget: { ...wire.AliasTarget!, DNSName: 'LB-1.us-east-1.elb.amazonaws.com' },
    });
    expect(back).toEqual({ ok: true, record: rec });
  });
});
