// NOTIFY to secondaries that misbehave, over real UDP sockets on loopback: one that never answers
// (retries are bounded, then one log line), one that answers garbage, one that refuses, one that
// signs its answer with the wrong key, and one that acknowledges after dropping the first try.
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { Notifier, type NotifyOutcome } from '../../../providers/builtin/dns-server/notify.ts';
import type { StoreSnapshot } from '../../../providers/builtin/store.ts';
import { sign, tsigKey, verify } from '../../../providers/tsig/index.ts';
import { OTHER_SECRET, SECRET } from './fixture.ts';
import { captureLogger } from './logs.ts';

const KEY = tsigKey('xfr-key', 'hmac-sha256', SECRET);
const WRONG = tsigKey('xfr-key', 'hmac-sha256', OTHER_SECRET);

const snap = (serial: number, values = ['192.0.2.1']): StoreSnapshot => ({
  serial,
  generation: serial,
  zones: { 'example.com.': [{ name: 'app.example.com.', type: 'A', ttl: 30, values }] },
});

type Reply = (msg: Buffer, n: number) => Buffer | undefined;

const sockets: Socket[] = [];
const notifiers: Notifier[] = [];
afterEach(async () => {
  for (const n of notifiers.splice(0)) await n.close();
  for (const s of sockets.splice(0)) s.close();
});

