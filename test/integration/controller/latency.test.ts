// A latency record in the running controller: the probers' reported latencies rank the regions per
// geography, the builtin-free memory provider gets each geography's fastest region, a lasting change
// moves the answer once after the hold (one steering-ranking event), a DOWN fastest region moves its
// geography to the next fastest at once, and `explain` shows the ranking with the measured times.
// `plan --assume-rtt` shows the same decision without probes.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import type { ExplainDoc } from '../../../src/controller/views/explain.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerConfig, controllerYaml, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { sendReport } from '../../helpers/reports.ts';

const run = promisify(execFile);
const cli = (...args: string[]) => run('node', ['bin/geofailover.js', ...args], { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// p1 stands for Europe, p2 for Asia, p3 for everyone else; each measures another region fastest.
const LATENCY = `      - name: www.example.com
        type: A
        ttl: 30
        policy:
          kind: latency
          regions: [us-east, eu-west, ap-south]
          geographies:
            - { match: { continent: EU }, probers: [p1] }
            - { match: { continent: AS }, probers: [p2] }
            - { match: default, probers: [p3] }
          margin: 20ms
          hold: 2s`;
const ADDR = { 'us-east': '192.0.2.10', 'eu-west': '198.51.100.10', 'ap-south': '203.0.113.10' };
const EP = { 'us-east': 'use-a', 'eu-west': 'euw-a', 'ap-south': 'aps-a' } as const;
type Region = keyof typeof EP;

const TIMES: Record<string, Record<Region, number>> = {
  p1: { 'us-east': 90, 'eu-west': 15, 'ap-south': 140 },
  p2: { 'us-east': 200, 'eu-west': 120, 'ap-south': 10 },
  p3: { 'us-east': 8, 'eu-west': 85, 'ap-south': 210 },
};

let ctl: RunningController;
let provider: MemoryProvider;
let dir: string;
let down = new Set<Region>();

async function roundWith(times: Record<string, Record<Region, number>>) {
  for (const [prober, key] of Object.entries(KEYS)) {
    const res = await sendReport(
      ctl.url,
      prober,
      key,
      (Object.keys(EP) as Region[]).map((r) => ({
        endpoint: EP[r],
        ok: !down.has(r),
        latencyMs: times[prober]![r],
      })),
    );
    if (res.status !== 200) throw new Error(`report refused: ${res.status}`);
  }
}

async function answers(): Promise<Record<string, string>> {
  const recs = await provider.records('example.com', { names: ['www.example.com'] });
  return Object.fromEntries(
    recs
      .filter((r) => r.type === 'A')
      .map((r) => [
        r.setId!,
        Object.entries(ADDR).find(([, a]) => a === r.values[0])?.[0] ?? r.values.join(),
      ]),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gf-latency-'));
  provider = new MemoryProvider('p', 'latency-test');
  ctl = await startController({
    config: controllerConfig({
      owner: 'latency-test',
      stateDir: dir,
      regions: 3,
      records: [LATENCY],
      health: { staleAfter: '10s', failbackAfter: '1s' },
    }),
    env: KEY_ENV,
    logger: silentLogger(),
    providers: new Map([['p', provider]]),
  });
  for (let i = 0; i < 3; i++) await roundWith(TIMES);
  await sleep(600);
  await ctl.reconcileNow();
}, 30_000);

afterAll(async () => {
  await ctl?.stop();
});

describe('latency steering in the controller', () => {
  it('answers each geography from its fastest UP region', async () => {
    expect(await answers()).toEqual({
      'continent-eu': 'eu-west',
      'continent-as': 'ap-south',
      default: 'us-east',
    });
  });

  it('explain shows the ranking with the measured times', async () => {
    const { stdout } = await cli('explain', 'www.example.com', '--controller', ctl.url, '--output', 'json');
    const doc = JSON.parse(stdout) as ExplainDoc;
    expect(doc.policy.kind).toBe('latency');
    const eu = doc.sets.find((s) => s.setId === 'continent-eu')!;
    expect(eu.ranking).toEqual([
      { region: 'eu-west', rttMs: 15 },
      { region: 'us-east', rttMs: 90 },
      { region: 'ap-south', rttMs: 140 },
    ]);
    expect(eu.inSync).toBe(true);
    const text = await cli('explain', 'www.example.com', '--controller', ctl.url);
    expect(text.stdout).toContain('ranking: 1. eu-west 15 ms  2. us-east 90 ms  3. ap-south 140 ms');
    expect(text.stdout).toContain('measured by p1');
  });

  it('a lasting change moves the answer once, after the hold', async () => {
    const changed = { ...TIMES, p1: { 'us-east': 10, 'eu-west': 95, 'ap-south': 140 } };
    const start = Date.now();
    let movedAt = 0;
    const seen: string[] = [];
    while (Date.now() - start < 9000) {
      await roundWith(changed);
      const eu = (await answers())['continent-eu']!;
      if (seen.at(-1) !== eu) seen.push(eu);
      if (eu === 'us-east' && movedAt === 0) movedAt = Date.now() - start;
      await sleep(250);
    }
    expect(seen).toEqual(['eu-west', 'us-east']);
    // The smoothed times cross within a few reports, then the 2 s hold runs.
    expect(movedAt).toBeGreaterThanOrEqual(2000);
    const moves = ctl.events.since(undefined, 1000, ['steering-ranking']);
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({
      geography: 'continent-eu',
      from: 'eu-west > us-east > ap-south',
      to: 'us-east > eu-west > ap-south',
    });
  }, 20_000);

  it('a DOWN fastest region moves its geography to the next fastest at once', async () => {
    down = new Set(['ap-south']);
    const changed = { ...TIMES, p1: { 'us-east': 10, 'eu-west': 95, 'ap-south': 140 } };
    for (let i = 0; i < 3; i++) await roundWith(changed);
    await ctl.reconcileNow();
    expect((await answers())['continent-as']).toBe('eu-west');
    down = new Set();
  });
});

describe('plan --assume-rtt', () => {
  it('plans latency records with assumed times', async () => {
    const file = join(dir, 'plan.yaml');
    writeFileSync(
      file,
      controllerYaml({
        owner: 'latency-plan',
        stateDir: join(dir, 'plan-state'),
        regions: 3,
        provider: '{ kind: builtin, storeFile: ' + JSON.stringify(join(dir, 'store.json')) + ' }',
        records: [LATENCY],
      }),
    );
    const { stdout } = await cli(
      'plan',
      '--config',
      file,
      '--assume-rtt',
      'p1:us-east=12',
      '--assume-rtt',
      'p1:eu-west=80',
      '--output',
      'json',
    );
    const plan = JSON.parse(stdout) as {
      zones: {
        changes: {
          after?: { setId?: string; values: string[] };
          reason: { code: string; detail?: string };
        }[];
      }[];
    };
    const eu = plan.zones[0]!.changes.find((c) => c.after?.setId === 'continent-eu')!;
    expect(eu.after!.values).toEqual([ADDR['us-east']]);
    expect(eu.reason).toEqual({
      code: 'steering',
      region: 'us-east',
      detail:
        'us-east is the fastest UP region for continent-eu (us-east 12 ms, eu-west 80 ms, ap-south not measured)',
    });
    const bad = await cli('plan', '--config', file, '--assume-rtt', 'nobody:us-east=1').catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toContain('--assume-rtt names unknown prober "nobody"');
  });
});
