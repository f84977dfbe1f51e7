// `geofailover explain` (the real binary) against a controller that went through a failover and a
// failback: it names the rule, the region, the votes and the times, in text and JSON.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import type { ExplainDoc } from '../../../src/controller/views/explain.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerConfig, FAILOVER_2, GEO, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';

const run = promisify(execFile);
const ENDPOINTS = ['use-a', 'euw-a'];
let ctl: RunningController;
let failoverAt = 0;
let failbackAt = 0;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gf-explain-'));
  ctl = await startController({
    config: controllerConfig({
      owner: 'explain-test',
      stateDir: dir,
      records: [FAILOVER_2, GEO],
      health: { staleAfter: '60s', failbackAfter: '1s' },
    }),
    env: KEY_ENV,
    logger: silentLogger(),
    providers: new Map([['p', new MemoryProvider('p', 'explain-test')]]),
  });
  for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS);
  failoverAt = Date.now();
  for (let i = 0; i < 2; i++) await round(ctl.url, KEYS, ENDPOINTS, new Set(['use-a']));
  await ctl.reconcileNow();
  failbackAt = Date.now();
  const end = Date.now() + 2000;
  while (Date.now() < end) {
    await round(ctl.url, KEYS, ENDPOINTS);
    await new Promise((r) => setTimeout(r, 200));
  }
  await ctl.reconcileNow();
}, 30_000);

afterAll(async () => {
  await ctl?.stop();
});

const cli = (...args: string[]) => run('node', ['bin/geofailover.js', ...args], { encoding: 'utf8' });

describe('explain', () => {
  it('explains the failover record after failover and failback (JSON)', async () => {
    const { stdout } = await cli('explain', 'app.example.com', '--controller', ctl.url, '--output', 'json');
    const doc = JSON.parse(stdout) as ExplainDoc;
    expect(doc.policy.kind).toBe('failover');
    expect(doc.sets[0]!.published).toEqual(['192.0.2.10']);
    expect(doc.sets[0]!.inSync).toBe(true);
    expect(doc.sets[0]!.explanation).toContain('us-east');
    const use = doc.regions.find((r) => r.id === 'us-east')!;
    expect(use.status).toBe('up');
    // The last transition is the failback, after the failover, with the votes behind it.
    expect(use.lastTransition).toMatchObject({ from: 'down', to: 'up' });
    const t = Date.parse(String(use.lastTransition!.at));
    expect(t).toBeGreaterThanOrEqual(failbackAt - 1000);
    expect(t).toBeGreaterThan(failoverAt);
    expect(JSON.stringify(use.lastTransition!.evidence)).toContain('failback');
    expect(use.endpoints[0]!.votes.map((v) => `${v.prober}=${v.vote}`).sort()).toEqual([
      'p1=up',
      'p2=up',
      'p3=up',
    ]);
    expect(doc.thresholds).toMatchObject({ fall: 2, rise: 2, failbackAfter: 1000 });
  });

  it('names the geo rule and its region in text', async () => {
    const { stdout } = await cli('explain', 'www.example.com', '--controller', ctl.url);
    expect(stdout).toContain('www.example.com. A');
    expect(stdout).toContain('geo policy');
    expect(stdout).toMatch(/set continent-eu.*198\.51\.100\.10/);
    expect(stdout).toMatch(/eu-west: UP/);
    expect(stdout).toMatch(/euw-a: UP\s+votes: p1=up p2=up p3=up/);
  });

  it('gives one clear error and exit 2 for an unknown record', async () => {
    const err = await cli('explain', 'nope.example.com', '--controller', ctl.url).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toContain('no managed record nope.example.com');
    expect((err as { stderr: string }).stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
