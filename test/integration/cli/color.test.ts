// Colour only on a terminal: `plan` run under a pseudo-terminal (util-linux `script`) colours its
// output, and NO_COLOR turns that off; piped output (every other CLI test) has no escapes at all.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasScript) console.warn('skipping TTY colour tests: util-linux `script` is not installed');

function planOnTty(env: NodeJS.ProcessEnv): string {
  const cmd = `${process.execPath} bin/geofailover.js plan --config config/example.yaml --assume eu-west=down`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, TERM: 'xterm', ...env },
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe.skipIf(!hasScript)('colour', () => {
  it('is used on a terminal', () => {
    const out = planOnTty({ NO_COLOR: '' });
    expect(out).toContain('\x1b[1m=== zone example.com.'); // the bold zone banner
    expect(out).toMatch(/\x1b\[3[23]m[+~] (create|update)/); // green creates or yellow updates
    expect(out).toContain('because eu-west is DOWN');
  });

  it('is not used with NO_COLOR', () => {
    const out = planOnTty({ NO_COLOR: '1' });
    expect(out).not.toContain('\x1b[');
    expect(out).toContain('because eu-west is DOWN');
  });
});
