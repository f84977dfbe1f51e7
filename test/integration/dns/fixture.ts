// Shared fixture of the DNS integration tests: a config with one builtin zone, a store with a
// failover, weighted, geo, CNAME and TXT records, a server on an ephemeral loopback port, and
// helpers that run real dig/kdig and read what they print.
import { execFile, execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type DnsServerHandle, startDnsServer } from '../../../providers/builtin/dns-server/index.ts';
import { BuiltinProvider, ZoneStore } from '../../../providers/builtin/index.ts';
import { type Config, parseConfig } from '../../../src/config/index.ts';
import type { Change, RecordSet } from '../../../src/model/index.ts';

const run = promisify(execFile);

export function has(bin: string): boolean {
  try {
    execFileSync('which', [bin], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function configYaml(storeFile: string, extra = ''): string {
  return `owner: me
regions:
  - id: us
    endpoints: [{ id: a, address: 192.0.2.1, check: { kind: tcp, port: 80 } }]
providers:
  local: { kind: builtin, listen: "127.0.0.1:0", storeFile: ${JSON.stringify(storeFile)}, nameservers: [ns1.example.com, ns2.example.net] }
zones:
  - name: example.com
    provider: local
geoip:
  networks:
    - { cidr: 81.0.0.0/8, country: DE }
    - { cidr: 81.20.0.0/16, country: FR }
    - { cidr: 2001:db8:e0::/48, country: DE }
    - { cidr: 100.64.0.0/10, country: US, subdivision: CA }
    - { cidr: 100.64.0.0/16, country: US }
${extra}`;
}

const A = (name: string, values: string[], extra: Partial<RecordSet> = {}): RecordSet => ({
  name,
  type: 'A',
  ttl: 30,
  values,
  ...extra,
});

export const RECORDS: RecordSet[] = [
  A('app.example.com.', ['192.0.2.1', '192.0.2.2']),
  A('api.example.com.', ['192.0.2.20'], { setId: 'us', weight: 70 }),
  A('api.example.com.', ['192.0.2.30'], { setId: 'eu', weight: 30 }),
  A('api.example.com.', ['192.0.2.40'], { setId: 'ap', weight: 0 }),
  A('www.example.com.', ['198.51.100.1'], { setId: 'eu', geo: { continent: 'EU' } }),
  A('www.example.com.', ['198.51.100.2'], { setId: 'fr', geo: { country: 'FR' } }),
  A('www.example.com.', ['198.51.100.3'], { setId: 'ca', geo: { country: 'US', subdivision: 'CA' } }),
  A('www.example.com.', ['198.51.100.4'], { setId: 'us', geo: { country: 'US' } }),
  A('www.example.com.', ['192.0.2.10'], { setId: 'default', geo: 'default' }),
  { name: 'alias.example.com.', type: 'CNAME', ttl: 45, values: ['www.example.com.'] },
  { name: 'out.example.com.', type: 'CNAME', ttl: 45, values: ['target.example.net.'] },
  { name: 'dangling.example.com.', type: 'CNAME', ttl: 45, values: ['nowhere.example.com.'] },
  { name: '_geofailover.app.example.com.', type: 'TXT', ttl: 300, values: ['owner=me'] },
  { name: 'v6.deep.example.com.', type: 'AAAA', ttl: 20, values: ['2001:db8::1'] },
  // 40 × ~100-byte strings: too big for 1232 bytes of UDP, fine over TCP.
  {
    name: 'big.example.com.',
    type: 'TXT',
    ttl: 10,
    values: Array.from({ length: 40 }, (_, i) => `${String(i).padStart(2, '0')}${'x'.repeat(98)}`),
  },
];

export interface Fixture {
  dir: string;
  config: Config;
  provider: BuiltinProvider;
  store: ZoneStore;
  server: DnsServerHandle;
  port: number;
  close(): Promise<void>;
}

export async function startFixture(
  records: RecordSet[] = RECORDS,
  extraYaml = '',
  options: { workers?: number; listen?: string[] } = {},
): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'gf-dns-'));
  const storeFile = join(dir, 'zones.json');
  const config = parseConfig(configYaml(storeFile, extraYaml));
  const store = new ZoneStore(storeFile);
  store.loadOrEmpty();
  const provider = new BuiltinProvider('local', 'me', store);
  const changes: Change[] = records.map((after) => ({ kind: 'create', after, reason: { code: 'config' } }));
  await provider.apply('example.com', changes);
  const server = await startDnsServer({ config, store, watch: false, ...options });
  return {
    dir,
    config,
    provider,
    store,
    server,
    port: server.addresses[0]!.port,
    close: async () => {
      await server.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface DigResult {
  status: string;
  flags: string[];
  answer: string[][];
  authority: string[][];
  additional: string[][];
  opt: string[];
  raw: string;
}

/** Run dig (or kdig) and split what it prints into sections of whitespace-separated fields. */
export async function dig(
  tool: 'dig' | 'kdig',
  port: number,
  args: string[],
  server = '127.0.0.1',
): Promise<DigResult> {
  const base = tool === 'dig' ? ['+time=2', '+tries=1'] : ['+time=2', '+retry=0'];
  const { stdout } = await run(tool, [`@${server}`, '-p', String(port), ...base, ...args], {
    timeout: 10_000,
  });
  return parseDig(stdout);
}

export function parseDig(raw: string): DigResult {
  const status = /status: ([A-Z]+)/.exec(raw)?.[1] ?? '';
  const flags = (/[Ff]lags: ([a-z ]+);/.exec(raw)?.[1] ?? '').trim().split(/\s+/);
  const sections: Record<string, string[][]> = { ANSWER: [], AUTHORITY: [], ADDITIONAL: [] };
  let current: string | undefined;
  const opt: string[] = [];
  for (const line of raw.split('\n')) {
    const head = /^;; ([A-Z]+) SECTION:|^;; ([A-Z]+) SECTION \(/.exec(line);
    if (head) {
      current = head[1] ?? head[2];
      continue;
    }
    if (/PSEUDOSECTION|EDNS|CLIENT-SUBNET|COOKIE|Version/.test(line)) opt.push(line.replace(/^;;?\s*/, ''));
    if (line.trim() === '' || line.startsWith(';')) {
      if (line.trim() === '') current = undefined;
      continue;
    }
    if (current && sections[current]) sections[current]!.push(line.trim().split(/\s+/));
  }
  return {
    status,
    flags,
    answer: sections.ANSWER!,
    authority: sections.AUTHORITY!,
    additional: sections.ADDITIONAL!,
    opt,
    raw,
  };
}

/** One UDP query to 127.0.0.1:port, its raw response. */
export async function askUdp(port: number, q: Buffer): Promise<Buffer> {
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
