// The RFC 2136 adapter against real servers started here: knotd and BIND named, each with a TSIG key
// allowed to update and transfer example.com, and a second zone (refused.test) it may only transfer.
// For each, what is RFC 2136's own: weighted records as one RRset with the weights in the marker, a
// hand edit of that RRset repaired, a refused update, a change set split over messages and a name
// created meanwhile failing only its message. The conformance table covers failover and back, a lost
// compare-and-swap, foreign records and adoption, and a bad key. Every test ends by planning again
// and asserting zero changes (or, where nothing may be written, the very same plan as before).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, ProviderError } from '../../../src/model/index.ts';
import { leaseRoundTrip } from '../../helpers/lease.ts';
import { converge, makeConfig, plan, provider, RECORDS, SECRET_ENV } from './helpers.ts';
import {
  foreignUpdate,
  hasBinary,
  KEY_NAME,
  kdigAxfr,
  REFUSED_ZONE,
  type RunningServer,
  startBind,
  startKnot,
} from './servers.ts';

const SERVERS = [
  { name: 'knot', bin: 'knotd', start: startKnot },
  { name: 'bind', bin: 'named', start: startBind },
] as const;

const haveTools = hasBinary('kdig') && hasBinary('nsupdate');
for (const s of SERVERS)
  if (!hasBinary(s.bin) || !haveTools)
    console.warn(`skipping rfc2136 tests on ${s.name}: ${s.bin}, kdig or nsupdate is not installed`);

/** `name type value` lines of one name and type, from kdig's transfer (not our AXFR code). */
async function served(server: RunningServer, name: string, type: string, zone?: string): Promise<string[]> {
  return (await kdigAxfr(server, zone))
    .filter((l) => l.startsWith(`${name} ${type} `))
    .map((l) => l.split(' ').slice(2).join(' '))
    .sort();
}

