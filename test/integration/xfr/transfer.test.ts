// Zone transfers from the builtin server checked with kdig (knot-dnsutils), which verifies TSIG on
// every message: who may transfer (allowTransfer by key and by address), bad and unknown keys,
// IXFR diffs from the journal and the AXFR fallback, IXFR over UDP, multi-message AXFR of a zone
// bigger than one message, and a client that stops reading mid-transfer.
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordSet } from '../../../src/model/index.ts';
import { has, RECORDS } from '../dns/fixture.ts';
import { KEY_NAME, OTHER_SECRET, SECRET, startXfrFixture, type XfrFixture } from './fixture.ts';

const run = promisify(execFile);
const hasKdig = has('kdig');
if (!hasKdig) console.warn('skipping transfer tests: kdig (knot-dnsutils) is not installed');

const KEY = `hmac-sha256:${KEY_NAME}:${SECRET}`;

/** kdig's output (and its stderr when it failed) as one text. */
async function kdig(port: number, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(
      'kdig',
      ['@127.0.0.1', '-p', String(port), '+time=3', '+retry=0', ...args],
      { timeout: 15_000, maxBuffer: 64 << 20 },
    );
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
}

/** Record lines of a transfer as "name type rdata" (TSIG and comments dropped). */
function records(out: string): string[] {
  return out
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith(';') && !/\sTSIG\s/.test(l))
    .map((l) => {
      const f = l.trim().split(/\s+/);
      return [f[0], f[3], ...f.slice(4)].join(' ');
    });
}

const soaSerial = (line: string) => Number(line.split(' ')[4]);

