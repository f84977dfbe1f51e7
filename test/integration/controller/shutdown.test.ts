// Graceful shutdown: a stop during an apply finishes that apply and loses no event; the real binary
// exits 0 on SIGTERM within 10 s with its event log flushed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DnsProvider } from '../../../providers/index.ts';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerYaml, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';

const yaml = (dir: string, provider: string) =>
  controllerYaml({ owner: 'shutdown-test', stateDir: dir, provider });

const events = (dir: string) =>
  readFileSync(join(dir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; seq: number });

describe('graceful shutdown', () => {
  it('finishes the apply in flight and records it before stopping', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-stop-'));
    const mem = new MemoryProvider('p', 'shutdown-test');
    let applying: () => void = () => {};
    const started = new Promise<void>((r) => {
      applying = r;
    });
    const slow: DnsProvider = {
      id: 'p',
      kind: 'memory',
      capabilities: mem.capabilities,
      records: (z, q, s) => mem.records(z, q, s),
      apply: async (z, c, s) => {
        applying();
        await new Promise((r) => setTimeout(r, 800));
        return mem.apply(z, c, s);
      },
    };
    const ctl = await startController({
      config: parseConfig(yaml(dir, '{ kind: memory }')),
      env: KEY_ENV,
      logger: silentLogger(),
      providers: new Map([['p', slow]]),
    });
    for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ['use-a', 'euw-a']);
    await started;
    await ctl.stop();
    // The write finished, and its event is on disk before the stop event.
    expect(mem.all('example.com.').some((r) => r.name === 'app.example.com.')).toBe(true);
    const types = events(dir).map((e) => e.type);
    expect(types).toContain('apply');
    expect(types.indexOf('apply')).toBeLessThan(types.indexOf('controller-stopped'));
    const seqs = events(dir).map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('the real controller exits 0 on SIGTERM within 10 s with its events flushed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-sigterm-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, yaml(dir, '{ kind: builtin }'));
    const child = spawn('node', ['bin/geofailover.js', 'controller', '--config', file], {
      env: { ...process.env, ...KEY_ENV, GEOFAILOVER_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no start line: ${stderr}`)), 30_000);
      child.stderr.on('data', () => {
        const m = /listening on (http:\/\/\S+?);?\s/.exec(stderr);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!.replace(/;$/, ''));
        }
      });
    });
    for (let i = 0; i < 2; i++) await round(url, KEYS, ['use-a', 'euw-a']);
    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const types = events(dir).map((e) => e.type);
    expect(types[0]).toBe('controller-started');
    expect(types.at(-1)).toBe('controller-stopped');
    expect(types).toContain('region-transition');
  }, 60_000);
});
