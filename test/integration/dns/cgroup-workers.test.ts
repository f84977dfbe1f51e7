// The DNS worker count under a real cgroup CPU quota: `geofailover dns-server` and `geofailover
// controller` are started by a shell that first moves itself into a cgroup held to 1 CPU (cpu.max on
// v2, cpu.cfs_quota_us on v1; bench/lib/cpu-quota.ts), then execs node, so the process reads its
// limits from inside. It runs one worker there, says why (stderr, /v1/status, /metrics), and the
// same config outside the cgroup runs one per CPU. A `workers` above the quota stops the start with
// the file, line, field and remedy. Needs root and a cgroup cpu controller; skips saying why without.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CpuQuota } from '../../../bench/lib/cpu-quota.ts';
import { controllerYaml, FAILOVER_2, KEY_ENV } from '../../helpers/controller-config.ts';
import { type Listening, startFails, startListening, stopChild } from '../../helpers/in-cgroup.ts';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/geofailover.js');

const quota = CpuQuota.open();
if (typeof quota === 'string') console.warn(`skipping the cgroup worker tests: ${quota}`);

const dir = mkdtempSync(join(tmpdir(), 'gf-cgroup-workers-'));
const children: ChildProcess[] = [];
afterAll(async () => {
  await Promise.all(children.map((c) => stopChild(c)));
  if (typeof quota !== 'string') quota.release();
  rmSync(dir, { recursive: true, force: true });
});

function dnsConfig(name: string, workers?: number): string {
  const file = join(dir, `${name}.yaml`);
  const store = join(dir, `${name}-zones.json`);
  writeFileSync(store, '{"version":1,"serial":1,"zones":{}}\n');
  writeFileSync(
    file,
    `owner: me
regions:
  - id: us
    endpoints: [{ id: a, address: 192.0.2.1, check: { kind: tcp, port: 80 } }]
providers:
  local:
    kind: builtin
    listen: "127.0.0.1:0"
    storeFile: ${JSON.stringify(store)}
${workers === undefined ? '' : `    workers: ${workers}\n`}zones:
  - name: example.com
    provider: local
`,
  );
  return file;
}

/** Runs the CLI with `args`, inside a fresh cgroup held to `cores` CPUs unless `cores` is undefined. */
function run(
  args: string[],
  cores: number | undefined,
  env: Record<string, string> = {},
): Promise<Listening> {
  const started = startListening([process.execPath, BIN, ...args], {
    quota: typeof quota === 'string' ? undefined : quota,
    ...(cores === undefined ? {} : { cores }),
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', GEOFAILOVER_LOG_LEVEL: 'warn', ...env },
  });
  started.then((s) => children.push(s.child)).catch(() => undefined);
  return started;
}

/** The DNS worker children of `pid` (forked through bin/run-ts.js with worker.ts). */
function workerChildren(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === pid && /worker\.(ts|js)\b/.test(readFileSync(`/proc/${d}/cmdline`, 'utf8'));
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

describe.skipIf(typeof quota === 'string')('DNS workers under a cgroup CPU quota', () => {
  const file = () => (quota as CpuQuota).quotaFile;

  it('dns-server held to 1 CPU runs one worker and says the quota decided; outside it, one per CPU', async () => {
    const config = dnsConfig('default');
    const inside = await run(['dns-server', '--config', config], 1);
    expect(inside.line).toContain(`(udp+tcp; 1 worker: cgroup ${file()} 1.0 CPU)`);
    expect(readFileSync(`/proc/${inside.child.pid}/cgroup`, 'utf8')).toMatch(/gf-bench-\d+-t\d+/);
    expect(workerChildren(inside.child.pid!)).toEqual([]);
    await stopChild(inside.child);

    // The same config outside the cgroup: the machine's CPUs decide (2 here).
    const cpus = availableParallelism();
    const outside = await run(['dns-server', '--config', config], undefined);
    expect(outside.line).toContain(
      `(udp+tcp; ${cpus} worker${cpus === 1 ? '' : 's'}: ${cpus} CPU${cpus === 1 ? '' : 's'} available)`,
    );
    // Children start before the line is printed.
    expect(workerChildren(outside.child.pid!)).toHaveLength(cpus - 1);
    await stopChild(outside.child);
  }, 120_000);

  it('a fractional quota rounds down, never below one worker', async () => {
    const s = await run(['dns-server', '--config', dnsConfig('half')], 0.5);
    expect(s.line).toContain(`1 worker: cgroup ${file()} 0.5 CPU)`);
    await stopChild(s.child);
  }, 60_000);

  it('workers: 2 under a 1 CPU quota stops the start: file, line, field, limit and remedy, exit 2', async () => {
    const config = dnsConfig('over', 2);
    const err = await startFails(run(['dns-server', '--config', config], 1));
    expect(err.code).toBe(2);
    expect(err.stderr).toContain(
      `${config}:10: providers.local.workers: 2 DNS workers do not fit this process: cgroup ${file()} 1.0 CPU allows 1 (one per whole CPU)`,
    );
    expect(err.stderr).toContain(
      'remedy: set providers.local.workers: 1, or remove it to size the workers from this budget, or raise the CPU limit to 2',
    );
    expect(err.stderr).not.toContain('listening');
  }, 60_000);

  it('the controller under 1 CPU: its start line, /v1/status and /metrics say 1 worker and why', async () => {
    const config = join(dir, 'controller.yaml');
    const state = mkdtempSync(join(dir, 'state-'));
    writeFileSync(
      config,
      controllerYaml({
        owner: 'cgroup-test',
        stateDir: state,
        provider: '{ kind: builtin, listen: "127.0.0.1:0" }',
        records: [FAILOVER_2],
      }),
    );
    const s = await run(['controller', '--config', config], 1, KEY_ENV);
    const reason = `cgroup ${file()} 1.0 CPU`;
    expect(s.line).toMatch(
      new RegExp(`; DNS on 127\\.0\\.0\\.1:\\d+ \\(1 worker: ${reason.replaceAll('.', '\\.')}\\)`),
    );
    const url = /listening on (http:\/\/\S+?);/.exec(s.line)![1]!;
    const status = (await (await fetch(`${url}/v1/status`)).json()) as { dns?: unknown[] };
    expect(status.dns).toEqual([
      {
        provider: 'p',
        addresses: [expect.stringMatching(/^127\.0\.0\.1:\d+$/)],
        workers: 1,
        limit: 'cpu-quota',
        reason,
      },
    ]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain(`geofailover_dns_workers{provider="p",limit="cpu-quota",reason="${reason}"} 1`);
    expect(workerChildren(s.child.pid!)).toEqual([]);
    await stopChild(s.child);
  }, 120_000);
});
