// `geofailover dns-server --config FILE`: the builtin authoritative DNS server on its own, for every
// builtin provider with `listen` that a zone uses. It follows the zone store file the controller
// writes. SIGTERM/SIGINT close the sockets and exit 0; a port in use is one line and exit 1.
import type { Command } from 'commander';
import type { DnsServerHandle } from '../../../providers/builtin/dns-server/index.ts';
import { UsageError } from '../../model/index.ts';
import type { Register } from '../register.ts';

export const register: Register = (program: Command) => {
  program
    .command('dns-server')
    .description('serve the builtin zones (authoritative DNS over UDP and TCP)')
    .requiredOption('-c, --config <file>', 'config file (YAML)')
    .option('--listen <host:port...>', "override the provider's listen address(es)")
    .option('--provider <id>', 'serve only this builtin provider')
    .action(async (opts: { config: string; listen?: string[]; provider?: string }) => {
      const { startDnsServer } = await import('../../../providers/builtin/dns-server/index.ts');
      const { loadConfig, zoneProviders } = await import('../../config/index.ts');
      const { createLogger } = await import('../../log/index.ts');
      const config = loadConfig(opts.config);
      const logger = createLogger('geofailover-dns');
      const ids = Object.entries(config.providers)
        .filter(([id, p]) => p.kind === 'builtin' && (opts.provider === undefined || id === opts.provider))
        .filter(
          ([id, p]) =>
            (opts.listen !== undefined || (p.kind === 'builtin' && p.listen !== undefined)) &&
            config.zones.some((z) => zoneProviders(z).includes(id)),
        )
        .map(([id]) => id);
      if (ids.length === 0) {
        throw new UsageError('no builtin provider with a listen address serves a zone in this config', {
          remedy: 'add `listen: "127.0.0.1:5353"` to a builtin provider that a zone uses (or pass --listen)',
        });
      }
      const handles: DnsServerHandle[] = [];
      try {
        for (const providerId of ids) {
          handles.push(
            await startDnsServer({
              config,
              configFile: opts.config,
              providerId,
              // Servers of one process share its CPU and memory budget.
              workersElsewhere: handles.reduce((n, h) => n + h.workers - 1, 0),
              logger: logger.child({ provider: providerId }),
              ...(opts.listen ? { listen: opts.listen } : {}),
            }),
          );
        }
      } catch (err) {
        await Promise.all(handles.map((h) => h.close()));
        logger.flush();
        throw err;
      }
      const where = handles.flatMap((h) =>
        h.addresses.map((a) => (a.family === 'IPv6' ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`)),
      );
      const sized = handles.map(
        (h) => `${h.workers} worker${h.workers === 1 ? '' : 's'}: ${h.sizing.reason}`,
      );
      process.stderr.write(
        `geofailover dns-server listening on ${where.join(', ')} (udp+tcp; ${sized.join('; ')})\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          logger.info({ signal, stats: handles.map((h) => h.stats()) }, 'dns server stopping');
          Promise.all(handles.map((h) => h.close()))
            .catch((err: unknown) => logger.error({ err }, 'error while closing'))
            .finally(() => {
              logger.flush();
              resolve();
            });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
};