describe.each(SERVERS)('rfc2136 adapter on $name', ({ bin, start }) => {
  const skip = !hasBinary(bin) || !haveTools;
  let server: RunningServer;

  beforeAll(async () => {
    if (!skip) server = await start();
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  });

  const both = [RECORDS.failover, RECORDS.weighted];
  /** A config on this server, with its key's algorithm. */
  const cfg = (
    records: readonly object[],
    over: Record<string, unknown> = {},
    zone?: string,
    owner?: string,
  ) =>
    makeConfig(
      server.address,
      records,
      { tsig: { name: KEY_NAME, algorithm: server.algorithm, secretEnv: SECRET_ENV }, ...over },
      zone,
      owner,
    );

  it.skipIf(skip)('failover and weighted: plan -> apply -> re-plan finds zero changes', async () => {
    const config = cfg(both);
    const p = provider(config, server.secret);
    const { plan: first, outcome, again } = await converge(config, p);
    expect(first.changes.length).toBe(1 + 3 + 2); // app, api's three sets, two markers
    expect(outcome.status).toBe('applied');
    expect(outcome.verified).toBe(true);
    expect(again.changes).toEqual([]);
    expect(await served(server, 'app.example.com.', 'A')).toEqual(['192.0.2.10', '192.0.2.11']);
    // Weighted: the endpoints of every region with weight > 0 in one RRset (ap-south has weight 0).
    expect(await served(server, 'api.example.com.', 'A')).toEqual([
      '192.0.2.10',
      '192.0.2.11',
      '198.51.100.10',
    ]);
    const current = await p.records('example.com', { names: both.map((r) => r.name) });
    expect(current.filter((r) => r.name === 'api.example.com.').map((r) => [r.setId, r.weight])).toEqual(
      expect.arrayContaining([
        ['us-east', 70],
        ['eu-west', 30],
        ['ap-south', 0],
      ]),
    );
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it.skipIf(skip)(
    "keeps the controller's writer lease beside the records: taken, renewed, removed, never a planned change",
    async () => {
      const config = cfg(both);
      const p = provider(config, server.secret);
      await converge(config, p);
      await leaseRoundTrip(config, p);
    },
  );

  it.skipIf(skip)('a hand edit of a weighted RRset is seen as drift and repaired', async () => {
    const config = cfg(both);
    const p = provider(config, server.secret);
    await converge(config, p);
    await foreignUpdate(server, ['update delete api.example.com. A 198.51.100.10']);
    const drift = await plan(config, p);
    expect(drift.changes.length).toBeGreaterThan(0);
    const fixed = await converge(config, p);
    expect(fixed.again.changes).toEqual([]);
    expect(await served(server, 'api.example.com.', 'A')).toEqual([
      '192.0.2.10',
      '192.0.2.11',
      '198.51.100.10',
    ]);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it.skipIf(skip)('a zone without an update ACL: one clear error, nothing written', async () => {
    const record = { ...RECORDS.failover, name: 'app.refused.test' };
    const config = cfg([record], {}, 'refused.test');
    const p = provider(config, server.secret);
    const first = await plan(config, p);
    expect(first.changes.length).toBe(2);
    const err = await p.apply(first.zone, first.changes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).not.toBeInstanceOf(ConflictError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/refused by the server \((REFUSED|NOTAUTH)\)/);
    expect(msg).toContain('zone refused.test.');
    expect(msg).toContain('nothing was written');
    expect((err as ProviderError).context.remedy).toMatch(/action: update.*allow-update/);
    expect(await served(server, 'app.refused.test.', 'A', REFUSED_ZONE)).toEqual([]);
    // Planning again finds exactly the same plan: nothing was half-written.
    expect((await plan(config, p)).checksum).toBe(first.checksum);
  });

  it.skipIf(skip)(
    'a change set larger than one message is split by name, each message with its own prerequisites',
    async () => {
      const many = Array.from({ length: 40 }, (_, i) => ({
        ...RECORDS.failover,
        name: `n${String(i).padStart(2, '0')}.example.com`,
      }));
      // Another owner id, so these names stay out of the other tests' plans.
      const config = cfg(many, { maxMessageSize: 1024 }, 'example.com', 'bulk');
      const p = provider(config, server.secret);
      const sent = p.stats.updates;
      const { plan: first, again } = await converge(config, p);
      expect(first.changes.length).toBe(80);
      expect(p.stats.updates - sent).toBeGreaterThan(3);
      expect(again.changes).toEqual([]);
      const down = await converge(config, p, { 'us-east': 'down' });
      expect(down.again.changes).toEqual([]);
      expect(await served(server, 'n39.example.com.', 'A')).toEqual(['198.51.100.10']);
      expect((await plan(config, p, { 'us-east': 'down' })).changes).toEqual([]);
    },
  );

  it.skipIf(skip)(
    'a name created by someone else between plan and apply fails its message (YXRRSET); earlier messages stand',
    async () => {
      const many = Array.from({ length: 12 }, (_, i) => ({
        ...RECORDS.failover,
        name: `m${String(i).padStart(2, '0')}.example.com`,
      }));
      const config = cfg(many, { maxMessageSize: 1024 }, 'example.com', 'bulk2');
      const p = provider(config, server.secret);
      const planned = await plan(config, p);
      expect(planned.changes.length).toBe(24);
      // The last name (in the last message) appears meanwhile.
      await foreignUpdate(server, ['update add m11.example.com. 60 A 192.0.2.200']);
      const err = await p.apply(planned.zone, planned.changes).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as Error).message).toMatch(/UPDATE message \d+\/\d+ was refused with YXRRSET/);
      expect((err as Error).message).toMatch(
        /earlier UPDATE message\(s\) were applied \(names m00\.example\.com\./,
      );
      expect(await served(server, 'm11.example.com.', 'A')).toEqual(['192.0.2.200']);
      expect(await served(server, 'm00.example.com.', 'A')).toEqual(['192.0.2.10', '192.0.2.11']);
      // The next plan sees the rest, and the foreign record at m11 as foreign: adopting takes it over.
      const next = await converge(config, p, {}, true);
      expect(next.again.changes).toEqual([]);
      expect(await served(server, 'm11.example.com.', 'A')).toEqual(['192.0.2.10', '192.0.2.11']);
      expect((await plan(config, p)).changes).toEqual([]);
    },
  );
});
