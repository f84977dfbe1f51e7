// The PowerDNS adapter against a real pdns_server (gsqlite3, started here on loopback), what is
// PowerDNS's own: the server answers over DNS what the API wrote, a failover is one PATCH, weighted
// records are one plain set, adoption leaves other types alone, another owner's marker holds, a
// record created meanwhile is a conflict, a PATCH PowerDNS rejects names its record. The conformance
// table covers converging, failing back, adoption, foreign names, removal and a lost compare-and-swap.
// Every test ends by planning again and asserting zero changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyZonePlan } from '../../../src/controller/index.ts';
import { ConflictError, InvalidChangeError } from '../../../src/model/index.ts';
import { leaseRoundTrip } from '../../helpers/lease.ts';
import { converge, dnsAnswer, failover, makeConfig, open, plan, weighted } from './harness.ts';
import { missing, type PdnsServer, startPdns } from './pdns-server.ts';

const why = missing();
if (why) console.warn(`skipping PowerDNS adapter tests: ${why}`);

describe.skipIf(why !== undefined)('powerdns adapter on pdns_server', () => {
  let pdns: PdnsServer;
  let n = 0;
  /** A fresh zone per test, so tests do not see each other's records. */
  const newZone = async () => {
    const zone = `t${++n}.example.com`;
    await pdns.createZone(zone);
    return zone;
  };

  beforeAll(async () => {
    pdns = await startPdns();
  }, 30_000);
  afterAll(async () => {
    await pdns?.stop();
  });

  it('plans, applies, answers over DNS and re-plans to zero changes', async () => {
    const zone = await newZone();
    const config = makeConfig(pdns.url, zone, [
      failover(`app.${zone}`, ['us-east', 'eu-west']),
      { ...failover(`app.${zone}`, ['us-east', 'eu-west']), type: 'AAAA' },
      failover(`www.${zone}`, ['eu-west', 'us-east'], { ttl: 300 }),
    ]);
    const p = await open(config, pdns.apiKey);
    const { plan: first, outcome } = await converge(config, p);
    // 3 records + 2 markers (one per name)
    expect(first.changes.map((c) => c.kind)).toEqual(Array(5).fill('create'));
    expect(outcome.verified).toBe(true);
    expect(await dnsAnswer(pdns.dnsPort, `app.${zone}`, 'A')).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(await dnsAnswer(pdns.dnsPort, `app.${zone}`, 'AAAA')).toEqual(['2001:db8::10']);
    expect(await dnsAnswer(pdns.dnsPort, `_geofailover.app.${zone}`, 'TXT')).toEqual(['owner=shop-prod']);
    const www = (await pdns.rrsets(zone)).find((r) => r.name === `www.${zone}.` && r.type === 'A');
    expect(www?.ttl).toBe(300);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it("keeps the controller's writer lease beside the records: taken, renewed, removed, never a planned change", async () => {
    const zone = await newZone();
    const config = makeConfig(pdns.url, zone, [failover(`app.${zone}`, ['us-east', 'eu-west'])]);
    const p = await open(config, pdns.apiKey);
    await converge(config, p);
    await leaseRoundTrip(config, p);
  });

  it('fails over in one PATCH and answers the new region over DNS', async () => {
    const zone = await newZone();
    const config = makeConfig(pdns.url, zone, [
      failover(`app.${zone}`, ['us-east', 'eu-west']),
      { ...failover(`app.${zone}`, ['us-east', 'eu-west']), type: 'AAAA' },
    ]);
    const p = await open(config, pdns.apiKey);
    await converge(config, p);
    const { plan: fo, outcome } = await converge(config, p, { 'us-east': 'down' });
    expect(fo.changes.map((c) => [c.kind, c.after?.type, c.reason.code])).toEqual([
      ['update', 'A', 'region-down'],
      ['update', 'AAAA', 'region-down'],
    ]);
    expect(outcome.result?.calls).toBe(2); // the pre-write read and one PATCH
    expect(await dnsAnswer(pdns.dnsPort, `app.${zone}`, 'A')).toEqual(['198.51.100.20']);
    expect(await dnsAnswer(pdns.dnsPort, `app.${zone}`, 'AAAA')).toEqual(['2001:db8::20']);
    expect((await plan(config, p, { 'us-east': 'down' })).changes).toEqual([]);
  });

  it('publishes a weighted record as one set of the regions with weight > 0', async () => {
    const zone = await newZone();
    const config = makeConfig(pdns.url, zone, [
      weighted(`api.${zone}`, { 'us-east': 70, 'eu-west': 30, 'ap-south': 0 }),
    ]);
    const p = await open(config, pdns.apiKey);
    await converge(config, p);
    expect(await dnsAnswer(pdns.dnsPort, `api.${zone}`, 'A')).toEqual([
      '192.0.2.10',
      '192.0.2.11',
      '198.51.100.20',
    ]);
    const { plan: down } = await converge(config, p, { 'eu-west': 'down' });
    expect(down.changes.map((c) => c.reason.code)).toEqual(['region-down']);
    expect(await dnsAnswer(pdns.dnsPort, `api.${zone}`, 'A')).toEqual(['192.0.2.10', '192.0.2.11']);
    // every region down: fail-open publishes all configured weights' addresses, never empty
    await converge(config, p, { 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'down' });
    expect((await dnsAnswer(pdns.dnsPort, `api.${zone}`, 'A')).length).toBeGreaterThan(0);
    await converge(config, p);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it('keeps the last published set of a keep-last weighted record when every region is down', async () => {
    const zone = await newZone();
    const config = makeConfig(pdns.url, zone, [
      {
        ...weighted(`api.${zone}`, { 'us-east': 70, 'eu-west': 30 }),
        policy: { kind: 'weighted', weights: { 'us-east': 70, 'eu-west': 30 }, whenAllDown: 'keep-last' },
      },
    ]);
    const p = await open(config, pdns.apiKey);
    await converge(config, p, { 'us-east': 'down' });
    expect(await dnsAnswer(pdns.dnsPort, `api.${zone}`, 'A')).toEqual(['198.51.100.20']);
    // keep-last applies only when no region at all can serve: ap-south (UP, the fallback) counts.
    const everyRegionDown = { 'us-east': 'down', 'eu-west': 'down', 'ap-south': 'down' } as const;
    const { plan: all } = await converge(config, p, everyRegionDown);
    expect(all.changes).toEqual([]);
    expect(await dnsAnswer(pdns.dnsPort, `api.${zone}`, 'A')).toEqual(['198.51.100.20']);
    expect((await plan(config, p, everyRegionDown)).changes).toEqual([]);
    // With ap-south UP, the fallback answers before keep-last: one plain set of its address.
    await converge(config, p, { 'us-east': 'down', 'eu-west': 'down' });
    expect(await dnsAnswer(pdns.dnsPort, `api.${zone}`, 'A')).toEqual(['203.0.113.30']);
    expect((await plan(config, p, { 'us-east': 'down', 'eu-west': 'down' })).changes).toEqual([]);
  });

  it("adopting a name leaves the user's TXT there and other types at other names as they were", async () => {
    const zone = await newZone();
    await pdns.patch(zone, [
      rr(`app.${zone}.`, 'A', ['192.0.2.99']),
      rr(`app.${zone}.`, 'TXT', ['"team=web"']),
      rr(`other.${zone}.`, 'A', ['192.0.2.50']),
      rr(`other.${zone}.`, 'MX', ['10 mail.example.net.']),
    ]);
    const config = makeConfig(pdns.url, zone, [failover(`app.${zone}`, ['us-east', 'eu-west'])]);
    const p = await open(config, pdns.apiKey);
    const { outcome } = await converge(config, p, {}, true);
    expect(outcome.verified).toBe(true);
    expect(await dnsAnswer(pdns.dnsPort, `app.${zone}`, 'A')).toEqual(['192.0.2.10', '192.0.2.11']);
    // the user's TXT at the managed name and everything at other names are as they were
    const after = await pdns.rrsets(zone);
    const pick = (name: string, type: string) =>
      after.find((r) => r.name === name && r.type === type)?.records.map((x) => x.content);
    expect(pick(`app.${zone}.`, 'TXT')).toEqual(['"team=web"']);
    expect(pick(`other.${zone}.`, 'A')).toEqual(['192.0.2.50']);
    expect(pick(`other.${zone}.`, 'MX')).toEqual(['10 mail.example.net.']);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it('refuses a name marked by another owner, even when adopting', async () => {
    const zone = await newZone();
    await pdns.patch(zone, [
      rr(`app.${zone}.`, 'A', ['192.0.2.99']),
      rr(`_geofailover.app.${zone}.`, 'TXT', ['"owner=someone-else"']),
    ]);
    const config = makeConfig(pdns.url, zone, [failover(`app.${zone}`, ['us-east'])]);
    const p = await open(config, pdns.apiKey);
    const zp = await plan(config, p, {}, true);
    expect(zp.allowed).toBe(false);
    expect(zp.safety.find((s) => s.check === 'ownership')?.message).toMatch(/owner=someone-else/);
    // zero changes once the name is left to its owner
    const none = makeConfig(pdns.url, zone, [failover(`www.${zone}`, ['us-east'])]);
    await converge(none, p);
    expect((await plan(none, p)).changes).toEqual([]);
    expect(await dnsAnswer(pdns.dnsPort, `app.${zone}`, 'A')).toEqual(['192.0.2.99']);
  });

  it('a record created where the plan wanted to create one is a conflict; adopting it converges', async () => {
    const zone = await newZone();
    const config = makeConfig(pdns.url, zone, [failover(`app.${zone}`, ['us-east', 'eu-west'])]);
    const p = await open(config, pdns.apiKey);
    await converge(config, p);
    const grow = makeConfig(pdns.url, zone, [
      failover(`app.${zone}`, ['us-east', 'eu-west']),
      failover(`new.${zone}`, ['us-east']),
    ]);
    const zp2 = await plan(grow, p, { 'us-east': 'down' });
    await pdns.patch(zone, [rr(`new.${zone}.`, 'A', ['192.0.2.1'])]);
    await expect(applyZonePlan(zp2, p, { mode: 'apply' })).rejects.toBeInstanceOf(ConflictError);
    // the next reconcile re-plans from what is there and converges (adopting the hand-made one)
    await converge(grow, p, { 'us-east': 'down' }, true);
    expect(await dnsAnswer(pdns.dnsPort, `app.${zone}`, 'A')).toEqual(['198.51.100.20']);
    expect((await plan(grow, p, { 'us-east': 'down' })).changes).toEqual([]);
  });

  it('reports a change PowerDNS rejects with the record it names, and nothing is half-written', async () => {
    const zone = await newZone();
    // a user's TXT at a name config wants as a CNAME: not a managed type, so the plan goes ahead,
    // and PowerDNS refuses a CNAME beside other data
    await pdns.patch(zone, [rr(`alias.${zone}.`, 'TXT', ['"hello"'])]);
    const config = makeConfig(pdns.url, zone, [
      failover(`app.${zone}`, ['us-east']),
      { name: `alias.${zone}`, type: 'CNAME', ttl: 60, policy: { kind: 'failover', order: ['cdn'] } },
    ]);
    const cname = makeConfig(pdns.url, zone, [failover(`app.${zone}`, ['us-east'])]);
    const p = await open(config, pdns.apiKey);
    const zp = await plan(config, p);
    const err = await applyZonePlan(zp, p, { mode: 'apply' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidChangeError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `powerdns provider pdns, zone ${zone.replace(/\./g, '\\.')}\\.: PowerDNS rejected .*because of record alias\\.${zone.replace(/\./g, '\\.')}\\. CNAME.*nothing in this request was written`,
      ),
    );
    // all or nothing: app was not written either
    expect(await dnsAnswer(pdns.dnsPort, `app.${zone}`, 'A')).toEqual([]);
    await converge(cname, p);
    expect((await plan(cname, p)).changes).toEqual([]);
  });
});

function rr(name: string, type: string, contents: string[], ttl = 300) {
  return {
    name,
    type,
    ttl,
    changetype: 'REPLACE',
    records: contents.map((content) => ({ content, disabled: false })),
  };
}
