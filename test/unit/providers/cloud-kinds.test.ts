// The googlecloud and azure kinds without a network: validate (config parsing) never loads their
// SDKs, their definitions refuse what they cannot express, and their wire mappings round-trip.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  fromWire as azFromWire,
  toWire as azToWire,
  relativeName,
} from '../../../providers/azure/mapping.ts';
import { labelsFor } from '../../../providers/googlecloud/labels.ts';
import { fromWire, groupProblem, toWire } from '../../../providers/googlecloud/mapping.ts';
import { parseConfig } from '../../../src/config/index.ts';
import type { RecordSet } from '../../../src/model/index.ts';

const FIXTURE = 'test/fixtures/cloud-providers.yaml';
const probe = (...args: string[]) =>
  JSON.parse(
    execFileSync(process.execPath, ['bin/run-ts.js', 'test/fixtures/sdk-probe.ts', FIXTURE, ...args], {
      encoding: 'utf8',
    }),
  ) as {
    sdkModules: number;
  };

describe('googlecloud and azure kinds', () => {
  it('validate loads neither cloud SDK; the adapter does', () => {
    expect(probe().sdkModules).toBe(0);
    expect(probe('googlecloud').sdkModules).toBeGreaterThan(0);
  }, 60_000);

  const config = parseConfig(readFileSync(FIXTURE, 'utf8'), FIXTURE);
  const geo = { 'continent-eu': 'europe-west1', default: 'us-east1' };
  const labels = labelsFor(config, 'gcp', 'example.com', geo);

  it('round-trips wrr members through one Cloud DNS set, in set-id order', () => {
    const members: RecordSet[] = [
      { name: 'api.example.com.', type: 'A', ttl: 60, setId: 'us-east', weight: 2, values: ['192.0.2.10'] },
      {
        name: 'api.example.com.',
        type: 'A',
        ttl: 60,
        setId: 'eu-west',
        weight: 1,
        values: ['198.51.100.20'],
      },
    ];
    const wire = toWire(members, geo);
    expect(wire.routingPolicy?.wrr?.items?.map((i) => i.weight)).toEqual([1, 2]);
    const back = fromWire(wire, labels);
    expect(back.ok && back.records.map((r) => [r.setId, r.weight])).toEqual([
      ['eu-west', 1],
      ['us-east', 2],
    ]);
  });

  it('round-trips geo members by GCP location, with the rule they stand for', () => {
    const members: RecordSet[] = [
      {
        name: 'app.example.com.',
        type: 'A',
        ttl: 60,
        setId: 'default',
        geo: 'default',
        values: ['192.0.2.10'],
      },
      {
        name: 'app.example.com.',
        type: 'A',
        ttl: 60,
        setId: 'continent-eu',
        geo: { continent: 'EU' },
        values: ['198.51.100.20'],
      },
    ];
    const wire = toWire(members, geo);
    expect(wire.routingPolicy?.geo?.items?.map((i) => i.location)).toEqual(['europe-west1', 'us-east1']);
    const back = fromWire(wire, labels);
    expect(back.ok && back.records.find((r) => r.setId === 'continent-eu')?.geo).toEqual({ continent: 'EU' });
  });

  it('reports Cloud DNS sets it cannot express, and groups it cannot write', () => {
    expect(
      fromWire({ name: 'x.example.com.', type: 'A', ttl: 60, routingPolicy: { primaryBackup: {} } }, labels),
    ).toMatchObject({
      ok: false,
      why: expect.stringMatching(/primaryBackup/),
    });
    const plain: RecordSet = { name: 'x.example.com.', type: 'A', ttl: 60, values: ['192.0.2.1'] };
    expect(groupProblem([plain, { ...plain, setId: 'a', weight: 1 }], geo)).toMatch(/plain and routed/);
    expect(groupProblem([{ ...plain, setId: 'country-de', geo: { country: 'DE' } }], geo)).toMatch(
      /no GCP location/,
    );
  });

  it('maps Azure record sets both ways, TXT in 255-character strings, apex as @', () => {
    expect(relativeName('example.com.', 'example.com.')).toBe('@');
    expect(relativeName('_geofailover.app.example.com', 'example.com')).toBe('_geofailover.app');
    const long = 'x'.repeat(300);
    const wire = azToWire({ name: 't.example.com.', type: 'TXT', ttl: 60, values: [long] });
    expect(wire.txtRecords?.[0]?.value?.map((s) => s.length)).toEqual([255, 45]);
    const back = azFromWire(
      { ...wire, name: 't', type: 'Microsoft.Network/dnszones/TXT', fqdn: 't.example.com.', etag: 'e1' },
      'example.com.',
    );
    expect(back).toMatchObject({ ok: true, etag: 'e1', record: { values: [long] } });
    expect(
      azFromWire(
        { name: 'a', type: 'Microsoft.Network/dnszones/A', ttl: 60, targetResource: { id: '/x/pip' } },
        'example.com.',
      ),
    ).toMatchObject({
      ok: false,
      why: expect.stringMatching(/alias/),
    });
  });
});
