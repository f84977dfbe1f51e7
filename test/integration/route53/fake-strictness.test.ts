// The fake Route 53 API itself rejects what the real API rejects, so adapter tests against it mean
// something: request shape, routing attribute rules, TXT quoting, limits (UPSERT counted twice),
// DELETE compared with the current data, unsigned requests.
import {
  type Change,
  ChangeResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeRoute53, type FakeZone } from '../../fakes/route53/index.ts';

let fake: FakeRoute53;
let zone: FakeZone;
let client: Route53Client;

beforeAll(async () => {
  fake = await new FakeRoute53().start();
  client = new Route53Client({
    region: 'us-east-1',
    endpoint: fake.url,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' },
  });
});
afterAll(async () => {
  client.destroy();
  await fake.close();
});
beforeEach(() => {
  fake.zones.clear();
  zone = fake.createZone('example.com');
});

const a = (o: Partial<ResourceRecordSet> = {}): ResourceRecordSet => ({
  Name: 'x.example.com.',
  Type: 'A',
  TTL: 30,
  ResourceRecords: [{ Value: '192.0.2.1' }],
  ...o,
});

async function rejection(changes: Change[]): Promise<{ name: string; message: string }> {
  try {
    await client.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: zone.id, ChangeBatch: { Changes: changes } }),
    );
  } catch (e) {
    return e as { name: string; message: string };
  }
  throw new Error('expected the fake to reject the batch');
}

describe('fake Route 53 strictness', () => {
  it('rejects geolocations Route 53 rejects and weights over 255', async () => {
    expect(
      (
        await rejection([
          {
            Action: 'CREATE',
            ResourceRecordSet: a({
              SetIdentifier: 'x',
              GeoLocation: { ContinentCode: 'EU', CountryCode: 'DE' },
            }),
          },
        ])
      ).name,
    ).toBe('InvalidInput');
    expect(
      (
        await rejection([
          {
            Action: 'CREATE',
            ResourceRecordSet: a({
              SetIdentifier: 'x',
              GeoLocation: { CountryCode: 'DE', SubdivisionCode: 'BY' },
            }),
          },
        ])
      ).message,
    ).toMatch(/only supported for CountryCode US/);
    expect(
      (await rejection([{ Action: 'CREATE', ResourceRecordSet: a({ SetIdentifier: 'x', Weight: 256 }) }]))
        .name,
    ).toBe('InvalidInput');
    expect((await rejection([{ Action: 'CREATE', ResourceRecordSet: a({ Weight: 1 }) }])).message).toMatch(
      /SetIdentifier is required/,
    );
  });

  it('rejects unquoted TXT and bad addresses as InvalidChangeBatch, applying nothing', async () => {
    const e = await rejection([
      { Action: 'CREATE', ResourceRecordSet: a({ Name: 'ok.example.com.' }) },
      { Action: 'CREATE', ResourceRecordSet: a({ Type: 'TXT', ResourceRecords: [{ Value: 'owner=x' }] }) },
    ]);
    expect(e.name).toBe('InvalidChangeBatch');
    expect(e.message).toMatch(/enclosed in quotation marks/);
    expect(zone.rrsets.size).toBe(2);
  });

  it('enforces 1,000 records per request, counting UPSERT twice', async () => {
    const values = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ Value: `10.0.${i >> 8}.${i & 255}` }));
    expect(
      (await rejection([{ Action: 'CREATE', ResourceRecordSet: a({ ResourceRecords: values(1001) }) }]))
        .message,
    ).toMatch(/limit of 1000/);
    expect(
      (await rejection([{ Action: 'UPSERT', ResourceRecordSet: a({ ResourceRecords: values(501) }) }]))
        .message,
    ).toMatch(/limit of 1000/);
    await client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.id,
        ChangeBatch: {
          Changes: [{ Action: 'UPSERT', ResourceRecordSet: a({ ResourceRecords: values(500) }) }],
        },
      }),
    );
  });

  it('checks a DELETE against the current values and TTL', async () => {
    await client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.id,
        ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: a() }] },
      }),
    );
    expect((await rejection([{ Action: 'DELETE', ResourceRecordSet: a({ TTL: 60 }) }])).message).toMatch(
      /do not match the current values/,
    );
    expect(
      (await rejection([{ Action: 'DELETE', ResourceRecordSet: a({ Name: 'y.example.com.' }) }])).message,
    ).toMatch(/not found/);
    expect((await rejection([{ Action: 'CREATE', ResourceRecordSet: a() }])).message).toMatch(
      /already exists/,
    );
  });

  it('rejects malformed request XML and unsigned requests', async () => {
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`${fake.url}/2013-04-01/hostedzone/${zone.id}/rrset`, { method: 'POST', body, headers });
    const signed = {
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDFAKE/20260101/us-east-1/route53/aws4_request',
    };
    const bad = await post(
      '<ChangeResourceRecordSetsRequest><ChangeBatch><Changes><Change><Action>CREATE</Action><ResourceRecordSet><Name>x.example.com.</Name><Type>A</Type><Colour>red</Colour><TTL>1</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>',
      signed,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/InvalidInput.*unexpected element Colour/s);
    expect((await post('<ChangeResourceRecordSetsRequest><ChangeBatch>', signed)).status).toBe(400);
    expect((await post('<x/>', {})).status).toBe(403);
  });
});
