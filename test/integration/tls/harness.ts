// Test helper: a controller serving HTTPS with certificates the test made, a local TCP target for
// the probe checks (loopback only), probe agents built from the same config, and captured logs.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import { type Config, parseConfig } from '../../../src/config/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { createLogger, type Logger, silentLogger } from '../../../src/log/index.ts';
import { ProbeAgent } from '../../../src/probe/index.ts';

export const KEYS = {
  p1: 'tls-key-one-0123456789-0123456789-0123456789',
  p2: 'tls-key-two-0123456789-0123456789-0123456789',
};
export const ENV = { K1: KEYS.p1, K2: KEYS.p2 };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `cond` holds; the bound only catches a hang. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gf-tls-'));
}

/** A TCP listener the endpoints' checks connect to (always up). */
export async function tcpTarget(): Promise<{ port: number; close(): void }> {
  const s: Server = createServer((c) => c.end());
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { port: (s.address() as AddressInfo).port, close: () => s.close() };
}

/** The YAML of a two-region config; `controllerYaml` and `controllersYaml` are flow mappings/lists. */
export function configYaml(o: { stateDir: string; port: number; controller: string; controllers?: string }) {
  const check = `{ kind: tcp, host: 127.0.0.1, port: ${o.port} }`;
  return `
owner: tls-test
regions:
  - { id: us-east, endpoints: [{ id: use-a, address: 127.0.0.10, check: ${check} }] }
  - { id: eu-west, endpoints: [{ id: euw-a, address: 127.0.0.20, check: ${check} }] }
probers: [{ id: p1, keyEnv: K1 }, { id: p2, keyEnv: K2 }]
controllers: ${o.controllers ?? '[]'}
health: { interval: 300ms, timeout: 200ms, fall: 2, rise: 2, minProbers: 1, staleAfter: 30s }
providers: { p: { kind: memory } }
zones:
  - name: example.com
    provider: p
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west] } }
controller: { listen: "127.0.0.1:0", schedule: "0 0 1 1 *", stateDir: ${JSON.stringify(o.stateDir)}, ${o.controller} }
`;
}

export async function startTlsController(
  config: Config,
  logger: Logger = silentLogger(),
): Promise<RunningController> {
  return startController({
    config,
    env: ENV,
    logger,
    providers: new Map([['p', new MemoryProvider('p', 'tls-test')]]),
  });
}

/** A logger whose JSON lines the test can read. */
export function captureLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const out: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) out.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: createLogger('test', { level: 'debug', destination: sink }), lines: () => out };
}

export function agentFor(
  config: Config,
  prober: keyof typeof KEYS,
  opts: { logger?: Logger; key?: string; tlsPollMs?: number } = {},
): ProbeAgent {
  return new ProbeAgent({
    config,
    proberId: prober,
    key: opts.key ?? KEYS[prober],
    logger: opts.logger ?? silentLogger(),
    flushIntervalMs: 100,
    ...(opts.tlsPollMs === undefined ? {} : { tlsPollMs: opts.tlsPollMs }),
  });
}

export { parseConfig };
