// The real `geofailover` binary (node bin/geofailover.js) on a copy of config/example.yaml whose
// stateDir is a temp dir, so the builtin provider's zone store lives there: validate, plan --assume,
// apply, --expect-no-changes, the safety gate, --checksum, dry-run and bad input. Every refused or
// failed path is checked to leave the store file exactly as it was.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const bin = join(root, 'bin/geofailover.js');
const example = readFileSync(join(root, 'config/example.yaml'), 'utf8');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
let config: string;
let store: string;

/** Writes a config into the temp dir: the example, edited, with its state kept in the temp dir. */
function writeConfig(edit: (text: string) => string = (t) => t, name = 'geofailover.yaml'): string {
  const text = edit(example).replace('stateDir: ./state', `stateDir: ${JSON.stringify(join(dir, 'state'))}`);
  expect(text).toContain(join(dir, 'state'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The store file's bytes and mtime, to prove a command wrote nothing. */
function storeState(): string {
  if (!existsSync(store)) return 'absent';
  return `${statSync(store).mtimeMs} ${readFileSync(store, 'utf8')}`;
}

interface JsonChange {
  kind: string;
  name: string;
  type: string;
  setId?: string;
  before?: { values: string[]; weight?: number };
  after?: { values: string[]; weight?: number };
  reason: { code: string; region?: string };
}
interface JsonPlan {
  version: number;
  checksum: string;
  allowed: boolean;
  summary: { create: number; update: number; delete: number };
  zones: { zone: string; changes: JsonChange[] }[];
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'geofailover-cli-'));
  config = writeConfig();
  store = join(dir, 'state', 'zones.json');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('geofailover validate', () => {
  it('accepts the example and summarises it', async () => {
    const r = await run(['validate', '--config', join(root, 'config/example.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid: owner shop-prod: 3 regions, 3 probers, 1 zone, 3 records');
  });

  it('names the line of every problem and exits 2', async () => {
    const r = await run(['validate', '--config', join(root, 'test/fixtures/invalid/weight-over-255.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /weight-over-255\.yaml:\d+: zones\[0\]\.records\[1\]\.policy\.weights\.us-east: weight 300/,
    );
  });

  it('--check-env fails on unset secrets and passes when they are set, never printing a value', async () => {
    const file = join(root, 'config/example.yaml');
    const unset = await run(['validate', '--config', file, '--check-env'], {
      PROBER_VIRGINIA_KEY: '',
      PROBER_FRANKFURT_KEY: '',
      PROBER_MUMBAI_KEY: '',
      GEOFAILOVER_API_TOKEN: '',
    });
    expect(unset.code, unset.stderr).toBe(2);
    expect(unset.stderr).toContain('environment variable PROBER_MUMBAI_KEY is not set');
    // 32 bytes or more: a shorter key or token fails --check-env as well.
    const secret = 's3cret-value-xyz-0123456789abcdef';
    const set = await run(['validate', '--config', file, '--check-env'], {
      PROBER_VIRGINIA_KEY: secret,
      PROBER_FRANKFURT_KEY: secret,
      PROBER_MUMBAI_KEY: secret,
      GEOFAILOVER_API_TOKEN: secret,
    });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout + set.stderr).not.toContain(secret);
  });
});

describe('geofailover plan and apply on the builtin provider', () => {
  it('plan with no --assume: every region up, creates everything, writes nothing', async () => {
    const r = await run(['plan', '--config', config]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('=== zone example.com. / provider local (builtin) ===');
    expect(r.stdout).toMatch(/\+ create app\.example\.com\. A {2}198\.51\.100\.10 .*because eu-west is UP/);
    expect(r.stdout).toContain('10 to create, 0 to update, 0 to delete');
    expect(r.stdout).not.toContain('\x1b['); // not a TTY: no colour
    expect(storeState()).toBe('absent');
  });

  it('apply, then plan --expect-no-changes exits 0', async () => {
    const applied = await run(['apply', '--config', config]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(
      'applied 10 change(s) to example.com. (local); planning again finds no changes',
    );
    expect(existsSync(store)).toBe(true);
    const again = await run(['plan', '--config', config, '--expect-no-changes']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('0 to create, 0 to update, 0 to delete');
  });

  it('plan --assume eu-west=down moves failover, zeroes the weight and sends the EU geo rule to its fallback', async () => {
    expect((await run(['apply', '--config', config])).code).toBe(0);
    const before = storeState();
    const r = await run(['plan', '--config', config, '--assume', 'eu-west=down', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as JsonPlan;
    expect(plan.version).toBe(1);
    const changes = plan.zones[0]!.changes;
    const find = (name: string, setId?: string) =>
      changes.find((c) => c.name === name && c.type === 'A' && c.setId === setId);

    const failover = find('app.example.com.');
    expect(failover?.kind).toBe('update');
    expect(failover?.before?.values).toEqual(['198.51.100.10']);
    expect(failover?.after?.values).toEqual(['192.0.2.10', '192.0.2.11']); // us-east, next in order

    const weighted = find('api.example.com.', 'eu-west');
    expect(weighted?.before?.weight).toBe(30);
    expect(weighted?.after?.weight).toBe(0);
    expect(find('api.example.com.', 'us-east')).toBeUndefined(); // other weights kept

    const geo = find('www.example.com.', 'continent-eu');
    expect(geo?.before?.values).toEqual(['198.51.100.10']);
    expect(geo?.after?.values).toEqual(['192.0.2.10', '192.0.2.11']); // the EU rule's fallback, us-east
    expect(find('www.example.com.', 'continent-as')).toBeUndefined();

    for (const c of changes) expect(c.reason).toMatchObject({ code: 'region-down', region: 'eu-west' });
    expect(plan.summary).toEqual({ create: 0, update: 3, delete: 0 });

    const text = await run(['plan', '--config', config, '--assume', 'eu-west=down', '--expect-no-changes']);
    expect(text.code).toBe(4);
    expect(text.stdout).toContain('~ update app.example.com. A  198.51.100.10 -> 192.0.2.10, 192.0.2.11');
    expect(text.stdout).toContain('because eu-west is DOWN');
    expect(text.stderr).toContain('--expect-no-changes: the plan has 3 change(s)');
    expect(storeState()).toBe(before);
  });

  it('apply --assume eu-west=down writes the failover and converges', async () => {
    expect((await run(['apply', '--config', config])).code).toBe(0);
    const r = await run(['apply', '--config', config, '--assume', 'eu-west=down']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('applied 3 change(s)');
    const data = JSON.parse(readFileSync(store, 'utf8')) as {
      zones: Record<string, { name: string; type: string; setId?: string; values: string[] }[]>;
    };
    const app = data.zones['example.com.']!.find((x) => x.name === 'app.example.com.' && x.type === 'A');
    expect(app?.values).toEqual(['192.0.2.10', '192.0.2.11']);
    const same = await run(['plan', '--config', config, '--assume', 'eu-west=down', '--expect-no-changes']);
    expect(same.code).toBe(0);
  });

  it('a plan over the safety threshold exits 3, prints the plan first, and apply writes nothing', async () => {
    expect((await run(['apply', '--config', config])).code).toBe(0);
    // A config edit that touches every record (TTL 30 -> 60), with the gate armed from 1 record.
    const edited = writeConfig((t) =>
      t.replaceAll('ttl: 30', 'ttl: 60').replace('minExisting: 10', 'minExisting: 1'),
    );
    const before = storeState();

    const plan = await run(['plan', '--config', edited]);
    expect(plan.code).toBe(3);
    expect(plan.stdout).toContain('~ update app.example.com. A');
    expect(plan.stdout).toMatch(/REFUSED +update-fraction: .*maxUpdateFraction/);
    expect(plan.stderr).toContain('refused by the safety gate');

    const apply = await run(['apply', '--config', edited]);
    expect(apply.code).toBe(3);
    expect(apply.stdout).toContain('=== zone example.com.'); // the plan, printed before the refusal
    expect(apply.stdout).not.toMatch(/^applied /m);
    expect(apply.stderr).toContain('refused by the safety gate: nothing was applied');
    expect(apply.stderr).toContain('--force');
    expect(storeState()).toBe(before);

    const forced = await run(['apply', '--config', edited, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('FORCED');
    expect(storeState()).not.toBe(before);
    expect((await run(['plan', '--config', edited, '--expect-no-changes'])).code).toBe(0);
  });

  it('apply --checksum proceeds on a match and refuses a stale checksum, writing nothing', async () => {
    expect((await run(['apply', '--config', config])).code).toBe(0);
    const reviewed = JSON.parse(
      (await run(['plan', '--config', config, '--assume', 'eu-west=down', '--output', 'json'])).stdout,
    ) as JsonPlan;
    const before = storeState();

    // The world moved on: the reviewed plan was for eu-west down; now every region is up.
    const stale = await run(['apply', '--config', config, '--checksum', reviewed.checksum]);
    expect(stale.code).toBe(3);
    expect(stale.stderr).toContain(`--checksum ${reviewed.checksum} does not match the plan made now`);
    expect(stale.stderr).toContain('Nothing was applied');
    expect(storeState()).toBe(before);

    // --force does not bypass a checksum.
    const forced = await run(['apply', '--config', config, '--force', '--checksum', 'f'.repeat(64)]);
    expect(forced.code).toBe(3);
    expect(storeState()).toBe(before);

    const ok = await run([
      'apply',
      '--config',
      config,
      '--assume',
      'eu-west=down',
      '--checksum',
      reviewed.checksum,
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('applied 3 change(s)');
  });

  it('dry-run (flag or controller.mode) prints the plan and writes nothing', async () => {
    const flag = await run(['apply', '--config', config, '--dry-run']);
    expect(flag.code).toBe(0);
    expect(flag.stdout).toContain('Dry run (--dry-run): nothing was written.');
    expect(flag.stdout).toContain('dry-run: 10 change(s) to example.com. (local) not written');
    expect(storeState()).toBe('absent');

    const modeConfig = writeConfig((t) => t.replace('mode: apply', 'mode: dry-run'));
    const mode = await run(['apply', '--config', modeConfig, '--output', 'json']);
    expect(mode.code).toBe(0);
    const doc = JSON.parse(mode.stdout) as { mode: string; applied: boolean; outcomes: { status: string }[] };
    expect(doc).toMatchObject({ mode: 'dry-run', applied: false });
    expect(doc.outcomes.map((o) => o.status)).toEqual(['dry-run']);
    expect(storeState()).toBe('absent');
  });

  it('refuses records it does not own unless --adopt', async () => {
    const foreign = {
      version: 1,
      serial: 1,
      zones: {
        'example.com.': [{ name: 'app.example.com.', type: 'A', ttl: 300, values: ['203.0.113.99'] }],
      },
    };
    writeConfig();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'state'), { recursive: true });
    writeFileSync(store, JSON.stringify(foreign));
    const before = storeState();

    const r = await run(['apply', '--config', config]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/REFUSED +ownership/);
    expect(r.stderr).toContain('--adopt');
    expect(storeState()).toBe(before);

    const adopted = await run(['apply', '--config', config, '--adopt']);
    expect(adopted.code, adopted.stdout + adopted.stderr).toBe(0);
    expect((await run(['plan', '--config', config, '--expect-no-changes'])).code).toBe(0);
  });

  it('apply --output json is one versioned document with the plan and the outcomes', async () => {
    const r = await run(['apply', '--config', config, '--output', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      version: number;
      mode: string;
      applied: boolean;
      outcomes: { status: string; changes: number; verified: boolean }[];
      plan: JsonPlan;
    };
    expect(doc).toMatchObject({ version: 1, mode: 'apply', applied: true });
    expect(doc.outcomes).toEqual([
      { zone: 'example.com.', provider: 'local', status: 'applied', changes: 10, verified: true },
    ]);
    expect(doc.plan.summary.create).toBe(10);
  });
});

describe('bad input: one clear message, exit 2, nothing written', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown flag', ['plan', '--config', '@C', '--bogus'], /unknown option '--bogus'/],
    [
      'a bad --assume state',
      ['plan', '--config', '@C', '--assume', 'eu-west=sideways'],
      /must be up, down or drained/,
    ],
    [
      'a malformed --assume',
      ['apply', '--config', '@C', '--assume', 'eu-west'],
      /Expected REGION=up\|down\|drained/,
    ],
    [
      'an unknown --assume region',
      ['apply', '--config', '@C', '--assume', 'mars=down'],
      /unknown region "mars"/,
    ],
    ['a bad --output', ['plan', '--config', '@C', '--output', 'yaml'], /Allowed choices are text, json/],
    ['no --config', ['apply'], /required option '-c, --config <file>'/],
    ['a missing config file', ['apply', '--config', '/nonexistent/geofailover.yaml'], /file not found/],
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
  ];

  it.each(cases)('%s', async (_label, args, message) => {
    const r = await run(args.map((a) => (a === '@C' ? config : a)));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expect(storeState()).toBe('absent');
  });

  it('an invalid config: apply exits 2 and names the line', async () => {
    const bad = writeConfig((t) => t.replace('ttl: 30', 'ttl: 0'));
    const r = await run(['apply', '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/geofailover\.yaml:\d+: zones\[0\]\.records\[0\]\.ttl: ttl 0 is out of range/);
    expect(storeState()).toBe('absent');
  });
});
