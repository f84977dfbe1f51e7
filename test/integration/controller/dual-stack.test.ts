// Dual-stack endpoints end to end over loopback: us-east's endpoint has an HTTP backend on 127.0.0.1
// and another on ::1 (same port), two real `geofailover probe` agents check each family against its
// address, and the controller's builtin DNS server answers A and AAAA (asked with dig or kdig). When
// the ::1 backend fails, the AAAA answer moves to eu-west while the A answer stays; the reverse for
// 127.0.0.1. status, explain and events name the family. eu-west's IPv6 address is the IPv4-mapped
// ::ffff:127.0.0.2, so every check stays on loopback.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { runGeofailover } from '../../helpers/cli.ts';

const KEYS = { K1: 'dual-stack-key-one-0123456789', K2: 'dual-stack-key-two-0123456789' };

/** dig, else kdig: the first that runs. */
function resolver(): string | undefined {
  for (const bin of ['dig', 'kdig']) if (spawnSync(bin, ['-v'], { stdio: 'ignore' }).status === 0) return bin;
  return undefined;
}

/** Why this cannot run here (no resolver tool, no IPv6 loopback), or undefined. */
function cannotRun(): string | undefined {
  if (!resolver()) return 'neither dig nor kdig is installed (Debian: dnsutils or knot-dnsutils)';
  const probe = spawnSync(process.execPath, [
    '-e',
    "require('node:net').createServer().listen(0, '::1', function () { this.close(); }).on('error', () => process.exit(1))",
  ]);
  if (probe.status !== 0) return 'this machine has no IPv6 loopback (::1) to listen on';
  return undefined;
}

const why = cannotRun();
if (why) console.warn(`skipping the dual-stack loopback test: ${why}`);

/** An HTTP backend on one address: /healthz answers 200, or 500 while failing. */
class Backend {
  failing = false;
  readonly server = http.createServer((_req, res) => {
    res.statusCode = this.failing ? 500 : 200;
    res.end(this.failing ? 'failing' : 'ok');
  });
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }
  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

/** Two backends on 127.0.0.1 and ::1 with one port (retried when ::1 has that port taken). */
async function pairOnOnePort(): Promise<{ v4: Backend; v6: Backend; port: number }> {
  for (let i = 0; i < 20; i++) {
    const v4 = new Backend();
    const port = await v4.listen('127.0.0.1', 0);
    const v6 = new Backend();
    try {
      await v6.listen('::1', port);
      return { v4, v6, port };
    } catch {
      v4.close();
    }
  }
  throw new Error('no port free on both 127.0.0.1 and ::1');
}

function yaml(dir: string, usePort: number, euwPort: number, controllerUrl?: string): string {
  return `
owner: dual-stack-test
regions:
  - id: us-east
    endpoints:
      - id: use-a
        addresses: { ipv4: 127.0.0.1, ipv6: "::1" }
        check: { kind: http, url: "http://app.example.com:${usePort}/healthz" }
  - id: eu-west
    endpoints:
      - id: euw-a
        addresses: { ipv4: 127.0.0.2, ipv6: "::ffff:127.0.0.2" }
        check: { kind: http, url: "http://app.example.com:${euwPort}/healthz" }
probers:
  - { id: p1, keyEnv: K1 }
  - { id: p2, keyEnv: K2 }
${controllerUrl ? `controllers: ["${controllerUrl}"]` : ''}
health: { interval: 300ms, timeout: 250ms, fall: 2, rise: 2, minProbers: 2, staleAfter: 5s, failbackAfter: 1s }
providers:
  local: { kind: builtin, listen: "127.0.0.1:0" }
zones:
  - name: example.com
    provider: local
    records:
      - { name: app.example.com, type: A, ttl: 5, policy: { kind: failover, order: [us-east, eu-west] } }
      - { name: app.example.com, type: AAAA, ttl: 5, policy: { kind: failover, order: [us-east, eu-west] } }
controller:
  listen: "127.0.0.1:0"
  schedule: "0 0 1 1 *"
  stateDir: ${dir}
verify: { timeout: 5s }
`;
}

