// The servers bench/dns.ts compares, on one zone: the bare node:dgram floor (bench/dns-floor.ts),
// `geofailover dns-server` with N workers (geo answers by client subnet), and Knot DNS with N UDP
// workers (the same zone without geo); and the dnsperf query file they are asked.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuiltinProvider, ZoneStore } from '../../providers/builtin/index.ts';
import type { Change, RecordSet } from '../../src/model/index.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

const A = (name: string, values: string[], extra: Partial<RecordSet> = {}): RecordSet => ({
  name,
  type: 'A',
  ttl: 30,
  values,
  ...extra,
});
export const RECORDS: RecordSet[] = [
  A('www.example.com.', ['198.51.100.1'], { setId: 'eu', geo: { continent: 'EU' } }),
  A('www.example.com.', ['198.51.100.2'], { setId: 'fr', geo: { country: 'FR' } }),
  A('www.example.com.', ['198.51.100.3'], { setId: 'ca', geo: { country: 'US', subdivision: 'CA' } }),
  A('www.example.com.', ['192.0.2.10'], { setId: 'default', geo: 'default' }),
  A('app.example.com.', ['192.0.2.1', '192.0.2.2']),
];

export function configYaml(storeFile: string, workers: number): string {
  return `owner: bench
regions:
  - id: us
    endpoints: [{ id: a, address: 192.0.2.1, check: { kind: tcp, port: 80 } }]
providers:
  local: { kind: builtin, listen: "127.0.0.1:0", storeFile: ${JSON.stringify(storeFile)}, workers: ${workers} }
zones:
  - name: example.com
    provider: local
geoip:
  networks:
    - { cidr: 81.0.0.0/8, country: DE }
    - { cidr: 81.20.0.0/16, country: FR }
    - { cidr: 100.64.0.0/10, country: US, subdivision: CA }
`;
}

export const KNOT_ZONE = `$ORIGIN example.com.
$TTL 300
@ IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 604800 60
@ IN NS ns1.example.com.
www 30 IN A 192.0.2.10
app 30 IN A 192.0.2.1
app 30 IN A 192.0.2.2
`;

/** One query: www.example.com A, EDNS 1232, ECS for `subnet`/24. */
function ecsQuery(a: number, b: number, c: number): Buffer {
  const name = Buffer.from('03777777076578616d706c6503636f6d00', 'hex');
  const head = Buffer.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
  const q = Buffer.from([0, 1, 0, 1]);
  const ecs = Buffer.from([0, 8, 0, 7, 0, 1, 24, 0, a, b, c]);
  const opt = Buffer.from([0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, ecs.length]);
  return Buffer.concat([head, name, q, opt, ecs]);
}

/** dnsperf -B input: each message preceded by its 2-octet length (TCP stream framing). */
export function queryFile(path: string): void {
  const parts: Buffer[] = [];
  for (let i = 0; i < 1024; i++) {
    const loc = i % 4;
    const x = (i >> 2) & 0xff;
    const q =
      loc === 0
        ? ecsQuery(81, x, 7)
        : loc === 1
          ? ecsQuery(81, 20, x)
          : loc === 2
            ? ecsQuery(100, 64 + (x & 63), x)
            : ecsQuery(203, x, 113);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(q.length, 0);
    parts.push(len, q);
  }
  writeFileSync(path, Buffer.concat(parts));
}

export interface Server {
  name: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

function waitFor(
  child: ChildProcess,
  stream: 'stdout' | 'stderr',
  re: RegExp,
  what: string,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${text}`)), 30_000);
    child[stream]!.on('data', (d) => {
      text += d;
      const m = re.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.on('exit', (code) => reject(new Error(`${what} exited with ${code}:\n${text}`)));
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      // Stopped already (by a signal, exitCode stays null): 'exit' will not fire again.
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

export async function startFloor(): Promise<Server> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/run-ts.js'), join(ROOT, 'bench/dns-floor.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const m = await waitFor(child, 'stdout', /listening (\d+)/, 'floor server');
  return {
    name: 'floor: bare node:dgram, one fixed packet',
    port: Number(m[1]),
    pid: child.pid!,
    stop: stopper(child),
  };
}

export async function startOurs(dir: string, workers: number): Promise<Server> {
  const storeFile = join(dir, 'zones.json');
  const store = new ZoneStore(storeFile);
  store.loadOrEmpty();
  if (store.snapshot().zones['example.com.'] === undefined) {
    const changes: Change[] = RECORDS.map((after) => ({ kind: 'create', after, reason: { code: 'config' } }));
    await new BuiltinProvider('local', 'bench', store).apply('example.com', changes);
  }
  store.close();
  const yaml = join(dir, `bench-${workers}.yaml`);
  writeFileSync(yaml, configYaml(storeFile, workers));
  const child = spawn(process.execPath, [join(ROOT, 'bin/geofailover.js'), 'dns-server', '--config', yaml], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, GEOFAILOVER_LOG_LEVEL: 'warn' },
  });
  const m = await waitFor(child, 'stderr', /listening on 127\.0\.0\.1:(\d+)/, 'geofailover dns-server');
  return {
    name: `geofailover dns-server, geo by ECS, ${workers} worker${workers > 1 ? 's' : ''}`,
    port: Number(m[1]),
    pid: child.pid!,
    stop: stopper(child),
  };
}

export async function startKnot(dir: string, port: number, workers: number): Promise<Server> {
  const kdir = join(dir, `knot-${workers}`);
  mkdirSync(kdir, { recursive: true });
  writeFileSync(join(kdir, 'example.com.zone'), KNOT_ZONE);
  writeFileSync(
    join(kdir, 'knot.conf'),
    `server:
    listen: 127.0.0.1@${port}
    rundir: "${kdir}"
    udp-workers: ${workers}
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: warning
database:
    storage: "${kdir}"
control:
    listen: "${kdir}/knot.sock"
template:
  - id: default
    storage: "${kdir}"
    semantic-checks: off
zone:
  - domain: example.com
    file: example.com.zone
`,
  );
  const child = spawn('knotd', ['-c', join(kdir, 'knot.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  // knotd logs nothing at warning level on a clean start: poll until it answers.
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync(
        'kdig',
        [`@127.0.0.1`, '-p', String(port), '+short', '+time=1', '+retry=0', 'www.example.com'],
        { stdio: 'pipe' },
      );
      return {
        name: `Knot DNS 3 (${workers} UDP worker${workers > 1 ? 's' : ''}), static zone`,
        port,
        pid: child.pid!,
        stop: stopper(child),
      };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error('knotd did not answer');
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
