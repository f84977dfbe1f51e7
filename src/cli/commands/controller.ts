// `geofailover controller --config FILE`: the scheduled controller with its API (and the builtin DNS
// server when configured). SIGTERM/SIGINT finish the apply in flight, flush the event log, exit 0.
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.ts';
import { startController } from '../../controller/index.ts';
import { createLogger } from '../../log/index.ts';
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
      const config = loadConfig(opts.config);
      const logger = createLogger('geofailover-controller');
      // Nothing may take the controller down: log what escaped and keep serving.
      process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection (kept running)'));
      process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception (kept running)'));
      const ctl = await startController({
        config,
        logger,
        ...(opts.listen ? { listen: opts.listen } : {}),
        ...(opts.replica ? { replicaId: opts.replica } : {}),
      });
      process.stderr.write(
        `geofailover controller ${ctl.replica} listening on ${ctl.url}` +
          (ctl.dnsAddresses.length > 0 ? `; DNS on ${ctl.dnsAddresses.join(', ')}` : '') +
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
