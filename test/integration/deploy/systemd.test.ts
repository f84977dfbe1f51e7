// deploy/systemd: the units pass `systemd-analyze verify` and score low on `systemd-analyze security`,
// every ExecStart/ExecStartPre is a command line the real CLI accepts, the sandbox is what the issue
// asks (DynamicUser, ProtectSystem=strict, StateDirectory = controller.stateDir, NoNewPrivileges, only
// CAP_NET_BIND_SERVICE and only where the builtin DNS server binds a port below 1024), a unit
// started without its secrets fails at start with the config error (exit 2, no restart loop), and the
// controller and probe units take the controller URLs from one file, controllers.env (https://).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerCommands } from '../../../src/cli/commands.ts';
import { type Config, loadConfig, resolveControllers } from '../../../src/config/index.ts';
import { binarySize, workersProblems } from '../../unit/deploy/dns-workers.ts';
import { kubectlMissing, render, workloads } from '../../unit/deploy/kustomize.ts';
import { HAVE_OPENSSL, issue, makeCa } from '../tls/certs.ts';
import { waitFor } from '../tls/harness.ts';

const ROOT = join(import.meta.dirname, '../../..');
const DIR = join(ROOT, 'deploy/systemd');
const BIN = join(ROOT, 'bin/geofailover.js');
const INSTALL_BIN = '/opt/geofailover/node_modules/geofailover/bin/geofailover.js';
const CONFIG_PATH = '/etc/geofailover/geofailover.yaml';
const PROBER = 'frankfurt';

const analyzeMissing = (() => {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'systemd-analyze is not installed (apt-get install systemd)';
  }
})();
if (analyzeMissing) console.warn(`skipping systemd-analyze checks: ${analyzeMissing}`);

type Unit = Map<string, Map<string, string[]>>;

/** A unit file as section -> key -> values (keys repeat, e.g. SystemCallFilter). */
function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = new Map();
      unit.set(head[1]!, section);
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq < 0) throw new Error(`not a unit line: ${line}`);
    const key = line.slice(0, eq);
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1)]);
  }
  return unit;
}

const files = readdirSync(DIR).filter((f) => /\.(service|timer)$/.test(f));
const units = new Map(files.map((f) => [f, parseUnit(readFileSync(join(DIR, f), 'utf8'))]));
const services = [...units].filter(([f]) => f.endsWith('.service'));
const one = (u: Unit, section: string, key: string) => u.get(section)?.get(key)?.at(-1);
const config: Config = loadConfig(join(DIR, 'geofailover.yaml'));

