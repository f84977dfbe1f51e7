// Runs a real Knot DNS (knotd) for the differential tests: a temporary directory, a config listening
// on loopback (IPv4 and ::1) on a free port, and a zone file generated from the same records the
// builtin server serves, with the same synthesised SOA and NS (see providers/builtin/dns-server/zones.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordSet } from '../../../src/model/index.ts';
import { buildQuery, udpExchange } from './wire.ts';

export interface ZoneFileSettings {
  apex: string;
  serial: number;
  nameservers: string[];
  /** SOA TTL, negative TTL and NS TTL as the builtin server synthesises them. */
  soaTtl?: number;
  negativeTtl?: number;
  nsTtl?: number;
}

function quoteTxt(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  const chunks: string[] = [];
  for (let i = 0; i < Math.max(1, bytes.length); i += 255) {
    const part = bytes.subarray(i, i + 255).toString('latin1');
    chunks.push(`"${part.replace(/[\\"]/g, (c) => `\\${c}`)}"`);
  }
  return chunks.join(' ');
}

/** An RFC 1035 master file of the zone (only plain record sets: Knot has no weights or geo here). */
export function zoneFile(records: readonly RecordSet[], s: ZoneFileSettings): string {
  const lines = [
    `$ORIGIN ${s.apex}`,
    `@ ${s.soaTtl ?? 300} IN SOA ${s.nameservers[0]} hostmaster.${s.apex} ${s.serial} 3600 600 604800 ${s.negativeTtl ?? 60}`,
    ...s.nameservers.map((ns) => `@ ${s.nsTtl ?? 3600} IN NS ${ns}`),
  ];
  for (const r of records) {
    if (r.weight !== undefined || r.geo !== undefined)
      throw new Error(`${r.name}: Knot cannot serve weighted/geo sets`);
    for (const v of r.values)
      lines.push(`${r.name} ${r.ttl} IN ${r.type} ${r.type === 'TXT' ? quoteTxt(v) : v}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface Knot {
  port: number;
  stop(): Promise<void>;
}

export async function startKnot(
  apex: string,
  zone: string,
  options: { udpWorkers?: number } = {},
): Promise<Knot> {
  const dir = mkdtempSync(join(tmpdir(), 'gf-knot-'));
  const port = await freePort();
  writeFileSync(join(dir, 'zone'), zone);
  writeFileSync(
    join(dir, 'knot.conf'),
    `server:
    listen: [ 127.0.0.1@${port}, ::1@${port} ]
    rundir: "${dir}"
    udp-workers: ${options.udpWorkers ?? 1}
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: warning
database:
    storage: "${dir}"
template:
  - id: default
    storage: "${dir}"
    semantic-checks: off
zone:
  - domain: ${apex}
    file: zone
`,
  );
  const child: ChildProcess = spawn('knotd', ['-c', join(dir, 'knot.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d) => {
    log += d;
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null) return done();
      child.once('exit', done);
      child.kill('SIGTERM');
    });
  // knotd prints nothing on a clean start at warning level: poll until it answers the SOA.
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    const r = await udpExchange('127.0.0.1', port, buildQuery({ name: apex, type: 6 }), 200).catch(
      () => undefined,
    );
    if (r && (r.readUInt16BE(2) & 0xf) === 0) return { port, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`knotd did not start:\n${log}`);
}
