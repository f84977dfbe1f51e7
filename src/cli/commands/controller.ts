// `geofailover controller --config FILE`: the scheduled controller with its API (and the builtin DNS
// server when configured). SIGTERM/SIGINT finish the apply in flight, flush the event log, exit 0.
import type { Command } from 'commander';
import { describeBounded, GeofailoverError } from '../../model/index.ts';
import type { Register } from '../register.ts';

const SHUTDOWN_LIMIT_MS = 10_000;

export const register: Register = (program: Command) => {
  program
    .command('controller')
    .description('run the controller: report API, health engine, reconcile loop (and builtin DNS)')
    .requiredOption('-c, --config <file>', 'config file (YAML)')
    .option('--listen <host:port>', 'override controller.listen')
    .option('--replica <id>', 'replica id shown in status and events')
    .action(async (opts: { config: string; listen?: string; replica?: string }) => {
      const { loadConfig } = await import('../../config/index.ts');
      const { startController } = await import('../../controller/index.ts');
      const { createLogger } = await import('../../log/index.ts');
      const config = loadConfig(opts.config);
      const logger = createLogger('geofailover-controller');
      // While starting, anything that escapes is fatal: one message and exit 1 (startController has
      // closed what it opened when it throws; an escape from a timer or socket ends the process, so
      // nothing half-started keeps listening).
      const fatal = (err: unknown) => {
        process.stderr.write(
          `error: controller failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
        );
        logger.flush();
        process.exit(1);
      };
      process.on('unhandledRejection', fatal);
      process.on('uncaughtException', fatal);
      const ctl = await startController({
        config,
        configFile: opts.config,
        logger,
        ...(opts.listen ? { listen: opts.listen } : {}),
        ...(opts.replica ? { replicaId: opts.replica } : {}),
      })
        .catch((err: unknown) => {
          // startController closed what it had opened; exit now, so no stray handle (a timer, a
          // socket of a library) can keep a half-started controller alive.
          const typed = err instanceof GeofailoverError;
          process.stderr.write(`error: ${describeBounded(err)}\n`);
          logger.flush();
          process.exit(typed ? err.exitCode : 1);
        })
        .finally(() => {
          process.off('unhandledRejection', fatal);
          process.off('uncaughtException', fatal);
        });
      // Started: nothing may take the controller down now; log what escapes and keep serving.
      process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection (kept running)'));
      process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception (kept running)'));
      process.stderr.write(
        `geofailover controller ${ctl.replica} listening on ${ctl.url}` +
          ctl.dnsServers
            .map(
              (d) =>
                `; DNS on ${d.addresses.join(', ')} (${d.workers} worker${d.workers === 1 ? '' : 's'}: ${d.reason})`,
            )
            .join('') +
          '\n',
      );
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          logger.info({ signal }, 'shutting down');
          const force = setTimeout(() => {
            logger.error('shutdown took over 10 s; exiting');
            process.exit(1);
          }, SHUTDOWN_LIMIT_MS);
          force.unref();
          ctl
            .stop()
            .catch((err: unknown) => logger.error({ err }, 'error during shutdown'))
            .finally(() => {
              logger.flush();
              resolve();
            });
        };
        process.once('SIGTERM', () => shutdown('SIGTERM'));
        process.once('SIGINT', () => shutdown('SIGINT'));
      });
    });
};
