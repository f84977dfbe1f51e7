// `geofailover demo` (what `npm start` runs): the whole system on loopback — three demo backends, three
// probe agents, the controller and the builtin DNS server — until Ctrl-C or SIGTERM, then exit 0.
// `geofailover demo-backend`: one demo backend on its own (docker compose runs three).
import { type Command, InvalidArgumentError } from 'commander';
import type { Register } from '../register.ts';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

export const register: Register = (program: Command) => {
  program
    .command('demo')
    .description('run a live demo on loopback: 3 regions, 3 probe agents, the controller and its DNS server')
    .option('--port <port>', 'controller port (a taken port falls back to a free one)', port, 8080)
    .option(
      '--dns-port <port>',
      'DNS server port, UDP and TCP (a taken port falls back to a free one)',
      port,
      5353,
    )
    .option('--state-dir <dir>', 'config, zone store, events and logs (default: a new temporary directory)')
    .option('--failback-after <duration>', 'how long a recovered region waits before traffic returns', '10s')
    .action(async (opts: { port: number; dnsPort: number; stateDir?: string; failbackAfter: string }) => {
      // Loaded here, not at the top: every other command would otherwise pay for the controller's imports.
      const { runDemo, waitForStopSignal } = await import('../../demo/index.ts');
      const stopSignal = waitForStopSignal();
      const demo = await runDemo({
        port: opts.port,
        dnsPort: opts.dnsPort,
        failbackAfter: opts.failbackAfter,
        ...(opts.stateDir === undefined ? {} : { stateDir: opts.stateDir }),
      });
      const signal = await stopSignal;
      process.stdout.write(`demo: ${signal}: stopping probe agents, controller and backends\n`);
      await demo.stop();
      process.stdout.write('demo: stopped\n');
      // Everything is closed; should a stray handle keep the loop alive, do not hang on it.
      setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
    });

  program
    .command('demo-backend')
    .description(
      'run one demo HTTP backend: GET /healthz answers 200 ok; POST /mode/fail|slow|healthy switches it',
    )
    .option('--host <addr>', 'listen address', '0.0.0.0')
    .option('--port <port>', 'listen port', port, 8080)
    .option('--name <name>', 'name shown in answers', 'backend')
    .action(async (opts: { host: string; port: number; name: string }) => {
      const { startDemoBackend, waitForStopSignal } = await import('../../demo/index.ts');
      const stopSignal = waitForStopSignal();
      const b = await startDemoBackend({ host: opts.host, port: opts.port, name: opts.name, control: true });
      process.stdout.write(`demo-backend ${opts.name} listening on ${b.url}\n`);
      await stopSignal;
      await b.close();
    });
};
