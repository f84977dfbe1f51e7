// The README's quick start must keep working and its CLI synopsis must match the CLI: every
// read-only `geofailover …` line of the quick start runs through the real binary and exits 0; every
// command and flag in the synopsis exists, every flag the CLI has is in the synopsis, and a required
// flag is never written as optional. The intro, package.json and the Config table name every
// provider kind; the Config table names every check kind and its keys.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { definitions } from '../../../providers/registry/index.ts';
import { registerCommands } from '../../../src/cli/commands.ts';
import { checkDefinitions } from '../../../src/probe/checks/index.ts';

const root = join(import.meta.dirname, '../../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { description: string };

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
  .filter((l) => l.startsWith('geofailover '))
  .map((l) => l.split('#')[0]!.slice('geofailover '.length).split(/\s+/).filter(Boolean));

/** The synopsis: one entry per `geofailover …` line, continuation lines (indented) joined to it. */
function synopsis(): string[] {
  const block = /## CLI\s+```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const entries: string[] = [];
  for (const line of block.split('\n')) {
    const text = line.split(' # ')[0]!.trimEnd();
    if (text.startsWith('geofailover ')) entries.push(text);
    else if (text.trim() !== '') entries[entries.length - 1] += ` ${text.trim()}`;
  }
  return entries;
}

function program(): Command {
  const p = new Command('geofailover');
  registerCommands(p, () => {});
  return p;
}

/** The command an entry is for: `maintenance add` is the `add` subcommand of `maintenance`. */
function commandOf(p: Command, entry: string): Command | undefined {
  const words = entry.replace(/^geofailover\s+/, '').split(/\s+/);
  let cmd = p.commands.find((c) => c.name() === words[0]);
  const sub = cmd?.commands.find((c) => c.name() === words[1]);
  if (sub) cmd = sub;
  return cmd;
}

// Shared by every command that talks to a controller; the README says so once, below the block.
const CONTROLLER_FLAGS = ['--controller', '--ca', '--cert', '--key'];

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

  it('names every subcommand of --help in the synopsis, and nothing else', () => {
    const help = geofailover(['--help']).stdout;
    const inHelp = [...help.matchAll(/^ {2}([a-z][a-z-]+)\b/gm)]
      .map((m) => m[1]!)
      .filter((n) => n !== 'help');
    const inSynopsis = new Set(synopsis().map((e) => e.split(/\s+/)[1]!));
    inSynopsis.delete('--version');
    expect([...inSynopsis].sort()).toEqual([...new Set(inHelp)].sort());
  });

  it('keeps every synopsis line in step with its command: flags, required flags', () => {
    const p = program();
    const below = readme.slice(readme.indexOf('## CLI'), readme.indexOf('### Exit codes'));
    for (const entry of synopsis()) {
      if (entry.startsWith('geofailover --version')) continue;
      const cmd = commandOf(p, entry);
      expect(cmd, entry).toBeDefined();
      const written = new Set(entry.match(/--[a-z][a-z-]*/g) ?? []);
      const flags = cmd!.options.map((o) => o.long!).filter((f) => f !== '--help');
      for (const f of written) expect(flags, `${entry}: ${f} is not an option of this command`).toContain(f);
      for (const o of cmd!.options) {
        const f = o.long!;
        if (CONTROLLER_FLAGS.includes(f)) {
          expect(below, `${f} is shared by controller commands: the README must say so`).toContain(`\`${f}`);
          continue;
        }
        // override's two forms each list the flags of their own form; --clear is the other form.
        if (entry.includes('override') && (f === '--clear' || f === '--for' || f === '--reason')) continue;
        expect(written, `${entry}: the CLI has ${f}, the synopsis does not`).toContain(f);
        if (o.mandatory) expect(entry, `${f} is required`).not.toContain(`[${f}`);
      }
    }
    expect(synopsis().join('\n')).toContain('drain       REGION --reason TEXT');
  });

  it('--version and -V print the package version', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = geofailover([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    }
  });

  it('names every provider kind in the intro, package.json and the Config table', () => {
    const names: Record<string, RegExp> = {
      builtin: /built-in authoritative DNS server/,
      route53: /Route 53/,
      cloudflare: /Cloudflare/,
      googlecloud: /Google Cloud DNS/,
      azure: /Azure DNS/,
      powerdns: /PowerDNS/,
      rfc2136: /RFC 2136/,
      memory: /in-memory/,
    };
    const intro = readme.slice(0, readme.indexOf('## Quick start'));
    const row = /^\| `providers`.*$/m.exec(readme)?.[0] ?? '';
    expect(Object.keys(names).sort()).toEqual(definitions.map((d) => d.kind).sort());
    for (const d of definitions) {
      expect(intro, d.kind).toMatch(names[d.kind]!);
      expect(pkg.description, d.kind).toMatch(names[d.kind]!);
      expect(row, d.kind).toContain(`kind: ${d.kind}`);
    }
  });

  it("names every check kind and each of its keys in the Config table's regions row", () => {
    const row = /^\| `regions`.*$/m.exec(readme)?.[0] ?? '';
    for (const d of checkDefinitions) {
      for (const kind of d.kinds) expect(row, kind).toContain(`\`${kind}\``);
      const keys = Object.keys((d.schema as unknown as { shape: Record<string, unknown> }).shape);
      for (const key of keys.filter((k) => k !== 'kind' && k !== 'timeout')) {
        expect(row, `${d.kinds[0]}.${key}`).toContain(`\`${key}\``);
      }
    }
  });
});