/** The argv of a command line, with the instance specifier resolved as systemd would. */
function argv(line: string, instance: string): string[] {
  expect(line, 'no quoting needed (none is parsed here)').not.toMatch(/["'\\]/);
  return line
    .replace(/^[-@:+!]+/, '')
    .split(/\s+/)
    .map((a) => a.replaceAll('%i', instance));
}

const commandLines = services.flatMap(([file, u]) =>
  ['ExecStartPre', 'ExecStart'].flatMap((k) =>
    (u.get('Service')?.get(k) ?? []).map((line) => ({ file, key: k, args: argv(line, PROBER) })),
  ),
);

/** The variables of a shipped env file (deploy/systemd/NAME.env for /etc/geofailover/NAME.env). */
function shippedEnv(path: string): Record<string, string> {
  const text = readFileSync(join(DIR, path.slice('/etc/geofailover/'.length)), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** The environment a unit gets from those of its EnvironmentFiles this repository ships. */
function unitEnv(file: string): Record<string, string> {
  const files = units.get(file)?.get('Service')?.get('EnvironmentFile') ?? [];
  const shipped = files
    .map((f) => f.replace(/^-/, ''))
    .filter((f) => existsSync(join(DIR, f.split('/').at(-1)!)));
  return Object.assign({}, ...shipped.map(shippedEnv));
}

/** Runs a unit's command line with the repository's CLI, the config path mapped to `configFile`. */
function runLine(args: string[], configFile: string, env: Record<string, string> = {}) {
  const mapped = args.slice(2).map((a) => (a === CONFIG_PATH ? configFile : a));
  return spawnSync(process.execPath, [BIN, ...mapped], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', ...env },
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'gf-systemd-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('deploy/systemd', () => {
  it('has the controller, the probe template, and the scheduled apply service with its timer', () => {
    expect(files.sort()).toEqual([
      'geofailover-apply.service',
      'geofailover-apply.timer',
      'geofailover-controller.service',
      'geofailover-probe@.service',
    ]);
    const timer = units.get('geofailover-apply.timer')!;
    expect(one(timer, 'Timer', 'Unit')).toBe('geofailover-apply.service');
    expect(one(timer, 'Timer', 'OnCalendar')).toBeDefined();
    const apply = units.get('geofailover-apply.service')!;
    expect(one(apply, 'Service', 'Type')).toBe('oneshot');
    // Starting the apply must never stop a controller on the same machine (the lease keeps them apart).
    expect(one(apply, 'Unit', 'Conflicts')).toBeUndefined();
  });

  it.skipIf(analyzeMissing !== undefined)('passes systemd-analyze verify (the probe as an instance)', () => {
    const dir = mkdtempSync(join(tmp, 'verify-'));
    for (const f of files) copyFileSync(join(DIR, f), join(dir, f));
    copyFileSync(join(DIR, 'geofailover-probe@.service'), join(dir, `geofailover-probe@${PROBER}.service`));
    const targets = files.filter((f) => !f.includes('@.')).concat(`geofailover-probe@${PROBER}.service`);
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...targets.map((f) => join(dir, f))], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(analyzeMissing !== undefined)(
    'every service scores OK (exposure at most 2.0) on systemd-analyze security',
    () => {
      const dir = mkdtempSync(join(tmp, 'security-'));
      for (const f of files) copyFileSync(join(DIR, f), join(dir, f));
      copyFileSync(join(DIR, 'geofailover-probe@.service'), join(dir, `geofailover-probe@${PROBER}.service`));
      // The floor beside the figures: the same command with no sandboxing at all, scored in this run.
      writeFileSync(join(dir, 'bare.service'), `[Service]\nExecStart=/usr/bin/node ${INSTALL_BIN}\n`);
      const exposure = (f: string): number => {
        const r = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', join(dir, f)], {
          encoding: 'utf8',
        });
        const m = /Overall exposure level for \S+: ([\d.]+)/.exec(r.stdout);
        expect(m, `${f}: ${r.stderr}`).not.toBeNull();
        return Number(m![1]);
      };
      const bare = exposure('bare.service');
      for (const f of [
        'geofailover-controller.service',
        `geofailover-probe@${PROBER}.service`,
        'geofailover-apply.service',
      ]) {
        const e = exposure(f);
        // 0 is fully locked down, 10 unprotected (systemd's scale).
        console.log(`systemd-analyze security ${f}: exposure ${e} (unsandboxed unit: ${bare}; limit 2.0)`);
        expect(e).toBeLessThanOrEqual(2.0);
        expect(e).toBeLessThan(bare / 4);
      }
    },
  );

  it('every ExecStart and ExecStartPre is a command line of the CLI', () => {
    const program = new Command('geofailover');
    registerCommands(program, () => undefined);
    const helped = new Set<string>();
    expect(commandLines.length).toBe(5); // controller: pre + start; probe: start; apply: pre + start
    for (const { file, key, args } of commandLines) {
      const where = `${file} ${key}`;
      expect(args[0], where).toBe('/usr/bin/node'); // Debian's nodejs; verify checks it is executable
      expect(args[1], where).toBe(INSTALL_BIN);
      const [sub, ...rest] = args.slice(2);
      const cmd = program.commands.find((c) => c.name() === sub);
      expect(cmd, `${where}: subcommand ${sub}`).toBeDefined();
      const flags = new Set(cmd!.options.flatMap((o) => [o.long, o.short].filter(Boolean)));
      for (const a of rest.filter((x) => x.startsWith('-')))
        expect(flags.has(a), `${where}: ${sub} ${a}`).toBe(true);
      for (const o of cmd!.options.filter((x) => x.mandatory))
        expect(rest, `${where}: ${o.long}`).toContain(o.long);
      expect(rest[rest.indexOf('--config') + 1]).toBe(CONFIG_PATH);
      if (!helped.has(sub!)) {
        helped.add(sub!);
        const help = spawnSync(process.execPath, [BIN, sub!, '--help'], { cwd: ROOT, encoding: 'utf8' });
        expect(help.status, `${where}: geofailover ${sub} --help`).toBe(0);
      }
    }
    const roles = commandLines.filter((l) => l.key === 'ExecStart').map((l) => `${l.file}: ${l.args[2]}`);
    expect(roles.sort()).toEqual([
      'geofailover-apply.service: apply',
      'geofailover-controller.service: controller',
      'geofailover-probe@.service: probe',
    ]);
    const probe = commandLines.find((l) => l.args[2] === 'probe')!;
    expect(probe.args[probe.args.indexOf('--prober') + 1]).toBe(PROBER); // %i
    expect(commandLines.some((l) => l.args.includes('--force'))).toBe(false);
  }, 180_000);

  it.skipIf(kubectlMissing !== undefined)(
    "the timer's apply is the CronJob's command line (whose exit 3 on a refused plan kubernetes-start.test.ts runs)",
    () => {
      const cron = workloads(render('overlays/scheduled'))[0]!;
      const k8s = [...cron.pod.initContainers, ...cron.pod.containers].map((c: { args: string[] }) => c.args);
      const unit = commandLines
        .filter((l) => l.file === 'geofailover-apply.service')
        .map((l) => l.args.slice(2));
      expect(unit).toEqual(k8s);
    },
  );

  it('is sandboxed: dynamic user, strict read-only system, no new privileges, state where the config keeps it', () => {
    const bindsLowPort = Object.values(config.providers).some(
      (p) =>
        p.kind === 'builtin' &&
        [p.listen ?? []].flat().some((l) => Number(l.slice(l.lastIndexOf(':') + 1)) < 1024),
    );
    expect(bindsLowPort, 'the example config serves DNS on port 53').toBe(true);
    for (const [file, u] of services) {
      const s = (k: string) => one(u, 'Service', k);
      expect(s('DynamicUser'), file).toBe('yes');
      expect(s('User'), file).toBeUndefined();
      expect(s('ProtectSystem'), file).toBe('strict');
      expect(s('NoNewPrivileges'), file).toBe('yes');
      expect(s('PrivateTmp'), file).toBe('yes'); // tsx's cache lives in /tmp
      expect(s('ProtectHome'), file).toBe('yes');
      const runsController = file === 'geofailover-controller.service';
      const caps = runsController && bindsLowPort ? 'CAP_NET_BIND_SERVICE' : '';
      expect(s('CapabilityBoundingSet'), `${file} CapabilityBoundingSet`).toBe(caps);
      expect(s('AmbientCapabilities'), `${file} AmbientCapabilities`).toBe(caps);
      if (file !== 'geofailover-probe@.service')
        expect(`/var/lib/${s('StateDirectory')}`, `${file} StateDirectory`).toBe(config.controller.stateDir);
      // A missing secrets file must reach geofailover's own error, not systemd's.
      for (const f of u.get('Service')?.get('EnvironmentFile') ?? [])
        expect(f.startsWith('-'), `${file}: ${f}`).toBe(true);
      if (s('Restart')) {
        expect(s('RestartPreventExitStatus'), `${file}: no restart loop on a config error`).toBe('2');
        // RestartPreventExitStatus covers the main process only; a failing ExecStartPre is bounded by
        // the start limit instead.
        if (u.get('Service')?.has('ExecStartPre')) {
          expect(Number(one(u, 'Unit', 'StartLimitBurst')), `${file} StartLimitBurst`).toBeGreaterThan(0);
          expect(one(u, 'Unit', 'StartLimitIntervalSec'), `${file} StartLimitIntervalSec`).toBeDefined();
        }
      }
    }
  });

  it("the controller unit has CPUQuota and MemoryMax, and the config's DNS workers are what they hold", () => {
    const u = units.get('geofailover-controller.service')!;
    const quota = one(u, 'Service', 'CPUQuota');
    const max = one(u, 'Service', 'MemoryMax');
    expect(quota, 'CPUQuota').toMatch(/^\d+%$/);
    expect(max, 'MemoryMax').toBeDefined();
    const limits = { cores: Number(quota!.slice(0, -1)) / 100, bytes: binarySize(max!) };
    expect(workersProblems(config, limits, 'deploy/systemd/geofailover.yaml')).toEqual([]);
    // The other units serve no DNS: no budget to keep them to.
    for (const f of ['geofailover-apply.service', 'geofailover-probe@.service'])
      expect(one(units.get(f)!, 'Service', 'CPUQuota'), f).toBeUndefined();
  });

  it.skipIf(!HAVE_OPENSSL)(
    'without its secrets a unit fails at start with the config error (exit 2), naming what is missing',
    () => {
      const file = withTls();
      const pre = commandLines.find(
        (l) => l.file === 'geofailover-controller.service' && l.key === 'ExecStartPre',
      )!;
      const controllers = unitEnv('geofailover-controller.service');
      const r = runLine(pre.args, file, controllers);
      expect(r.status).toBe(2);
      for (const v of [
        'PROBER_VIRGINIA_KEY',
        'PROBER_FRANKFURT_KEY',
        'PROBER_MUMBAI_KEY',
        'GEOFAILOVER_API_TOKEN',
      ])
        expect(r.stderr).toMatch(new RegExp(`geofailover\\.yaml:\\d+: .*${v} is not set`));
      // Keys and the token of 32 bytes or more: shorter ones fail --check-env too.
      const ok = runLine(pre.args, file, {
        ...controllers,
        PROBER_VIRGINIA_KEY: 'k1'.repeat(16),
        PROBER_FRANKFURT_KEY: 'k2'.repeat(16),
        PROBER_MUMBAI_KEY: 'k3'.repeat(16),
        GEOFAILOVER_API_TOKEN: 't'.repeat(32),
      });
      expect(ok.status, ok.stderr).toBe(0);
      // Without controllers.env (or its TLS files) the controller host's check names them too.
      const bare = runLine(pre.args, join(DIR, 'geofailover.yaml'));
      expect(bare.stderr).toMatch(
        /geofailover\.yaml:\d+: controllersFrom\.env: environment variable GEOFAILOVER_CONTROLLERS is not set/,
      );
      expect(bare.stderr).toMatch(
        /geofailover\.yaml:\d+: controller\.tls\.certFile: \/etc\/geofailover\/tls\/tls\.crt: file not found/,
      );

      const probe = commandLines.find((l) => l.args[2] === 'probe')!;
      const noKey = runLine(probe.args, file, unitEnv('geofailover-probe@.service'));
      expect(noKey.status).toBe(2);
      expect(noKey.stderr).toContain(
        `(${PROBER}).keyEnv: environment variable PROBER_FRANKFURT_KEY is not set`,
      );
      const unknown = runLine(
        probe.args.map((a) => (a === PROBER ? 'lisbon' : a)),
        file,
      );
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toContain('unknown prober "lisbon"');
      const noControllers = runLine(probe.args, file, { PROBER_FRANKFURT_KEY: 'k2' });
      expect(noControllers.status).toBe(2);
      expect(noControllers.stderr).toMatch(
        /geofailover\.yaml:\d+: controllersFrom\.env: environment variable GEOFAILOVER_CONTROLLERS is not set/,
      );
    },
    180_000,
  );

  it('the controller and probe units take the controller URLs from controllers.env, the one place: https://', () => {
    // The config names the variable; no URL is written in it.
    expect(config.controllers).toEqual([]);
    expect(config.controllersFrom?.env).toBe('GEOFAILOVER_CONTROLLERS');
    for (const f of ['geofailover-controller.service', 'geofailover-probe@.service']) {
      const files = units.get(f)!.get('Service')!.get('EnvironmentFile')!;
      expect(files, f).toContain('-/etc/geofailover/controllers.env');
    }
    const env = unitEnv('geofailover-probe@.service');
    expect(Object.keys(env)).toEqual(['GEOFAILOVER_CONTROLLERS']);
    const { targets, problems } = resolveControllers(config, env);
    expect(problems).toEqual([]);
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) {
      expect(t.url).toMatch(/^https:\/\//);
      expect(t.ca).toBe('/etc/geofailover/tls/ca.crt');
    }
    // The controller listens beyond loopback, so with TLS from the same directory; the units can read
    // it through the geofailover-tls group (the key is 0640 root:geofailover-tls).
    expect(config.controller.tls?.certFile).toBe('/etc/geofailover/tls/tls.crt');
    for (const f of ['geofailover-controller.service', 'geofailover-probe@.service'])
      expect(one(units.get(f)!, 'Service', 'SupplementaryGroups'), f).toBe('geofailover-tls');
  });

  it.skipIf(!HAVE_OPENSSL)(
    "the probe unit's agent starts and reports to the URLs of controllers.env",
    async () => {
      const file = withTls();
      const probe = commandLines.find((l) => l.args[2] === 'probe')!;
      const mapped = probe.args.slice(2).map((a) => (a === CONFIG_PATH ? file : a));
      const child = spawn(process.execPath, [BIN, ...mapped], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          NO_COLOR: '1',
          ...unitEnv('geofailover-probe@.service'),
          PROBER_FRANKFURT_KEY: 'k2',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        out += d;
      });
      try {
        await waitFor('probe agent started', () => out.includes('probe agent started'), 30_000);
        const started = JSON.parse(out.split('\n').find((l) => l.includes('probe agent started'))!);
        expect(started.controllers).toEqual(
          unitEnv('geofailover-probe@.service').GEOFAILOVER_CONTROLLERS!.split(','),
        );
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('close', r));
      }
    },
    60_000,
  );

  it.skipIf(!HAVE_OPENSSL)(
    'the probe unit gives up with exit 1 when no controller accepts its reports, and systemd restarts that',
    () => {
      const u = units.get('geofailover-probe@.service')!;
      const probe = commandLines.find((l) => l.args[2] === 'probe')!;
      const after = probe.args[probe.args.indexOf('--exit-after-unreported') + 1];
      expect(after, '--exit-after-unreported').toMatch(/^\d+m$/);
      // Exit 1 is restarted (on-failure), unlike exit 2 (a config error).
      expect(one(u, 'Service', 'Restart')).toBe('on-failure');
      expect(one(u, 'Service', 'RestartPreventExitStatus')?.split(/\s+/)).not.toContain('1');
      // The unit's own command line, with the wait cut to 8 s (time for the first checks to time out
      // and their report to fail) and controllers.env pointing at a
      // loopback port nothing listens on (the shipped host name would wait on a DNS look-up here):
      // the agent says so, gives up and exits 1.
      const r = runLine(
        probe.args.map((a) => (a === after ? '8s' : a)),
        withTls(),
        {
          ...unitEnv('geofailover-probe@.service'),
          GEOFAILOVER_CONTROLLERS: 'https://127.0.0.1:9',
          PROBER_FRANKFURT_KEY: 'k2',
        },
      );
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/controller https:\/\/127\.0\.0\.1:9 unreachable/);
      expect(r.stderr).toMatch(
        /giving up \(exit 1, --exit-after-unreported\): no controller accepted a report since the agent started 8 s ago/,
      );
    },
    60_000,
  );
});

/** deploy/systemd/geofailover.yaml with /etc/geofailover/tls/ mapped to a temp dir holding what README
 * "Deploy" step 7 puts there (a CA and the controller's pair, made with openssl). */
function withTls(): string {
  const tls = join(tmp, 'tls');
  if (!existsSync(tls)) {
    mkdirSync(tls);
    const ca = makeCa(tls, 'made-ca');
    const pair = issue(tls, ca, 'made-controller');
    copyFileSync(ca.cert, join(tls, 'ca.crt'));
    copyFileSync(pair.cert, join(tls, 'tls.crt'));
    copyFileSync(pair.key, join(tls, 'tls.key'));
  }
  const file = join(tmp, 'geofailover.yaml');
  writeFileSync(
    file,
    readFileSync(join(DIR, 'geofailover.yaml'), 'utf8').replaceAll('/etc/geofailover/tls/', `${tls}/`),
  );
  return file;
}
