// One controller per state dir (a second is refused naming the holder; a
// crashed holder's lock is taken over), and a start that fails after its listeners are up closes
// everything (API and DNS ports, the lock) and reports one clear error; /healthz never says healthy
// for a half-started controller.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerConfig, controllerYaml, KEY_ENV } from '../../helpers/controller-config.ts';

const BIN = join(import.meta.dirname, '../../../bin/geofailover.js');
const running: RunningController[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

const refused = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host, port }, () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });

function start(dir: string, provider = new MemoryProvider('p', 'lock')) {
  return startController({
    config: controllerConfig({ owner: 'lock', stateDir: dir }),
    env: KEY_ENV,
    logger: silentLogger(),
    providers: new Map([['p', provider]]),
  });
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    children.push(child);
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('the state dir lock', () => {
  it('refuses a second controller on the same state dir, naming the holder and the remedy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-lock-'));
    const first = await start(dir);
    running.push(first);
    await expect(start(dir)).rejects.toThrow(
      new RegExp(
        `state dir .* is in use by another controller: pid ${process.pid}, replica ${first.replica}`,
      ),
    );
    // The refused start wrote nothing: one controller-started event, no duplicate sequence numbers.
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n');
    const seqs = lines.map((l) => JSON.parse(l).seq as number);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(lines.filter((l) => l.includes('controller-started'))).toHaveLength(1);
    // Stopped, the lock is released and a new controller starts at once.
    await running.pop()!.stop();
    running.push(await start(dir));
  });

  it('a second controller process is refused with exit 1 and one message with the remedy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-lock-cli-'));
    running.push(await start(dir));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, controllerYaml({ owner: 'lock', stateDir: dir }));
    const r = await runCli(['controller', '--config', file], KEY_ENV);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/error: state dir .* is in use by another controller: pid \d+/);
    expect(r.out).toMatch(/remedy: .*coordination: \{ kind: etcd \}/);
    expect(r.out).not.toMatch(/\n\s+at /); // no stack
  });

  it('takes over the lock of a controller that was killed (SIGKILL)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-lock-kill-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, controllerYaml({ owner: 'lock', stateDir: dir }));
    const child = spawn(process.execPath, [BIN, 'controller', '--config', file], {
      env: { ...process.env, ...KEY_ENV },
    });
    children.push(child);
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (c: Buffer) => {
        if (c.toString().includes('listening on')) resolve();
      });
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const ctl = await start(dir);
    running.push(ctl);
    expect(ctl.events.since(undefined, 100, ['state-lock-recovered'])[0]?.message).toMatch(
      /taken over from pid \d+ .*: pid \d+ is gone/,
    );
  });
});

describe('a start that fails after its listeners are up', () => {
  it('closes the API and DNS ports and the lock, and throws one clear error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-fail-'));
    const config = controllerConfig({
      owner: 'fail',
      stateDir: dir,
      provider: "{ kind: builtin, listen: '127.0.0.1:0' }",
    });
    // What node-cron rejects but a config edited past validate could carry: the scheduler starts
    // after the API and DNS listen.
    config.controller.schedule = '*/0 * * * * *';
    let seen: { api?: number; dns?: number } = {};
    const failed = startController({ config, env: KEY_ENV, logger: silentLogger() });
    await expect(failed).rejects.toThrow(
      /controller failed to start: \*\/0 is a invalid expression for second/,
    );
    // The ports it had opened are closed again: find them in the events it wrote.
    const started = readFileSync(join(dir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((e) => e.type === 'controller-started');
    expect(started, 'the API and DNS were listening before the failure').toBeDefined();
    seen = { api: Number(new URL(started.url).port), dns: Number(String(started.dns[0]).split(':').pop()) };
    expect(await refused('127.0.0.1', seen.api!)).toBe(true);
    expect(await refused('127.0.0.1', seen.dns!)).toBe(true);
    // And the state dir is free again.
    const fixed = controllerConfig({ owner: 'fail', stateDir: dir });
    const ctl = await startController({
      config: fixed,
      env: KEY_ENV,
      logger: silentLogger(),
      providers: new Map([['p', new MemoryProvider('p', 'fail')]]),
    });
    running.push(ctl);
    expect((await fetch(`${ctl.url}/healthz`)).status).toBe(200);
  });
});