describe.skipIf(!hasKdig)('AXFR and IXFR with TSIG', () => {
  let fx: XfrFixture;
  beforeAll(async () => {
    fx = await startXfrFixture({ provider: `allowTransfer: [{ key: ${KEY_NAME} }]` });
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('transfers to a client with the key: SOA first and last, NS, flattened geo/weighted, signed', async () => {
    const out = await kdig(fx.port, ['-y', KEY, 'AXFR', 'example.com']);
    expect(out).not.toMatch(/;; (ERROR|WARNING)/);
    const rr = records(out);
    expect(rr[0]).toMatch(/^example\.com\. SOA ns1\.example\.com\. hostmaster\.example\.com\. \d+ /);
    expect(rr[rr.length - 1]).toBe(rr[0]);
    expect(rr).toContain('example.com. NS ns1.example.com.');
    expect(rr).toContain('www.example.com. A 192.0.2.10');
    expect(rr.filter((l) => l.startsWith('www.example.com. A'))).toHaveLength(1);
    expect(rr.filter((l) => l.startsWith('api.example.com. A'))).toEqual([
      'api.example.com. A 192.0.2.20',
      'api.example.com. A 192.0.2.30',
    ]);
    expect(out).toMatch(/TSIG\s+hmac-sha256\./);
  });

  it('refuses a client without the key, and over UDP', async () => {
    expect(await kdig(fx.port, ['AXFR', 'example.com'])).toMatch(/REFUSED/);
    expect(await kdig(fx.port, ['+notcp', '-y', KEY, 'AXFR', 'example.com'])).toMatch(/REFUSED/);
  });

  it('answers a bad signature NOTAUTH/BADSIG and an unknown key NOTAUTH/BADKEY, never the zone', async () => {
    const bad = await kdig(fx.port, ['-y', `hmac-sha256:${KEY_NAME}:${OTHER_SECRET}`, 'AXFR', 'example.com']);
    expect(bad).toMatch(/BADSIG/);
    expect(records(bad)).toEqual([]);
    const unknown = await kdig(fx.port, ['-y', `hmac-sha256:other-key:${SECRET}`, 'AXFR', 'example.com']);
    expect(unknown).toMatch(/BADKEY/);
    const alg = await kdig(fx.port, ['-y', `hmac-sha512:${KEY_NAME}:${SECRET}`, 'AXFR', 'example.com']);
    expect(alg).toMatch(/BADKEY/);
  });

  it('signs the answer to a signed SOA query (a secondary refresh) and answers NOTAUTH for other zones', async () => {
    const soa = await kdig(fx.port, ['-y', KEY, 'SOA', 'example.com']);
    expect(soa).toMatch(/status: NOERROR/);
    expect(soa).toMatch(/TSIG PSEUDOSECTION/);
    expect(soa).not.toMatch(/WARNING/);
    expect(await kdig(fx.port, ['-y', KEY, 'AXFR', 'example.org'])).toMatch(/NOTAUTH/);
  });

  it('IXFR returns the diff from the journal, condensed to one SOA-old .. SOA-new sequence', async () => {
    const from = fx.store.snapshot().serial;
    const app = RECORDS.find((r) => r.name === 'app.example.com.')!;
    await fx.provider.apply('example.com', [
      {
        kind: 'update',
        before: app,
        after: { ...app, values: ['192.0.2.7'] },
        reason: { code: 'region-down' },
      },
    ]);
    const added: RecordSet = { name: 'new.example.com.', type: 'A', ttl: 30, values: ['192.0.2.8'] };
    await fx.provider.apply('example.com', [{ kind: 'create', after: added, reason: { code: 'config' } }]);
    const to = fx.store.snapshot().serial;
    expect(to).toBe(from + 2);
    const out = await kdig(fx.port, ['-y', KEY, `IXFR=${from}`, 'example.com']);
    expect(out).not.toMatch(/;; (ERROR|WARNING)/);
    const rr = records(out);
    expect(rr.map((l) => (l.includes(' SOA ') ? `SOA ${soaSerial(l)}` : l))).toEqual([
      `SOA ${to}`,
      `SOA ${from}`,
      'app.example.com. A 192.0.2.1',
      'app.example.com. A 192.0.2.2',
      `SOA ${to}`,
      'app.example.com. A 192.0.2.7',
      'new.example.com. A 192.0.2.8',
      `SOA ${to}`,
    ]);
    // Up to date (or "newer" in RFC 1982 terms): one SOA.
    expect(records(await kdig(fx.port, ['-y', KEY, `IXFR=${to}`, 'example.com']))).toHaveLength(1);
    expect(records(await kdig(fx.port, ['-y', KEY, `IXFR=${to + 10}`, 'example.com']))).toHaveLength(1);
    // Older than the journal reaches: the whole zone, AXFR style (SOA, records, SOA).
    const old = records(await kdig(fx.port, ['-y', KEY, 'IXFR=4000000000', 'example.com']));
    expect(old.length).toBeGreaterThan(10);
    expect(old.filter((l) => l.includes(' SOA '))).toHaveLength(2);
  });

  it('answers a small IXFR over UDP, and a too-big one with our SOA alone (RFC 1995 §2)', async () => {
    const from = fx.store.snapshot().serial;
    const added: RecordSet = { name: 'udp.example.com.', type: 'A', ttl: 30, values: ['192.0.2.9'] };
    await fx.provider.apply('example.com', [{ kind: 'create', after: added, reason: { code: 'config' } }]);
    const small = records(await kdig(fx.port, ['+notcp', '-y', KEY, `IXFR=${from}`, 'example.com']));
    expect(small).toContain('udp.example.com. A 192.0.2.9');
    const big = await kdig(fx.port, ['+notcp', '-y', KEY, 'IXFR=1', 'example.com']);
    expect(big).toMatch(/UDP/);
    expect(records(big)).toHaveLength(1);
  });
});

describe.skipIf(!hasKdig)('allowTransfer by address', () => {
  it('transfers to an allowed network without a key and refuses other networks', async () => {
    const ok = await startXfrFixture({ provider: 'allowTransfer: [{ address: 127.0.0.0/8 }]' });
    const no = await startXfrFixture({
      provider: 'allowTransfer: [{ address: 10.0.0.0/8 }, { address: "::1" }]',
    });
    try {
      expect(records(await kdig(ok.port, ['AXFR', 'example.com'])).length).toBeGreaterThan(10);
      expect(await kdig(no.port, ['AXFR', 'example.com'])).toMatch(/REFUSED/);
    } finally {
      await ok.close();
      await no.close();
    }
  });

  it('with no allowTransfer at all, AXFR stays REFUSED (as before)', async () => {
    const fx = await startXfrFixture({ provider: '' });
    try {
      expect(await kdig(fx.port, ['-y', KEY, 'AXFR', 'example.com'])).toMatch(/REFUSED/);
    } finally {
      await fx.close();
    }
  });
});

describe.skipIf(!hasKdig)('a zone bigger than one message', () => {
  // 6,000 TXT records of ~200 octets: about 1.3 MB, so at least 20 messages of 64 KiB or less.
  const BIG: RecordSet[] = Array.from({ length: 6000 }, (_, i) => ({
    name: `t${i}.bulk.example.com.`,
    type: 'TXT',
    ttl: 60,
    values: [`${i}-${'y'.repeat(180)}`],
  }));
  let fx: XfrFixture;
  beforeAll(async () => {
    fx = await startXfrFixture({ records: BIG, provider: `allowTransfer: [{ key: ${KEY_NAME} }]` });
  }, 60_000);
  afterAll(async () => {
    await fx?.close();
  });

  it('is sent in several messages, each signed (kdig verifies them all), SOA first and last', async () => {
    const out = await kdig(fx.port, ['-y', KEY, 'AXFR', 'example.com']);
    expect(out).not.toMatch(/;; (ERROR|WARNING)/);
    const m = /Received \d+ B \((\d+) messages, (\d+) records\)/.exec(out);
    expect(m, out.slice(-500)).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(20);
    const rr = records(out);
    expect(rr.filter((l) => l.includes(' TXT '))).toHaveLength(6000);
    expect(rr[0]).toMatch(/ SOA /);
    expect(rr[rr.length - 1]).toBe(rr[0]);
    expect(out.match(/\sTSIG\s/g)!.length).toBe(Number(m![1]));
  });

  it('a client that stops reading mid-transfer does not wedge the server', async () => {
    // Ask for the zone over raw TCP and never read the answer.
    const stalled = connect(fx.port, '127.0.0.1');
    await new Promise<void>((r) => stalled.once('connect', () => r()));
    stalled.pause();
    const q = dnsPacket.encode({ type: 'query', id: 7, questions: [{ name: 'example.com', type: 'AXFR' }] });
    const framed = Buffer.alloc(2 + q.length);
    framed.writeUInt16BE(q.length, 0);
    q.copy(framed, 2);
    stalled.write(framed);
    try {
      // Ordinary queries over UDP and TCP, and another full transfer, still work meanwhile.
      expect(await kdig(fx.port, ['+short', 't5.bulk.example.com', 'TXT'])).toMatch(/^"5-y+"/);
      expect(await kdig(fx.port, ['+tcp', '+short', 't6.bulk.example.com', 'TXT'])).toMatch(/^"6-y+"/);
      const again = await kdig(fx.port, ['-y', KEY, 'AXFR', 'example.com']);
      expect(records(again).filter((l) => l.includes(' TXT '))).toHaveLength(6000);
    } finally {
      stalled.destroy();
    }
    // And after it left.
    expect(await kdig(fx.port, ['+short', 't7.bulk.example.com', 'TXT'])).toMatch(/^"7-y+"/);
  });
});
