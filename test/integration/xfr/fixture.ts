// Fixture of the hidden-primary tests: a builtin provider with transfers configured (TSIG keys from
// the environment, allowTransfer, secondaries), its store and server on an ephemeral loopback port,
// and the records of the DNS fixture (failover, weighted, geo, CNAME, TXT).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DnsServerHandle,
  type DnsServerOptions,
  startDnsServer,
} from '../../../providers/builtin/dns-server/index.ts';
import { BuiltinProvider, ZoneStore } from '../../../providers/builtin/index.ts';
import { type Config, parseConfig } from '../../../src/config/index.ts';
import type { Change, RecordSet } from '../../../src/model/index.ts';
import { RECORDS } from '../dns/fixture.ts';

export const KEY_NAME = 'xfr-key';
/** Test secrets only (fixed so a failing test can be replayed with kdig -y). */
export const SECRET = Buffer.alloc(32, 7).toString('base64');
export const OTHER_SECRET = Buffer.alloc(32, 9).toString('base64');
export const ENV = { XFR_SECRET: SECRET } as NodeJS.ProcessEnv;

export interface XfrFixture {
  dir: string;
  config: Config;
  provider: BuiltinProvider;
  store: ZoneStore;
  server: DnsServerHandle;
  port: number;
  close(): Promise<void>;
}

export interface XfrFixtureOptions {
  records?: RecordSet[];
  /** YAML lines added to the provider (allowTransfer, secondaries, ...). */
  provider?: string;
  server?: Partial<DnsServerOptions>;
  /** Write the records before the server starts (default true). */
  seed?: boolean;
}

export function xfrConfigYaml(storeFile: string, providerYaml: string): string {
  return `owner: me
regions:
  - id: us
    endpoints: [{ id: a, address: 192.0.2.1, check: { kind: tcp, port: 80 } }]
  - id: eu
    endpoints: [{ id: b, address: 192.0.2.2, check: { kind: tcp, port: 80 } }]
providers:
  local:
    kind: builtin
    listen: "127.0.0.1:0"
    storeFile: ${JSON.stringify(storeFile)}
    nameservers: [ns1.example.com, ns2.example.net]
    tsigKeys:
      - { name: ${KEY_NAME}, algorithm: hmac-sha256, secretEnv: XFR_SECRET }
${providerYaml
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => `    ${l}`)
  .join('\n')}
zones:
  - name: example.com
    provider: local
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us, eu] } }
`;
}

export async function startXfrFixture(options: XfrFixtureOptions = {}): Promise<XfrFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'gf-xfr-'));
  const storeFile = join(dir, 'zones.json');
  const config = parseConfig(xfrConfigYaml(storeFile, options.provider ?? ''));
  const store = new ZoneStore(storeFile);
  store.loadOrEmpty();
  const provider = new BuiltinProvider('local', 'me', store);
  if (options.seed !== false) {
    const records = options.records ?? RECORDS;
    const changes: Change[] = records.map((after) => ({ kind: 'create', after, reason: { code: 'config' } }));
    await provider.apply('example.com', changes);
  }
  const server = await startDnsServer({ config, store, watch: false, env: ENV, ...options.server });
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
