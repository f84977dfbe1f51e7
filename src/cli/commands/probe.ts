// `geofailover probe --config FILE --prober ID`: one vantage point's probe agent. Checks every
// endpoint, signs its reports with the prober's key (from the environment or a file) and sends them to
// every configured controller until SIGTERM/SIGINT, then stops cleanly (exit 0). --health-listen
// serves /livez and /readyz; --exit-after-unreported ends it with exit 1 when no controller accepted a
// report for that long, so a service manager restarts it and shows the failure.
import { type Command, InvalidArgumentError } from 'commander';
import { parseDuration } from '../../config/duration.ts';
import { UsageError } from '../../model/index.ts';
import { EXIT } from '../exit.ts';
import type { Register } from '../register.ts';

/** commander argParser for a duration flag (`30s`, `10m`): milliseconds, above 0. */
function durationFlag(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0)
    throw new InvalidArgumentError(`Expected a duration such as 30s or 10m (got "${value}")`);
  return ms;
}

interface ProbeOptions {
  config: string;
  prober: string;
  healthListen?: string;
  readyWindow?: number;
  exitAfterUnreported?: number;
}

export const register: Register = (program: Command, setExit) => {
  program
    .command('probe')
    .description("run one prober's agent: check every endpoint and report to the controllers")
    .requiredOption('-c, --config <file>', 'config file (YAML)')
    .requiredOption('-p, --prober <id>', 'which configured prober this agent is')
    .option('--health-listen <host:port>', 'serve GET /livez and /readyz on this address (off by default)')
    .option(
      '--ready-window <duration>',
      '/readyz is 200 while a controller accepted a report this recently (default: health.staleAfter)',
      durationFlag,
    )
    .option(
      '--exit-after-unreported <duration>',
      'exit 1 when no controller accepted a report for this long, e.g. 10m (off by default)',
      durationFlag,
    )
    .action(async (opts: ProbeOptions) => {
      const { readFileSync } = await import('node:fs');
      const { ConfigError, controllersProblems, loadConfig, proberKey, resolveControllers } = await import(
        '../../config/index.ts'
      );
      const { createLogger } = await import('../../log/index.ts');
      const { ProbeAgent, startHealthServer } = await import('../../probe/index.ts');
      const config = loadConfig(opts.config);
      const prober = config.probers.find((p) => p.id === opts.prober);
      if (!prober) {
        throw new UsageError(`unknown prober "${opts.prober}" in ${opts.config}`, {
          value: opts.prober,
          remedy: `use one of the configured probers: ${config.probers.map((p) => p.id).join(', ') || '(none: add a `probers:` list)'}`,
        });
      }
      const key = proberKey(config, prober);
      // The controllers of controllersFrom come from this process's environment: a missing or wrong
      // variable stops the agent with the file, the line and the variable (exit 2).
      const problems = controllersProblems(config, readFileSync(opts.config, 'utf8'));
      if (problems.length > 0) throw new ConfigError(opts.config, problems);
      const { targets } = resolveControllers(config, process.env);
      const logger = createLogger('probe');
      let gaveUp: string | undefined;
      let stopNow: (() => void) | undefined;
      // Listening first: a taken port is a startup error before any check runs or timer is set.
      let agent: InstanceType<typeof ProbeAgent> | undefined;
      const health = opts.healthListen
        ? await startHealthServer(
            opts.healthListen,
            {
              liveness: () => agent?.liveness() ?? { ok: false, reason: 'starting' },
              readiness: () => agent?.readiness() ?? { ok: false, reason: 'starting', controllers: [] },
            },
            prober.id,
          )
        : undefined;
      try {
        agent = new ProbeAgent({
          config,
          proberId: prober.id,
          key,
          logger,
          controllers: targets,
          ...(opts.readyWindow === undefined ? {} : { readyWindowMs: opts.readyWindow }),
          ...(opts.exitAfterUnreported === undefined
            ? {}
            : {
                exitAfterUnreportedMs: opts.exitAfterUnreported,
                onUnreported: (reason: string) => {
                  gaveUp = reason;
                  stopNow?.();
                },
              }),
        });
      } catch (err) {
        await health?.close();
        throw err;
      }
      const running = agent;
      if (health) logger.info({ url: health.url }, 'health endpoints: GET /livez, /readyz');
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          logger.info({ signal }, 'stopping probe agent');
          done();
        };
        const done = () => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          resolve();
        };
        stopNow = done;
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
        running.start();
      });
      if (gaveUp !== undefined) {
        logger.error(
          { exitAfterUnreported: opts.exitAfterUnreported },
          `giving up (exit 1, --exit-after-unreported): ${gaveUp}`,
        );
        setExit(EXIT.error);
      }
      await running.stop();
      await health?.close();
      logger.flush();
    });
};
