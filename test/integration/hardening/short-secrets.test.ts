// Prober keys and API tokens shorter than 32 bytes: `validate` warns, `validate --check-env` fails
// (exit 2) naming each variable or file and the remedy (openssl rand -hex 32), never printing a value;
// the controller starts with them but logs a warning. A one-character key once passed --check-env.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { startController } from '../../../src/controller/index.ts';
import { createLogger } from '../../../src/log/index.ts';
import { runGeofailover } from '../../helpers/cli.ts';
import { HostileTally } from '../../helpers/hostile.ts';

const tally = new HostileTally('short-secrets');
afterAll(() => tally.record());

const dir = mkdtempSync(join(tmpdir(), 'gf-short-secrets-'));
const keyFile = join(dir, 'p4.key');
const tokenFile = join(dir, 'viewer.token');
const strong = () => randomBytes(32).toString('hex');

const YAML = `
owner: short-secrets
regions:
  - { id: us-east, endpoints: [{ id: use-a, address: 192.0.2.10, check: { kind: tcp, port: 80 } }] }
probers:
  - { id: p1, keyEnv: K1 }
  - { id: p2, keyEnv: K2 }
  - { id: p3, keyEnv: K3 }
  - { id: p4, keyFile: ${JSON.stringify(keyFile)} }
health: { minProbers: 2 }
providers: { p: { kind: memory } }
zones:
  - name: example.com
    provider: p
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east] } }
controller:
  listen: 127.0.0.1:0
  stateDir: ${JSON.stringify(join(dir, 'state'))}
  tokenEnv: API_TOKEN
  tokens:
    - { name: oncall, role: operate, tokenEnv: T_ONCALL }
    - { name: viewer, role: read, tokenFile: ${JSON.stringify(tokenFile)} }
`;
const file = join(dir, 'geofailover.yaml');
writeFileSync(file, YAML);

const validate = (env: Record<string, string>, checkEnv: boolean) =>
  runGeofailover(['validate', '--config', file, ...(checkEnv ? ['--check-env'] : [])], {
    PATH: process.env.PATH,
    ...env,
  });

// Distinctive values, so that any echo of one in the output is caught.
const WEAK = {
  K1: 'Q',
  K2: 'w31-bytes-xxxxxxxxxxxxxxxxxxxxxx'.slice(0, 31),
  API_TOKEN: 'tk',
  T_ONCALL: 'oncall-pass',
};
const FILE_VALUE = 'file-key-short';

describe('short prober keys and API tokens', () => {
  it('--check-env fails (exit 2) naming each short one and the remedy, never a value', async () => {
    writeFileSync(keyFile, `${FILE_VALUE}\n`);
    writeFileSync(tokenFile, `${strong()}\n`);
    const run = await validate({ ...WEAK, K3: 'k'.repeat(32) }, true);
    const named = [
      /:\d+: probers\[0\]\.keyEnv: environment variable K1 holds fewer than 32 bytes \(the signing key of prober p1\): a short secret can be guessed; to fix: set it to a random value: openssl rand -hex 32/,
      /:\d+: probers\[1\]\.keyEnv: environment variable K2 holds fewer than 32 bytes \(the signing key of prober p2\)/,
      /:\d+: probers\[3\]\.keyFile: secret file .*p4\.key holds fewer than 32 bytes \(the signing key of prober p4\)/,
      /:\d+: controller\.tokenEnv: environment variable API_TOKEN holds fewer than 32 bytes \(the admin API token\)/,
      /:\d+: controller\.tokens\[0\]\.tokenEnv: environment variable T_ONCALL holds fewer than 32 bytes \(API token oncall\)/,
    ];
    const leaked = [...Object.values(WEAK), FILE_VALUE].filter((v) => v.length > 1 && run.output.includes(v));
    for (const re of named) tally.add(run.code === 2 && re.test(run.stderr) && leaked.length === 0);
    expect(run.code).toBe(2);
    for (const re of named) expect(run.stderr).toMatch(re);
    // 32 bytes is enough; the strong token file is not named.
    expect(run.stderr).not.toMatch(/K3|viewer\.token/);
    expect(leaked).toEqual([]);
    expect(run.stderr).toMatch(/: 5 problems\n/);
    expect(run.stderr).toMatch(
      /\n {2}remedy: set K1, K2, .*p4\.key, API_TOKEN and T_ONCALL to random values of 32 bytes or more \(openssl rand -hex 32\); a prober's agent needs the same new key\n/,
    );
  });

  it('without --check-env the same are warnings and validate passes', async () => {
    const run = await validate({ ...WEAK, K3: strong() }, false);
    expect(run.code).toBe(0);
    expect(run.stderr.match(/^warning: .* holds fewer than 32 bytes/gm)).toHaveLength(5);
    expect(run.stdout).toContain('valid: owner short-secrets');
  });

  it('an unreadable or empty secret file fails --check-env, naming the file', async () => {
    writeFileSync(keyFile, '\n');
    const strongEnv = { K1: strong(), K2: strong(), K3: strong(), API_TOKEN: strong(), T_ONCALL: strong() };
    const empty = await validate(strongEnv, true);
    tally.add(empty.code === 2 && /secret file .*p4\.key is empty/.test(empty.stderr));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(
      /probers\[3\]\.keyFile: secret file .*p4\.key is empty \(the signing key of prober p4\)/,
    );
    rmSync(keyFile);
    const missing = await validate(strongEnv, true);
    tally.add(missing.code === 2 && /cannot read secret file .*p4\.key \(ENOENT\)/.test(missing.stderr));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/probers\[3\]\.keyFile: cannot read secret file .*p4\.key \(ENOENT\)/);
    writeFileSync(keyFile, `${strong()}\n`);
    const fine = await validate(strongEnv, true);
    expect(fine.code, fine.stderr).toBe(0);
    expect(fine.stderr).toBe('');
  });

  it('the controller starts with a short key, and warns naming the variable, not the value', async () => {
    writeFileSync(keyFile, `${strong()}\n`);
    const lines: string[] = [];
    const logger = createLogger('short-secrets', {
      destination: new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    const ctl = await startController({
      config: parseConfig(YAML),
      env: { K1: 'Q', K2: strong(), K3: strong(), API_TOKEN: strong(), T_ONCALL: strong() },
      logger,
      providers: new Map([['p', new MemoryProvider('p', 'short-secrets')]]),
    });
    await ctl.stop();
    const warned = lines.filter((l) => l.includes('holds fewer than 32 bytes'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain('probers[0].keyEnv: environment variable K1 holds fewer than 32 bytes');
    expect(lines.join('')).not.toMatch(/"Q"/);
  });
});
