// A real PowerDNS Authoritative Server for the adapter tests: pdns_server with the gsqlite3 backend on
// a temp database, its API webserver on an ephemeral loopback port (found from /proc, since pdns
// only logs ":0") and its DNS listener on a free loopback port. Nothing leaves 127.0.0.1: the
// security poll (a DNS query to the internet by default) is switched off.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PDNS = '/usr/sbin/pdns_server';
const SCHEMAS = [
  '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql',
  '/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql',
];

function onPath(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why these tests cannot run here, or undefined when they can. */
export function missing(): string | undefined {
  if (!existsSync(PDNS))
    return 'pdns_server is not installed (apt-get install pdns-server pdns-backend-sqlite3)';
  if (!existsSync('/usr/lib/x86_64-linux-gnu/pdns/libgsqlite3backend.so') && !SCHEMAS.some(existsSync))
    return 'the gsqlite3 backend is not installed (apt-get install pdns-backend-sqlite3)';
  if (!SCHEMAS.some(existsSync))
    return 'the gsqlite3 schema file is missing (apt-get install pdns-backend-sqlite3)';
  if (!onPath('sqlite3')) return 'the sqlite3 command is not installed (apt-get install sqlite3)';
  return undefined;
}

/** A loopback port free for both UDP and TCP right now. */
async function freeDnsPort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const tcp = createServer();
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    const port = (tcp.address() as { port: number }).port;
    const udp = createSocket('udp4');
    const ok = await new Promise<boolean>((r) => {
      udp.once('error', () => r(false));
      udp.bind(port, '127.0.0.1', () => r(true));
    });
    udp.close();
    await new Promise<void>((r) => tcp.close(() => r()));
    if (ok) return port;
  }
  throw new Error('no free loopback port for UDP and TCP');
}

/** The TCP ports `pid` listens on, from its socket inodes and /proc/net/tcp. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // fd closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== '0A' || !inodes.has(f[9]!)) continue;
    ports.push(Number.parseInt(f[1]!.split(':')[1]!, 16));
  }
  return ports;
}

export interface PdnsServer {
  /** API base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  apiKey: string;
  dnsPort: number;
  dir: string;
  /** Create a Native zone with an NS record. */
  createZone(name: string): Promise<void>;
  /** PATCH RRsets directly (a hand edit by someone else). */
  patch(zone: string, rrsets: unknown[]): Promise<void>;
  /** The zone's RRsets as the API returns them. */
  rrsets(
    zone: string,
  ): Promise<{ name: string; type: string; ttl: number; records: { content: string }[] }[]>;
  stop(): Promise<void>;
}

export async function startPdns(apiKey = 'pdns-test-key-4711'): Promise<PdnsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'geofailover-pdns-'));
  const db = join(dir, 'pdns.sqlite3');
  const schema = SCHEMAS.find(existsSync)!;
  execFileSync('sqlite3', [db], { input: readFileSync(schema) });
  const dnsPort = await freeDnsPort();
  const proc: ChildProcess = spawn(
    PDNS,
    [
      '--no-config',
      '--daemon=no',
      '--guardian=no',
      '--disable-syslog',
      '--loglevel=4',
      `--socket-dir=${dir}`,
      '--launch=gsqlite3',
      `--gsqlite3-database=${db}`,
      '--local-address=127.0.0.1',
      `--local-port=${dnsPort}`,
      '--api=yes',
      `--api-key=${apiKey}`,
      '--webserver=yes',
      '--webserver-address=127.0.0.1',
      '--webserver-port=0',
      '--webserver-allow-from=127.0.0.0/8',
      '--security-poll-suffix=',
      // answers straight from the database: a test reads its own writes over DNS at once
      '--cache-ttl=0',
      '--negquery-cache-ttl=0',
      '--query-cache-ttl=0',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  proc.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));

  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  let url = '';
  const until = Date.now() + 15_000;
  try {
    while (!url) {
      if (proc.exitCode !== null) throw new Error(`pdns_server exited (${proc.exitCode}): ${log}`);
      if (Date.now() > until) throw new Error(`pdns_server not ready after 15 s: ${log}`);
      const web = listeningPorts(proc.pid!).filter((p) => p !== dnsPort);
      for (const port of web) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/servers/localhost`, {
            headers: { 'X-API-Key': apiKey },
          });
          if (res.ok) url = `http://127.0.0.1:${port}`;
        } catch {
          // not answering yet
        }
      }
      if (!url) await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    await stop();
    throw err;
  }

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api/v1/servers/localhost${path}`, {
      method,
      headers: { 'X-API-Key': apiKey, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
    return text;
  };

  return {
    url,
    apiKey,
    dnsPort,
    dir,
    async createZone(name) {
      const zone = name.endsWith('.') ? name : `${name}.`;
      await api('POST', '/zones', { name: zone, kind: 'Native', nameservers: [`ns1.${zone}`] });
    },
    async patch(zone, rrsets) {
      await api('PATCH', `/zones/${zone.endsWith('.') ? zone : `${zone}.`}`, { rrsets });
    },
    async rrsets(zone) {
      return JSON.parse(await api('GET', `/zones/${zone.endsWith('.') ? zone : `${zone}.`}`)).rrsets;
    },
    stop,
  };
}
