// Hostile input against the real `geofailover dns-server` process over UDP and TCP: 40,000+ random
// and mutated packets (0xFFFF counts in every section, pointer loops, broken OPT/ECS, truncations).
// Afterwards the server must still answer a normal query correctly, and its memory must level off.
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packet } from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuiltinProvider, ZoneStore } from '../../../providers/builtin/index.ts';
import type { Change } from '../../../src/model/index.ts';
import { recordHostile } from '../../helpers/hostile.ts';
import { cookieOption, ecsOption, header, nameWire, opt, option, query } from '../../unit/builtin/packets.ts';
import { type ServerProcess, startServerProcess } from './cli.ts';
import { configYaml, RECORDS } from './fixture.ts';

const hasProc = existsSync('/proc/self/status');
if (!hasProc) console.warn('fuzz test: no /proc on this system; memory is not checked');

let dir: string;
let server: ServerProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gf-fuzz-'));
  const storeFile = join(dir, 'zones.json');
  writeFileSync(join(dir, 'config.yaml'), configYaml(storeFile));
  const store = new ZoneStore(storeFile);
  store.loadOrEmpty();
  const changes: Change[] = RECORDS.map((after) => ({ kind: 'create', after, reason: { code: 'config' } }));
  await new BuiltinProvider('local', 'me', store).apply('example.com', changes);
  server = await startServerProcess(join(dir, 'config.yaml'));
});
afterAll(async () => {
  await server?.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A small seeded PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function packets(n: number, seed: number): Buffer[] {
  const rnd = prng(seed);
  const int = (k: number) => Math.floor(rnd() * k);
  const names = [
    'www.example.com',
    'api.example.com',
    'app.example.com',
    'big.example.com',
    'x.example.org',
    'alias.example.com',
  ];
  const valid = () =>
    query(names[int(names.length)]!, {
      id: int(0x10000),
      type: [1, 16, 28, 5, 255, 6, 2][int(7)]!,
      ...(rnd() < 0.6
        ? {
            edns: {
              payload: int(0x10000),
              version: int(3),
              options:
                rnd() < 0.5 ? [cookieOption(), ecsOption('81.2.3.0', 24)] : [ecsOption('2001:db8::', 32)],
            },
          }
        : {}),
    });
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const kind = int(10);
    let b: Buffer;
    if (kind === 0) {
      b = Buffer.from(Array.from({ length: int(600) }, () => int(256)));
    } else if (kind === 1) {
      // A header claiming 0xFFFF records in every section, bare or with some bytes after it.
      b = Buffer.concat([
        header([0xffff, 0xffff, 0xffff, 0xffff], int(0x10000)),
        Buffer.from(Array.from({ length: int(64) }, () => int(256))),
      ]);
    } else if (kind === 2) {
      // A compression pointer loop in the question name.
      b = Buffer.concat([header([1, 0, 0, 0], int(0x10000)), Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
    } else if (kind === 3) {
      // OPT option lengths that lie.
      const o = opt(1232, 0, [option(8, Buffer.from([0, 1, 24, 0, 81, 2, 3]))]);
      o.writeUInt16BE(int(0x10000), 11 + 2);
      b = Buffer.concat([
        header([1, 0, 0, 1], int(0x10000)),
        nameWire('www.example.com'),
        Buffer.from([0, 1, 0, 1]),
        o,
      ]);
    } else if (kind === 4) {
      b = valid().subarray(0, int(60));
    } else {
      b = Buffer.from(valid());
      const flips = 1 + int(6);
      for (let f = 0; f < flips; f++) b[int(b.length)] = int(256);
      if (rnd() < 0.2) b = Buffer.concat([b, Buffer.from(Array.from({ length: int(40) }, () => int(256)))]);
    }
    out.push(b);
  }
  return out;
}

async function blastUdp(port: number, list: Buffer[]): Promise<void> {
  const sock = createSocket('udp4');
  sock.on('message', () => {}); // responses are not checked here; surviving them is
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  for (let i = 0; i < list.length; i += 200) {
    await Promise.all(
      list.slice(i, i + 200).map((b) => new Promise<void>((r) => sock.send(b, port, '127.0.0.1', () => r()))),
    );
    await new Promise((r) => setTimeout(r, 2));
  }
  await new Promise((r) => setTimeout(r, 200));
  sock.close();
}

async function blastTcp(port: number, list: Buffer[]): Promise<void> {
  for (let i = 0; i < list.length; i += 500) {
    await new Promise<void>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        for (const b of list.slice(i, i + 500)) {
          const len = Buffer.alloc(2);
          len.writeUInt16BE(b.length, 0);
          s.write(Buffer.concat([len, b]));
        }
        // A length prefix promising more than is ever sent, then hang up.
        s.end(Buffer.from([0xff, 0xff, 1, 2, 3]));
      });
      s.on('data', () => {});
      s.on('error', () => resolve());
      s.on('close', () => resolve());
    });
  }
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

async function ask(port: number, q: Buffer): Promise<Buffer> {
  const sock = createSocket('udp4');
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no answer')), 3000);
      sock.once('message', (m) => {
        clearTimeout(t);
        resolve(m);
      });
      sock.send(q, port, '127.0.0.1');
    });
  } finally {
    sock.close();
  }
}

describe('fuzz', () => {
  it('survives 40,000 hostile packets, still answers correctly, memory levels off', async () => {
    const port = server!.port;
    const pid = server!.child.pid!;
    // 48,000 hostile packets: held only if the server is still up and answering correctly at the end.
    const HOSTILE = 5_000 + 20_000 + 3_000 + 20_000;
    recordHostile('dns-packets', HOSTILE, 0);
    await blastUdp(port, packets(5_000, 1)); // warm-up: caches and JIT settle
    const rss1 = hasProc ? rssKb(pid) : 0;
    await blastUdp(port, packets(20_000, 2));
    await blastTcp(port, packets(3_000, 3));
    const rss2 = hasProc ? rssKb(pid) : 0;
    await blastUdp(port, packets(20_000, 4));
    const rss3 = hasProc ? rssKb(pid) : 0;

    const reply = Packet.parse(
      await ask(
        port,
        query('www.example.com', {
          id: 4321,
          edns: { options: [cookieOption(), ecsOption('81.20.3.0', 24)] },
        }),
      ),
    );
    expect(reply.header.id).toBe(4321);
    expect(reply.answers.map((a) => (a as { address?: string }).address)).toEqual(['198.51.100.2']);
    expect(server!.child.exitCode).toBeNull();

    if (hasProc) {
      console.log(
        `dns-server RSS: ${rss1} kB after warm-up, ${rss2} kB after 23k, ${rss3} kB after 43k packets`,
      );
      expect(rss3 - rss1).toBeLessThan(96 * 1024);
      expect(rss3 - rss2).toBeLessThan(48 * 1024);
    }
    // The stop line carries the counters: malformed packets were counted, never logged one by one.
    await server!.stop('SIGTERM');
    const err = server!.stderr();
    const stats = JSON.parse(err.split('\n').find((l) => l.includes('dns server stopping'))!).stats[0];
    expect(stats.malformed).toBeGreaterThan(5_000);
    expect(stats.servfail).toBe(0);
    expect(err.split('\n').filter(Boolean).length).toBeLessThan(10);
    server = undefined;
    recordHostile('dns-packets', HOSTILE, HOSTILE);
  });
});