describe.skipIf(why !== undefined)('dual-stack endpoints over 127.0.0.1 and ::1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gf-dual-'));
  const agents: ChildProcess[] = [];
  const backends: Backend[] = [];
  let ctl: RunningController;
  let use: { v4: Backend; v6: Backend; port: number };
  let dns: { host: string; port: string };

  beforeAll(async () => {
    use = await pairOnOnePort();
    const euw = new Backend();
    const euwPort = await euw.listen('127.0.0.2', 0);
    backends.push(use.v4, use.v6, euw);
    ctl = await startController({
      config: parseConfig(yaml(dir, use.port, euwPort)),
      env: KEYS,
      logger: silentLogger(),
    });
    const [host, port] = ctl.dnsAddresses[0]!.split(/:(?=\d+$)/) as [string, string];
    dns = { host, port };
    const file = join(dir, 'agents.yaml');
    writeFileSync(file, yaml(dir, use.port, euwPort, ctl.url));
    for (const prober of ['p1', 'p2']) {
      const child = spawn(
        process.execPath,
        ['bin/geofailover.js', 'probe', '--config', file, '--prober', prober],
        { env: { ...process.env, ...KEYS, GEOFAILOVER_LOG_LEVEL: 'warn' }, stdio: 'ignore' },
      );
      agents.push(child);
    }
  }, 60_000);

  afterAll(async () => {
    for (const a of agents) if (a.exitCode === null) a.kill('SIGTERM');
    await ctl?.stop();
    for (const b of backends) b.close();
  });

  /** The answer of the builtin server for app.example.com of this type, sorted. */
  const ask = (type: 'A' | 'AAAA'): string[] => {
    const bin = resolver()!;
    const r = spawnSync(
      bin,
      [`@${dns.host}`, '-p', dns.port, 'app.example.com', type, '+short', '+time=1', '+tries=1'],
      { encoding: 'utf8' },
    );
    return r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .sort();
  };

  /** Polls both answers until `ok` holds, checking `always` on every sample on the way. */
  async function until(
    what: string,
    ok: (a: string[], aaaa: string[]) => boolean,
    always?: (a: string[], aaaa: string[]) => void,
    ms = 20_000,
  ): Promise<void> {
    const end = Date.now() + ms;
    let last: [string[], string[]] = [[], []];
    for (;;) {
      last = [ask('A'), ask('AAAA')];
      if (ok(...last)) return;
      always?.(...last);
      if (Date.now() > end)
        throw new Error(`${what}: not within ${ms} ms; last A ${last[0]}, AAAA ${last[1]}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const cli = async (...args: string[]) => {
    const run = await runGeofailover([...args, '--controller', ctl.url], { ...process.env });
    expect(run.code, run.output).toBe(0);
    return run.stdout;
  };

  it('publishes A 127.0.0.1 and AAAA ::1 once both families are up', async () => {
    await until(
      'first answers',
      (a, aaaa) => a.join() === '127.0.0.1' && aaaa.join() === '::1',
      undefined,
      30_000,
    );
  });

  it('the ::1 backend failing withdraws the AAAA answer to eu-west; the A answer stays', async () => {
    use.v6.failing = true;
    await until(
      'AAAA failover',
      (_a, aaaa) => aaaa.length === 1 && aaaa[0] !== '::1',
      (a) => expect(a).toEqual(['127.0.0.1']),
    );
    expect(ask('A')).toEqual(['127.0.0.1']);
    expect(ask('AAAA')).toEqual([expect.stringMatching(/^::ffff:(127\.0\.0\.2|7f00:2)$/)]);

    const status = await cli('status');
    expect(status).toMatch(/us-east\s+UP\s+IPv4 UP · IPv6 DOWN/);
    expect(status).toMatch(/use-a\s+us-east\s+UP on IPv4\s+up\s+up/);
    expect(status).toMatch(/use-a\s+us-east\s+DOWN on IPv6\s+down\s+down/);

    const explained = await cli('explain', 'app.example.com', '--type', 'AAAA');
    expect(explained).toMatch(/because us-east IPv6 is DOWN since .*; eu-west IPv6 is UP/);
    expect(explained).toContain('IPv6 (this AAAA record): DOWN');
    expect(explained).toMatch(/use-a: DOWN on IPv6 {2}votes: p1=down p2=down/);
    const a = await cli('explain', 'app.example.com', '--type', 'A');
    expect(a).toMatch(/because us-east IPv4 is UP/);

    const events = await cli('events', '--type', 'family-transition', 'endpoint-transition');
    expect(events).toMatch(/family-transition\s+us-east IPv6 up -> down/);
    expect(events).toMatch(/endpoint-transition\s+us-east use-a IPv6 up -> down: .*status 500/);
    expect(events).not.toMatch(/IPv4 up -> down/);
  });

  it('the ::1 backend healthy again brings AAAA back after the hold-down', async () => {
    use.v6.failing = false;
    await until(
      'AAAA failback',
      (_a, aaaa) => aaaa.join() === '::1',
      (a) => expect(a).toEqual(['127.0.0.1']),
    );
  });

  it('the reverse: the 127.0.0.1 backend failing moves A to eu-west, AAAA stays on ::1', async () => {
    use.v4.failing = true;
    await until(
      'A failover',
      (a) => a.join() === '127.0.0.2',
      (_a, aaaa) => expect(aaaa).toEqual(['::1']),
    );
    expect(ask('AAAA')).toEqual(['::1']);
    const status = await cli('status');
    expect(status).toMatch(/us-east\s+UP\s+IPv4 DOWN · IPv6 UP/);
  });
});
