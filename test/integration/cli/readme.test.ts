// The README's quick start must keep working: every read-only `npx geofailover …` line of its first
// code block runs through the real binary and exits 0, and every subcommand it names is registered.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function geofailover(args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin/geofailover.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

const quickStart = /## Quick start\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const commands = quickStart
  .split('\n')
  .filter((l) => l.startsWith('npx geofailover '))
  .map((l) => l.slice('npx geofailover '.length).split(/\s+/).filter(Boolean));

describe('README', () => {
  it('has a quick start with validate and plan', () => {
    expect(quickStart).toContain('npm install');
    expect(quickStart).toContain('npm test');
    expect(commands.map((c) => c[0])).toEqual(['validate', 'plan']);
  });

  it.each(commands.map((c) => [c.join(' '), c] as const))('geofailover %s exits 0', (_label, args) => {
    const r = geofailover([...args]);
    expect(r.status, r.stderr).toBe(0);
  });

  it('every subcommand in the CLI section is registered or marked as coming', () => {
    const cli = /## CLI\s+```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const help = geofailover(['--help']).stdout;
    for (const line of cli.split('\n').filter((l) => l.startsWith('geofailover '))) {
      const names = line
        .split('#')[0]!
        .replace(/^geofailover\s+/, '')
        .split(/\s+/)
        .filter((w) => /^[a-z][a-z-]+$/.test(w) && w !== 'or');
      const name = names[0]!;
      if (line.includes('# coming')) expect(help, name).not.toMatch(new RegExp(`^  ${name} `, 'm'));
      else expect(help, name).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
  });
});
