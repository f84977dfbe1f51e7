// `geofailover drain REGION --reason TEXT [--for 2h]` and `undrain REGION`: operator overrides.
import type { Command } from 'commander';
import { parseDuration } from '../../config/duration.ts';
import { UsageError } from '../../model/index.ts';
import { callController, controllerOption } from '../controller-client.ts';
import { printCoverageWarnings } from '../coverage-warnings.ts';
import type { Register } from '../register.ts';

export const register: Register = (program: Command) => {
  program
    .command('drain')
    .description('take a region out of service (held across restarts until undrained or expired)')
    .argument('<region>', 'region id')
    .addOption(controllerOption())
    .requiredOption('--reason <text>', 'why (shown in status, events and notifications)')
    .option('--for <duration>', 'expire after this long, e.g. 2h')
    .option('--author <name>', 'who drains', process.env.USER ?? 'cli')
    .option('--output <format>', 'text or json', 'text')
    .action(
      async (
        region: string,
        opts: { controller: string; reason: string; for?: string; author: string; output: string },
      ) => {
        let forMs: number | undefined;
        if (opts.for !== undefined) {
          forMs = parseDuration(opts.for);
          if (forMs === undefined)
            throw new UsageError(`--for ${opts.for} is not a duration`, { remedy: 'use e.g. 30m, 2h' });
        }
        const doc = await callController(opts, 'PUT', `/v1/drains/${encodeURIComponent(region)}`, {
          reason: opts.reason,
          author: opts.author,
          ...(forMs === undefined ? {} : { forMs }),
        });
        const d = doc as { region: string; until?: string };
        process.stdout.write(
          opts.output === 'json'
            ? `${JSON.stringify(doc, null, 2)}\n`
            : `drained ${d.region}${d.until ? ` until ${d.until}` : ''}\n`,
        );
        printCoverageWarnings(doc);
      },
    );
  program
    .command('undrain')
    .description('return a drained region to service (traffic follows health)')
    .argument('<region>', 'region id')
    .addOption(controllerOption())
    .option('--author <name>', 'who undrains', process.env.USER ?? 'cli')
    .option('--output <format>', 'text or json', 'text')
    .action(async (region: string, opts: { controller: string; author: string; output: string }) => {
      const doc = await callController(
        opts,
        'DELETE',
        `/v1/drains/${encodeURIComponent(region)}?author=${encodeURIComponent(opts.author)}`,
      );
      process.stdout.write(
        opts.output === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : `undrained ${region}\n`,
      );
    });
};
