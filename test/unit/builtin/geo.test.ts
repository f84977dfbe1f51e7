// Client location lookup: the CIDR table (longest prefix wins, IPv4/IPv6/mapped), the bundled CC0
// country database through maxmind, and the Route 53 ranking of geo records.
import maxmind from 'maxmind';
import { describe, expect, it } from 'vitest';
import { continentOf } from '../../../providers/builtin/dns-server/continents.ts';
import { bundledMmdbPath, GeoLocator } from '../../../providers/builtin/dns-server/geo.ts';
import { geoChoice, weightedChoices } from '../../../providers/builtin/dns-server/weighted.ts';
import type { RecordSet } from '../../../src/model/index.ts';

describe('GeoLocator', () => {
  const geo = new GeoLocator([
    { cidr: '81.0.0.0/8', country: 'DE' },
    { cidr: '81.20.0.0/16', country: 'FR' },
    { cidr: '81.20.30.0/23', continent: 'AS' },
    { cidr: '2001:db8::/32', country: 'JP' },
    { cidr: '0.0.0.0/0', continent: 'OC' },
  ]);

  it('longest prefix wins and the matched prefix is the scope', () => {
    expect(geo.locateText('81.1.1.1')).toMatchObject({
      location: { country: 'DE', continent: 'EU' },
      prefix: 8,
    });
    expect(geo.locateText('81.20.1.1')).toMatchObject({
      location: { country: 'FR', continent: 'EU' },
      prefix: 16,
    });
    expect(geo.locateText('81.20.31.255')).toMatchObject({ location: { continent: 'AS' }, prefix: 23 });
    expect(geo.locateText('81.20.32.0').prefix).toBe(16);
    expect(geo.locateText('9.9.9.9')).toMatchObject({ location: { continent: 'OC' }, prefix: 0 });
  });

  it('IPv6, IPv4-mapped IPv6 and ECS-style truncated addresses', () => {
    expect(geo.locateText('2001:db8:1::1')).toMatchObject({
      location: { country: 'JP', continent: 'AS' },
      prefix: 32,
    });
    expect(geo.locateText('::ffff:81.20.1.1').location?.country).toBe('FR');
    expect(geo.locate(1, Buffer.from([81, 20])).location?.country).toBe('FR');
    expect(geo.locateText('not an ip').location).toBeUndefined();
  });

  it('reads the bundled CC0 country database (country → continent from the shipped table)', async () => {
    const reader = await maxmind.open(bundledMmdbPath());
    const g = new GeoLocator([], reader);
    const de = g.locateText('81.2.69.142'); // a GB network in that database
    expect(de.location?.country).toMatch(/^[A-Z]{2}$/);
    expect(de.location?.continent).toBe(continentOf(de.location!.country!));
    expect(de.prefix).toBeGreaterThan(0);
    expect(de.prefix).toBeLessThanOrEqual(32);
    expect(g.locateText('10.0.0.1').location).toBeUndefined();
  });

  it('continent table covers the usual suspects', () => {
    expect([
      continentOf('DE'),
      continentOf('us'),
      continentOf('BR'),
      continentOf('JP'),
      continentOf('AU'),
      continentOf('ZA'),
    ]).toEqual(['EU', 'NA', 'SA', 'AS', 'OC', 'AF']);
  });
});

describe('record choice', () => {
  const r = (setId: string, geo: RecordSet['geo']): RecordSet => ({
    name: 'w.',
    type: 'A',
    ttl: 1,
    values: [setId],
    setId,
    geo,
  });
  const sets = [
    r('d', 'default'),
    r('eu', { continent: 'EU' }),
    r('de', { country: 'DE' }),
    r('ca', { country: 'US', subdivision: 'CA' }),
  ];

  it('geo: subdivision, then country, then continent, then default', () => {
    expect(geoChoice(sets, { continent: 'NA', country: 'US', subdivision: 'CA' })?.setId).toBe('ca');
    expect(geoChoice(sets, { continent: 'NA', country: 'US', subdivision: 'NY' })?.setId).toBe('d');
    expect(geoChoice(sets, { continent: 'EU', country: 'DE' })?.setId).toBe('de');
    expect(geoChoice(sets, { continent: 'EU', country: 'FR' })?.setId).toBe('eu');
    expect(geoChoice(sets, undefined)?.setId).toBe('d');
    expect(geoChoice(sets.slice(1), { continent: 'AS' })).toBeUndefined();
  });

  it('weighted: shares by weight, zero excluded unless all are zero', () => {
    const w = (id: string, weight: number): RecordSet => ({
      name: 'a.',
      type: 'A',
      ttl: 1,
      values: [id],
      setId: id,
      weight,
    });
    expect(weightedChoices([w('a', 3), w('b', 1), w('c', 0)]).map((c) => [c.record.setId, c.p])).toEqual([
      ['a', 0.75],
      ['b', 0.25],
    ]);
    expect(weightedChoices([w('a', 0), w('b', 0)]).map((c) => c.p)).toEqual([0.5, 0.5]);
  });
});
