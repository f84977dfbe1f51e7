// A CA file that an endpoint check names (grpc and tls kinds) is checked like every other TLS file:
// `validate` warns with its line, `validate --check-env` fails on it, and the real `geofailover probe`
// refuses to start (exit 2) naming the check, the file and what to do.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGeofailover } from '../../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'gf-check-ca-'));
const file = join(dir, 'config.yaml');
writeFileSync(
  file,
  `owner: t
regions:
  - id: r1
    endpoints:
      - id: e1
        address: 127.0.0.1
        checks:
          - { kind: tcp, port: 80 }
          - { kind: tls, port: 443, serverName: localhost, ca: ${dir}/missing-ca.pem }
probers: [{ id: p1, keyEnv: K1 }]
controllers: ["http://127.0.0.1:9"]
health: { minProbers: 1 }
providers: { m: { kind: memory } }
`,
);
const env = { PATH: process.env.PATH, K1: 'a'.repeat(64) };
const WHAT = `regions[0].endpoints[0].checks[1].ca: ${dir}/missing-ca.pem: file not found`;

describe('a missing CA file of an endpoint check', () => {
  it('is a validate warning with its line, and an error with --check-env', async () => {
    const plain = await runGeofailover(['validate', '--config', file], env);
    expect(plain.code, plain.output).toBe(0);
    expect(plain.stderr).toContain(`warning: ${file}:9: ${WHAT}`);
    const strict = await runGeofailover(['validate', '--check-env', '--config', file], env);
    expect(strict.code, strict.output).toBe(2);
    expect(strict.stderr).toContain(`${file}:9: ${WHAT}`);
  });

  it('stops the probe agent at start, naming the check and the file (exit 2, no stack)', async () => {
    const r = await runGeofailover(['probe', '--config', file, '--prober', 'p1'], env);
    expect(r.code, r.output).toBe(2);
    expect(r.stderr).toContain(
      `regions[0].endpoints[0].checks[1] (e1): ca: ${dir}/missing-ca.pem: file not found`,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
