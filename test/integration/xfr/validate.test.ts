// `geofailover validate` on a hidden primary: geo and weighted names in a transferred zone are
// warnings that say what secondaries will serve instead (exit 0), an unset TSIG secret variable is
// named like every other secret, and a zone that is not transferred gets no such warning.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'gf-xfr-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (transfers: string) => `owner: shop
regions:
  - { id: us-east, endpoints: [{ id: use-a, address: 192.0.2.10, check: { kind: tcp, port: 443 } }] }
  - { id: eu-west, endpoints: [{ id: euw-a, address: 198.51.100.10, check: { kind: tcp, port: 443 } }] }
providers:
  local:
    kind: builtin
${transfers}
zones:
  - name: example.com
    provider: local
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west] } }
      - name: api.example.com
        type: A
        ttl: 30
        policy: { kind: weighted, weights: { us-east: 70, eu-west: 30 } }
      - name: www.example.com
        type: A
        ttl: 30
        policy:
          kind: geo
          rules:
            - { match: { continent: EU }, regions: [eu-west, us-east] }
            - { match: default, regions: [us-east, eu-west] }
`;

function validate(text: string, env: NodeJS.ProcessEnv = {}) {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  const r = spawnSync(process.execPath, [join(root, 'bin/geofailover.js'), 'validate', '--config', file], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: process.env.PATH, ...env },
  });
  return { ...r, file };
}

describe('validate with a hidden primary', () => {
  it('warns that secondaries get the default answer for geo names and every live value for weighted ones', () => {
    const r = validate(
      config(`    tsigKeys: [{ name: xfr-key, secretEnv: XFR_SECRET }]
    allowTransfer: [{ key: xfr-key }]
    secondaries: ["192.0.2.53:53"]`),
      { XFR_SECRET: 'c2VjcmV0' },
    );
    expect(r.status, r.stderr).toBe(0);
    const warnings = r.stderr.trim().split('\n');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toBe(
      `warning: ${r.file}:19: zones[0].records[1].policy.kind: api.example.com A is weighted: secondaries of example.com (allowTransfer/secondaries on provider local) serve every healthy (weight > 0) value in one answer, not in proportion to the weights`,
    );
    expect(warnings[1]).toMatch(
      /:24: zones\[0\]\.records\[2\]\.policy\.kind: www\.example\.com A is geo: secondaries of example\.com .* get the `default` rule's answer for every client; only the builtin server answers by location/,
    );
  });

  it('names an unset TSIG secret variable, and says nothing about zones that are not transferred', () => {
    const withKey = validate(
      config(
        '    tsigKeys: [{ name: xfr-key, secretEnv: XFR_SECRET }]\n    allowTransfer: [{ key: xfr-key }]',
      ),
    );
    expect(withKey.stderr).toContain(
      'providers.local.tsigKeys[0].secretEnv: environment variable XFR_SECRET is not set (needed by TSIG key xfr-key of provider local)',
    );
    const plain = validate(config('    listen: "127.0.0.1:5353"'));
    expect(plain.status).toBe(0);
    expect(plain.stderr).toBe('');
  });
});