/** A UDP "secondary" that records what it got and answers with `reply` (undefined: silence). */
async function secondary(reply: Reply, v6 = false): Promise<{ addr: string; got: Buffer[] }> {
  const s = createSocket(v6 ? 'udp6' : 'udp4');
  sockets.push(s);
  const got: Buffer[] = [];
  s.on('message', (msg, rinfo) => {
    got.push(msg);
    const out = reply(msg, got.length);
    if (out) s.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => s.bind(0, v6 ? '::1' : '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  return { addr: v6 ? `[::1]:${port}` : `127.0.0.1:${port}`, got };
}

function ack(msg: Buffer, rcode = 0): Buffer {
  const p = dnsPacket.decode(msg);
  const out = Buffer.from(
    dnsPacket.encode({
      type: 'response',
      id: p.id,
      flags: (4 << 11) | rcode,
      questions: p.questions,
    }),
  );
  return out;
}

function run(secondaries: string[], extra: Partial<ConstructorParameters<typeof Notifier>[0]> = {}) {
  const logs = captureLogger();
  const outcomes: NotifyOutcome[] = [];
  const n = new Notifier({
    providerId: 'local',
    apexes: ['example.com.'],
    secondaries,
    logger: logs.logger,
    timeoutMs: 40,
    maxTimeoutMs: 80,
    attempts: 3,
    onOutcome: (o) => outcomes.push(o),
    ...extra,
  });
  notifiers.push(n);
  return { n, logs, outcomes };
}

async function until(fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('NOTIFY', () => {
  it('sends a NOTIFY (opcode 4, AA, the zone SOA question) and stops at the acknowledgement', async () => {
    const sec = await secondary((m) => ack(m));
    const { n, outcomes, logs } = run([sec.addr]);
    n.update(snap(5));
    await until(() => outcomes.length === 1);
    expect(outcomes[0]).toMatchObject({ ok: true, serial: 5, attempts: 1, zone: 'example.com.' });
    const p = dnsPacket.decode(sec.got[0]!);
    expect((p.flags! >> 11) & 0xf).toBe(4);
    expect(p.flag_aa).toBe(true);
    expect(p.questions).toEqual([{ name: 'example.com', type: 'SOA', class: 'IN' }]);
    expect(logs.lines().filter((l) => l.msg === 'secondary acknowledged NOTIFY')).toHaveLength(1);
    // The same records again (another zone's write bumped the serial): no new NOTIFY.
    n.update(snap(6));
    await new Promise((r) => setTimeout(r, 100));
    expect(sec.got).toHaveLength(1);
  });

  it('reaches a secondary on IPv6', async () => {
    const sec = await secondary((m) => ack(m), true);
    const { n, outcomes } = run([sec.addr]);
    n.update(snap(4));
    await until(() => outcomes.length === 1);
    expect(outcomes[0]).toMatchObject({ ok: true, secondary: '[::1]:' + sec.addr.split(':').pop() });
  });

  it('retries until acknowledged', async () => {
    const sec = await secondary((m, i) => (i < 3 ? undefined : ack(m)));
    const { n, outcomes } = run([sec.addr], { attempts: 5 });
    n.update(snap(7));
    await until(() => outcomes.length === 1);
    expect(outcomes[0]).toMatchObject({ ok: true, attempts: 3 });
  });

  it('gives up on a secondary that never answers after a bounded number of tries, with one warning', async () => {
    const sec = await secondary(() => undefined);
    const { n, outcomes, logs } = run([sec.addr]);
    n.update(snap(8));
    await until(() => outcomes.length === 1);
    expect(outcomes[0]).toMatchObject({ ok: false, attempts: 3 });
    expect(outcomes[0]!.detail).toMatch(/no answer after 3 attempts/);
    expect(sec.got).toHaveLength(3);
    const warns = logs.lines().filter((l) => l.level === 40);
    expect(warns).toHaveLength(1);
    expect(String(warns[0]!.msg)).toContain(
      `secondary ${sec.addr} did not acknowledge NOTIFY for example.com.`,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(sec.got).toHaveLength(3);
  });

  it('treats a malformed answer as no answer (it may be spoofed) and names it when giving up', async () => {
    // The right id and a header promising a question that is not there.
    const sec = await secondary((m) =>
      Buffer.concat([m.subarray(0, 2), Buffer.from([0xa4, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xff])]),
    );
    const { n, outcomes } = run([sec.addr]);
    n.update(snap(9));
    await until(() => outcomes.length === 1);
    expect(outcomes[0]).toMatchObject({ ok: false, attempts: 3 });
    expect(outcomes[0]!.detail).toMatch(/no valid answer after 3 attempts \(last: malformed answer/);
  });

  it('stops at once on a refusal, naming the rcode and what to check', async () => {
    const sec = await secondary((m) => ack(m, 5));
    const { n, outcomes } = run([sec.addr]);
    n.update(snap(10));
    await until(() => outcomes.length === 1);
    expect(outcomes[0]).toMatchObject({ ok: false, attempts: 1 });
    expect(outcomes[0]!.detail).toMatch(/answered REFUSED \(check the secondary's ACL/);
  });

  it('signs with the key and rejects an answer signed with another key', async () => {
    const good = await secondary((m) => {
      const v = verify(m, (name) => (name === KEY.name ? KEY : undefined));
      return v?.ok ? sign(ack(m), KEY, { requestMac: v.tsig.mac }).message : undefined;
    });
    const bad = await secondary((m) => {
      const v = verify(m, (name) => (name === KEY.name ? KEY : undefined));
      return v?.ok ? sign(ack(m), WRONG, { requestMac: v.tsig.mac }).message : undefined;
    });
    const { n, outcomes } = run([good.addr, bad.addr], { key: KEY });
    n.update(snap(11));
    await until(() => outcomes.length === 2);
    const bySecondary = Object.fromEntries(outcomes.map((o) => [o.secondary, o]));
    expect(bySecondary[good.addr]).toMatchObject({ ok: true });
    expect(bySecondary[bad.addr]).toMatchObject({ ok: false });
    expect(bySecondary[bad.addr]!.detail).toMatch(/TSIG on the answer failed: MAC does not match/);
  });

  it('a newer change replaces a pending NOTIFY (only the latest serial is retried)', async () => {
    const sec = await secondary(() => undefined);
    const { n, outcomes } = run([sec.addr], { attempts: 2, timeoutMs: 100, maxTimeoutMs: 100 });
    n.update(snap(12, ['192.0.2.1']));
    n.update(snap(13, ['192.0.2.2']));
    await until(() => outcomes.length === 1);
    await new Promise((r) => setTimeout(r, 250));
    expect(outcomes.map((o) => o.serial)).toEqual([13]);
  });
});
